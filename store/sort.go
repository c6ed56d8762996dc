package store

import (
	"cmp"
	"slices"
	"strings"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// sortMedications orders a regimen the way a person reads it: by name, case-insensitive.
func sortMedications(ms []*medjournalv1.Medication) {
	slices.SortFunc(ms, func(a, b *medjournalv1.Medication) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(medicationName(a)), strings.ToLower(medicationName(b))),
			cmp.Compare(a.Id, b.Id),
		)
	})
}

func medicationName(m *medjournalv1.Medication) string {
	if m.DisplayName != "" {
		return m.DisplayName
	}
	return m.DrugCode
}
