package rules_test

import medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"

// scenarios are the clinical stories the rule set must get right, written from
// ../shared/clinical/REFERENCE.md (sections 1-3, 7 and 9).
var scenarios = []scenario{
	{
		name:    "measured fever on upadacitinib",
		drugs:   []string{"upadacitinib"},
		entries: []logged{vital(0, "body_temperature", 38.4, "Cel")},
		want:    []flagWant{flag(medjournalv1.Category_CATEGORY_INFECTION, urgent)},
	},
	{
		name:    "normal temperature is benign",
		drugs:   []string{"upadacitinib"},
		entries: []logged{vital(0, "body_temperature", 36.9, "Cel")},
	},
}
