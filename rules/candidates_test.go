package rules_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
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

// TestCandidateRulesFindWhatEveryRuleFinds: evaluating only a trigger's candidate rules
// finds exactly what evaluating every rule finds (evaluateChecked), over every scenario
// and over random dense journals of every catalog symptom, vital and lab with values at
// both ends of their range, every drug and risk factor, and triggers of every kind.
// Between them they make every rule fire, so a candidate table that dropped a rule it
// should keep would show here.
func TestCandidateRulesFindWhatEveryRuleFinds(t *testing.T) {
	e, cat := mustEngine(t)
	fired := map[string]int{}
	for _, sc := range scenarios.All {
		_, findings := play(t, sc, e, cat)
		for _, f := range findings {
			fired[f.Rule.GetId()]++
		}
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for range 6000 {
		for _, f := range evaluateChecked(t, e, randomDenseInput(t, rng, cat)) {
			fired[f.Rule.GetId()]++
		}
	}
	for _, r := range e.Rules().GetRules() {
		if fired[r.GetId()] == 0 {
			t.Errorf("rule %s never fired: neither the scenarios nor the random journals exercise it", r.GetId())
		}
	}
}

// evaluateChecked evaluates in as the server does, and fails the test unless every rule
// would have found the same.
func evaluateChecked(t *testing.T, e *rules.Engine, in rules.Input) []rules.Finding {
	t.Helper()
	got, err := e.Evaluate(in)
	if err != nil {
		t.Fatalf("evaluate %v: %v", in.Trigger, err)
	}
	want, err := rules.EvaluateEveryRule(e, in)
	if err != nil {
		t.Fatalf("evaluate %v against every rule: %v", in.Trigger, err)
	}
	if !sameFindings(got, want) {
		t.Fatalf("trigger %v:\n candidate rules found %s\n every rule found     %s", in.Trigger, describeFindings(got), describeFindings(want))
	}
	if len(want) > 0 && !e.MayMatch(in.Trigger) {
		t.Fatalf("MayMatch is false for %v, which matched %s", in.Trigger, describeFindings(want))
	}
	// The store reads no further than the trigger's Horizon: what lies beyond must not
	// change the findings.
	near := in
	near.Recent = nil
	at := in.Trigger.GetOccurredTime().AsTime()
	for _, r := range in.Recent {
		if r.GetOccurredTime().AsTime().Sub(at).Abs() <= e.Horizon(in.Trigger) {
			near.Recent = append(near.Recent, r)
		}
	}
	if cut, err := e.Evaluate(near); err != nil || !sameFindings(cut, got) {
		t.Fatalf("trigger %v: with the journal cut at its horizon %v the rules found %s (%v), with all of it %s",
			in.Trigger, e.Horizon(in.Trigger), describeFindings(cut), err, describeFindings(got))
	}
	return got
}

// TestCandidateRulesPrune: the table is not every rule for every trigger. A dose can match
// only the double-dose rule, a note none, and a low neutrophil count only a few rules.
func TestCandidateRulesPrune(t *testing.T) {
	e, _ := mustEngine(t)
	all := len(e.Rules().GetRules())
	if e.MayMatch(&medjournalv1.Entry{Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "ok"}}}) {
		t.Error("a note may match a rule")
	}
	dose := rules.CandidateRuleIDs(e, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: "m"}}})
	if !slices.Equal(dose, []string{"other.double_dose"}) {
		t.Errorf("a dose is checked against %v, want only other.double_dose", dose)
	}
	anc := rules.CandidateRuleIDs(e, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "751-8"}}})
	if len(anc) == 0 || len(anc) >= all/4 {
		t.Errorf("a neutrophil count is checked against %d rules of %d: %v", len(anc), all, anc)
	}
	// A trigger outside the catalog is checked against every rule.
	if got := rules.CandidateRuleIDs(e, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: "not_in_catalog"}}}); len(got) != all {
		t.Errorf("an unknown symptom is checked against %d rules, want all %d", len(got), all)
	}
}

// randomDenseInput is a few days of a busy journal around a trigger: every catalog code can
// appear, values reach both ends of their plausible range, and the patient takes one or
// two of the catalog's drugs and has random risk factors.
func randomDenseInput(t testing.TB, rng *rand.Rand, cat *catalog.Catalog) rules.Input {
	t.Helper()
	return randomJournal(t, rng, cat, rng.IntN(40))
}

// randomJournal is randomDenseInput with n entries around the trigger, oldest first as the
// store hands them over.
func randomJournal(t testing.TB, rng *rand.Rand, cat *catalog.Catalog, n int) rules.Input {
	t.Helper()
	at := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	symptoms := cat.Symptoms().GetSymptoms()
	vitals := cat.Vitals().GetVitals()
	labs := cat.LabTests().GetLabTests()
	drugs := cat.Drugs().GetDrugs()
	risks := cat.RiskFactors().GetRiskFactors()
	// value is uniform over [lo, hi] or skewed to either end, where most thresholds are.
	value := func(lo, hi float64) float64 {
		u := rng.Float64()
		switch rng.IntN(3) {
		case 0:
			u = u * u * u
		case 1:
			u = 1 - u*u*u
		}
		return lo + (hi-lo)*u
	}
	// Each journal dwells on a few codes, so symptoms repeat over days and lab results
	// have previous values, as the rules need.
	symptoms = pick(rng, symptoms, 6)
	vitals = pick(rng, vitals, 2)
	labs = pick(rng, labs, 2)
	meds := []*medjournalv1.Medication{{Id: "m0", DrugCode: drugs[rng.IntN(len(drugs))].GetCode()},
		{Id: "m1", DrugCode: drugs[rng.IntN(len(drugs))].GetCode()}}
	profile := &medjournalv1.Profile{BirthYear: int32(1930 + rng.IntN(80)), SmokingStatus: medjournalv1.SmokingStatus(rng.IntN(4))}
	for _, r := range risks {
		if rng.IntN(3) == 0 {
			profile.RiskFactors = append(profile.RiskFactors, r.GetCode())
		}
	}
	// entry is of kind 0 and 1 symptom, 2 vital, 3 lab, 4 dose or note.
	entry := func(when time.Time, kind int) *medjournalv1.Entry {
		en := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(when)}
		switch kind {
		case 0, 1:
			en.Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{
				Code: symptoms[rng.IntN(len(symptoms))].GetCode(), Severity: medjournalv1.Severity(1 + rng.IntN(4))}}
		case 2:
			v := vitals[rng.IntN(len(vitals))]
			en.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: v.GetCode(),
				Value: value(v.GetMinValue(), v.GetMaxValue()), Unit: v.GetCanonicalUnit()}}
		case 3:
			l := labs[rng.IntN(len(labs))]
			v := value(l.GetMinValue(), l.GetMaxValue())
			if rng.IntN(2) == 0 { // near the reference range, where the grades are
				v = min(max(value(0, 4*l.GetTypicalHigh()), l.GetMinValue()), l.GetMaxValue())
			}
			lab := &medjournalv1.Lab{Code: l.GetCode(), Value: v, Unit: l.GetCanonicalUnit()}
			if rng.IntN(2) == 0 {
				lab.ReferenceLow, lab.ReferenceHigh = proto.Float64(l.GetTypicalLow()), proto.Float64(l.GetTypicalHigh())
			}
			en.Kind = &medjournalv1.Entry_Lab{Lab: lab}
		default:
			if rng.IntN(2) == 0 {
				en.Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: meds[0].GetId(),
					Amount: 1, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}
			} else {
				en.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "note"}}
			}
		}
		if err := journal.NormalizeEntry(cat, en, "entry", at.Add(5*24*time.Hour)); err != nil {
			t.Fatalf("generated entry %v: %v", en, err)
		}
		return en
	}
	trigger := entry(at, rng.IntN(5))
	if rng.IntN(3) == 0 {
		trigger = entry(at, 3) // labs have the most rules
	}
	in := rules.Input{Trigger: trigger, Recent: []*medjournalv1.Entry{trigger}, Medications: meds,
		Patient: &medjournalv1.Account{TimeZone: "Europe/Berlin", Profile: profile}}
	for range n {
		en := entry(at.Add(time.Duration(rng.Int64N(int64(8*24*time.Hour)))-4*24*time.Hour).Truncate(time.Minute), rng.IntN(5))
		in.Recent = append(in.Recent, en)
		if en.GetLab() != nil {
			in.LabHistory = append(in.LabHistory, en)
		}
	}
	for range rng.IntN(12) {
		en := entry(at.Add(-time.Duration(rng.Int64N(int64(90*24*time.Hour)))).Truncate(time.Minute), 3)
		if en.GetLab() != nil {
			in.LabHistory = append(in.LabHistory, en)
		}
	}
	if l := trigger.GetLab(); l != nil && rng.IntN(3) == 0 {
		// A repeat test: an earlier result of the same test, a little lower.
		again := proto.Clone(trigger).(*medjournalv1.Entry)
		again.Id = uuid.NewString()
		again.OccurredTime = timestamppb.New(at.Add(-time.Duration(1+rng.IntN(20)) * 24 * time.Hour))
		again.GetLab().Value *= 0.8 + 0.2*rng.Float64()
		if journal.NormalizeEntry(cat, again, "entry", at) == nil { // else below the plausible range
			in.LabHistory = append(in.LabHistory, again)
		}
	}
	slices.SortStableFunc(in.Recent, func(a, b *medjournalv1.Entry) int {
		return a.GetOccurredTime().AsTime().Compare(b.GetOccurredTime().AsTime())
	})
	slices.SortStableFunc(in.LabHistory, func(a, b *medjournalv1.Entry) int {
		return a.GetOccurredTime().AsTime().Compare(b.GetOccurredTime().AsTime())
	})
	return in
}

// pick is up to n of list, at random.
func pick[T any](rng *rand.Rand, list []T, n int) []T {
	list = slices.Clone(list)
	rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	return list[:min(n, len(list))]
}

func sameFindings(a, b []rules.Finding) bool {
	return slices.EqualFunc(a, b, func(x, y rules.Finding) bool {
		return proto.Equal(x.Rule, y.Rule) && x.Urgency == y.Urgency && slices.Equal(x.Evidence, y.Evidence)
	})
}

func describeFindings(fs []rules.Finding) string {
	out := "["
	for _, f := range fs {
		out += fmt.Sprintf(" %s/%s", f.Rule.GetId(), f.Urgency)
	}
	return out + " ]"
}
