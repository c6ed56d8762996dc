package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/scenarios"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
)

// A scenario is played as the server does: each entry is evaluated as it arrives, with
// the entries logged before it as its journal.

// run plays the story through the engine and returns the highest urgency per category.
func run(t *testing.T, sc scenarios.Scenario, e *rules.Engine, cat *catalog.Catalog) map[medjournalv1.Category]medjournalv1.Urgency {
	t.Helper()
	got := map[medjournalv1.Category]medjournalv1.Urgency{}
	_, findings := play(t, sc, e, cat)
	for _, f := range findings {
		got[f.Rule.GetCategory()] = max(got[f.Rule.GetCategory()], f.Urgency)
	}
	return got
}

// play evaluates each entry as it arrives and returns the entries (with their ids, in
// story order) and every finding.
func play(t *testing.T, sc scenarios.Scenario, e *rules.Engine, cat *catalog.Catalog) ([]*medjournalv1.Entry, []rules.Finding) {
	t.Helper()
	patient := &medjournalv1.Account{Id: uuid.NewString(), TimeZone: "Europe/Berlin", Profile: sc.Profile}
	var meds []*medjournalv1.Medication
	for _, d := range sc.Drugs {
		meds = append(meds, &medjournalv1.Medication{Id: uuid.NewString(), DrugCode: d, StartDate: "2025-01-01"})
	}
	var (
		journalSoFar []*medjournalv1.Entry
		all          []rules.Finding
	)
	for i, l := range sc.Entries {
		entry := proto.Clone(l.Entry).(*medjournalv1.Entry)
		entry.Id = uuid.NewString()
		entry.OccurredTime = timestamppb.New(l.At())
		if err := journal.NormalizeEntry(cat, entry, fmt.Sprintf("entries[%d]", i), scenarios.StoryStart.Add(1000*time.Hour)); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		journalSoFar = append(journalSoFar, entry)
		in := rules.Input{Trigger: entry, Medications: meds, Patient: patient}
		at := entry.GetOccurredTime().AsTime()
		for _, prior := range journalSoFar {
			if d := prior.GetOccurredTime().AsTime().Sub(at); d.Abs() <= e.Window() {
				in.Recent = append(in.Recent, prior)
			}
			if prior.GetLab() != nil && !prior.GetOccurredTime().AsTime().After(at) {
				in.LabHistory = append(in.LabHistory, prior)
			}
		}
		all = append(all, evaluateChecked(t, e, in)...)
	}
	return journalSoFar, all
}

func TestScenarios(t *testing.T) {
	e, cat := mustEngine(t)
	for _, sc := range scenarios.All {
		t.Run(sc.Name, func(t *testing.T) {
			got := run(t, sc, e, cat)
			want := map[medjournalv1.Category]medjournalv1.Urgency{}
			for _, w := range sc.Want {
				want[w.Category] = w.Urgency
			}
			if !mapsEqual(got, want) {
				t.Errorf("flags = %s, want %s", describe(got), describe(want))
			}
		})
	}
	if len(scenarios.All) < 80 {
		t.Logf("only %d scenarios; the rule set needs at least 80", len(scenarios.All))
	}
}

func mapsEqual(a, b map[medjournalv1.Category]medjournalv1.Urgency) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func describe(m map[medjournalv1.Category]medjournalv1.Urgency) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for c, u := range m {
		parts = append(parts, strings.TrimPrefix(c.String(), "CATEGORY_")+"="+strings.TrimPrefix(u.String(), "URGENCY_"))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
