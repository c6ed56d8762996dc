package rules_test

import (
	"slices"
	"testing"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/scenarios"
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

// TestEvidenceCitesEarlierWarningSigns: a finding cites the earlier entries that show the
// same warning sign (a fever above the rule's threshold, a result outside its reference
// range), and leaves out the normal ones between.
func TestEvidenceCitesEarlierWarningSigns(t *testing.T) {
	e, cat := mustEngine(t)
	sc := scenarios.Scenario{
		Drugs: []string{"upadacitinib"},
		Entries: []scenarios.Logged{
			scenarios.Vital(0, "body_temperature", 38.6, "Cel"),
			scenarios.Vital(1, "body_temperature", 36.8, "Cel"),
			scenarios.Lab(2, "751-8", 4.0, "10*3/uL", 1.8, 7.7),
			scenarios.Lab(3, "751-8", 0.9, "10*3/uL", 1.8, 7.7),
			scenarios.Vital(4, "body_temperature", 38.3, "Cel"),
			scenarios.Lab(5, "751-8", 0.8, "10*3/uL", 1.8, 7.7),
		},
	}
	entries, findings := play(t, sc, e, cat)
	cites := func(trigger, earlier *medjournalv1.Entry) (found, cited bool) {
		for _, f := range findings {
			if f.Evidence[0] != trigger.GetId() {
				continue
			}
			found = true
			cited = cited || slices.Contains(f.Evidence, earlier.GetId())
		}
		return found, cited
	}
	for _, c := range []struct {
		trigger, earlier, normal int
	}{
		{trigger: 4, earlier: 0, normal: 1}, // the second fever cites the first
		{trigger: 5, earlier: 3, normal: 2}, // the second low count cites the first
	} {
		found, cited := cites(entries[c.trigger], entries[c.earlier])
		if !found || !cited {
			t.Errorf("entry %d: finding %v, cites entry %d %v; want a finding citing it", c.trigger, found, c.earlier, cited)
		}
		if _, normal := cites(entries[c.trigger], entries[c.normal]); normal {
			t.Errorf("entry %d's finding cites the normal entry %d", c.trigger, c.normal)
		}
	}
}

// TestEvidenceLeavesOutNormalValues: a normal temperature or an in-range lab in the window
// does not stand as evidence of a warning sign.
func TestEvidenceLeavesOutNormalValues(t *testing.T) {
	e, cat := mustEngine(t)
	sc := scenarios.Scenario{
		Drugs: []string{"upadacitinib"},
		Entries: []scenarios.Logged{
			scenarios.Vital(0, "body_temperature", 36.8, "Cel"),
			scenarios.Lab(1, "751-8", 4.0, "10*3/uL", 1.8, 7.7),
			scenarios.Vital(2, "body_temperature", 38.3, "Cel"),
			scenarios.Lab(3, "751-8", 0.8, "10*3/uL", 1.8, 7.7),
		},
	}
	entries, findings := play(t, sc, e, cat)
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
