package rules_test

import (
	"testing"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/rules"
)

func mustEngine(t testing.TB) (*rules.Engine, *catalog.Catalog) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.Load(cat)
	if err != nil {
		t.Fatalf("load rules: %v", err)
	}
	return e, cat
}

func TestRulesLoadAndCiteSources(t *testing.T) {
	e, _ := mustEngine(t)
	for _, r := range e.Rules().GetRules() {
		if r.GetSource().GetDocument() == "" || r.GetSource().GetSection() == "" {
			t.Errorf("rule %s does not cite its source", r.GetId())
		}
	}
}

// TestEvidenceLeavesOutNormalValues: a normal temperature or an in-range lab in the window
// does not stand as evidence of a warning sign.
func TestEvidenceLeavesOutNormalValues(t *testing.T) {
	e, cat := mustEngine(t)
	sc := scenario{
		drugs: []string{"upadacitinib"},
		entries: []logged{
			vital(0, "body_temperature", 36.8, "Cel"),
			lab(1, "751-8", 4.0, "10*3/uL", 1.8, 7.7),
			vital(2, "body_temperature", 38.3, "Cel"),
			lab(3, "751-8", 0.8, "10*3/uL", 1.8, 7.7),
		},
	}
	entries, findings := sc.play(t, e, cat)
	for _, f := range findings {
		for _, id := range f.Evidence {
			if id == entries[0].GetId() || id == entries[1].GetId() {
				t.Errorf("rule %s takes a normal value (%s) as evidence", f.Rule.GetId(), id)
			}
		}
	}
	if len(findings) == 0 {
		t.Fatal("fever and low neutrophils raised nothing")
	}
}
