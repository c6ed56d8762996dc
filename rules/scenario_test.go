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
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
)

// A scenario is a patient's story: a profile, medications, and journal entries in the
// order they are logged. Each entry is evaluated as it arrives, with the entries logged
// before it as its journal, as the server does. The scenario passes when the flags raised
// over the whole story are exactly want (category and highest urgency), none for benign
// stories.
type scenario struct {
	name    string
	profile *medjournalv1.Profile
	drugs   []string // drug codes taken throughout
	entries []logged
	want    []flagWant
}

type flagWant struct {
	category medjournalv1.Category
	urgency  medjournalv1.Urgency
}

// logged is an entry and when it happened, in hours after the story starts.
type logged struct {
	hours float64
	entry *medjournalv1.Entry
}

// The story starts on a fixed day so tests do not depend on when they run.
var storyStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func sym(hours float64, code string, sev medjournalv1.Severity) logged {
	return logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: sev}}}}
}

func vital(hours float64, code string, value float64, unit string) logged {
	return logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: code, Value: value, Unit: unit}}}}
}

// lab logs a result; ref, when given, is the lab's reference range [low, high] in unit.
func lab(hours float64, loinc string, value float64, unit string, ref ...float64) logged {
	l := &medjournalv1.Lab{Code: loinc, Value: value, Unit: unit}
	if len(ref) == 2 {
		l.ReferenceLow, l.ReferenceHigh = proto.Float64(ref[0]), proto.Float64(ref[1])
	}
	return logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: l}}}
}

func note(hours float64, text string) logged {
	return logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}}}}
}

const (
	mild     = medjournalv1.Severity_SEVERITY_MILD
	moderate = medjournalv1.Severity_SEVERITY_MODERATE
	severe   = medjournalv1.Severity_SEVERITY_SEVERE
	verySev  = medjournalv1.Severity_SEVERITY_VERY_SEVERE

	routine   = medjournalv1.Urgency_URGENCY_ROUTINE
	urgent    = medjournalv1.Urgency_URGENCY_URGENT
	emergency = medjournalv1.Urgency_URGENCY_EMERGENCY
)

func flag(c medjournalv1.Category, u medjournalv1.Urgency) flagWant { return flagWant{c, u} }

// run plays the story through the engine and returns the highest urgency per category.
func (sc scenario) run(t *testing.T, e *rules.Engine, cat *catalog.Catalog) map[medjournalv1.Category]medjournalv1.Urgency {
	t.Helper()
	got := map[medjournalv1.Category]medjournalv1.Urgency{}
	_, findings := sc.play(t, e, cat)
	for _, f := range findings {
		got[f.Rule.GetCategory()] = max(got[f.Rule.GetCategory()], f.Urgency)
	}
	return got
}

// play evaluates each entry as it arrives and returns the entries (with their ids, in
// story order) and every finding.
func (sc scenario) play(t *testing.T, e *rules.Engine, cat *catalog.Catalog) ([]*medjournalv1.Entry, []rules.Finding) {
	t.Helper()
	patient := &medjournalv1.Account{Id: uuid.NewString(), TimeZone: "Europe/Berlin", Profile: sc.profile}
	var meds []*medjournalv1.Medication
	for _, d := range sc.drugs {
		meds = append(meds, &medjournalv1.Medication{Id: uuid.NewString(), DrugCode: d, StartDate: "2025-01-01"})
	}
	var (
		journalSoFar []*medjournalv1.Entry
		all          []rules.Finding
	)
	for i, l := range sc.entries {
		entry := proto.Clone(l.entry).(*medjournalv1.Entry)
		entry.Id = uuid.NewString()
		entry.OccurredTime = timestamppb.New(storyStart.Add(time.Duration(l.hours * float64(time.Hour))))
		if err := journal.NormalizeEntry(cat, entry, fmt.Sprintf("entries[%d]", i), storyStart.Add(1000*time.Hour)); err != nil {
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
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got := sc.run(t, e, cat)
			want := map[medjournalv1.Category]medjournalv1.Urgency{}
			for _, w := range sc.want {
				want[w.category] = w.urgency
			}
			if !mapsEqual(got, want) {
				t.Errorf("flags = %s, want %s", describe(got), describe(want))
			}
		})
	}
	if len(scenarios) < 80 {
		t.Logf("only %d scenarios; the rule set needs at least 80", len(scenarios))
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
