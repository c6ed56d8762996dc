package journal

import "github.com/medjournal/medjournal/catalog"

// nearestDrug returns the catalog drug code within two edits of code, if there is one: a
// likely misspelling rather than a drug the catalog does not know.
func nearestDrug(cat *catalog.Catalog, code string) (string, bool) {
	best, bestDist := "", 3
	for _, d := range cat.Drugs().GetDrugs() {
		if dist := editDistance(code, d.GetCode()); dist < bestDist {
			best, bestDist = d.GetCode(), dist
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance between a and b, by bytes (codes are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
