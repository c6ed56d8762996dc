package catalog

import "regexp"

var (
	// slugPattern is the shape of the catalog's own codes (drugs, symptoms, vitals, risk
	// factors): stable identifiers clients store, so no spaces, capitals or punctuation.
	slugPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

	loincPattern  = regexp.MustCompile(`^([0-9]{1,7})-([0-9])$`)
	snomedPattern = regexp.MustCompile(`^[1-9][0-9]{5,17}$`)
	rxnormPattern = regexp.MustCompile(`^[1-9][0-9]*$`)
)

// validLOINC reports whether code is a LOINC code with a correct check digit. The check
// digit catches the typical slip of a transposed or mistyped digit, which the shape
// alone would let through.
func validLOINC(code string) bool {
	m := loincPattern.FindStringSubmatch(code)
	return m != nil && loincCheckDigit(m[1]) == m[2][0]
}

// loincCheckDigit computes the LOINC "mod 10" check digit of the part before the hyphen:
// the Luhn algorithm, doubling every other digit starting with the rightmost one.
func loincCheckDigit(num string) byte {
	sum := 0
	double := true
	for i := len(num) - 1; i >= 0; i-- {
		d := int(num[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// validSNOMED reports whether code is a SNOMED CT identifier with a correct Verhoeff
// check digit, its last digit.
func validSNOMED(code string) bool {
	if !snomedPattern.MatchString(code) {
		return false
	}
	c := 0
	for i := 0; i < len(code); i++ {
		digit := code[len(code)-1-i] - '0'
		c = int(verhoeffD[c][verhoeffP[i%8][digit]])
	}
	return c == 0
}

// Verhoeff tables: the multiplication table of the dihedral group D5 and the
// permutation applied by position.
var (
	verhoeffD = [10][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// validUCUMCode reports whether unit could be a UCUM case-sensitive code: printable ASCII
// without spaces. It does not parse UCUM; it catches "mg / dL" and "µmol/L" (UCUM writes
// micro as "u"), which a client could never match.
func validUCUMCode(unit string) bool {
	if unit == "" {
		return false
	}
	for i := 0; i < len(unit); i++ {
		if unit[i] <= ' ' || unit[i] > '~' {
			return false
		}
	}
	return true
}
