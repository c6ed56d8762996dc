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
