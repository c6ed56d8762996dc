package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// pairRule stands in for a rule that needs two entries together: it matches when the
// journal window, with the trigger (which Recent leaves out before it is stored), holds
// both a cough and breathlessness.
func pairRule(in EvalInput) ([]Finding, error) {
	codes := []string{in.Trigger.GetSymptom().GetCode()}
	for _, e := range in.Recent {
		codes = append(codes, e.GetSymptom().GetCode())
	}
	if slices.Contains(codes, "cough") && slices.Contains(codes, "shortness_of_breath") {
		return []Finding{{Rule: &medjournalv1.Rule{Id: "test.pair", Category: medjournalv1.Category_CATEGORY_INFECTION,
			Urgency: medjournalv1.Urgency_URGENCY_URGENT, Episode: durationpb.New(time.Hour), Source: &medjournalv1.Source{Document: "test"}},
			Urgency: medjournalv1.Urgency_URGENCY_URGENT, Evidence: []string{in.Trigger.GetId()}}}, nil
	}
	return nil, nil
}

// TestStalePreEvaluationIsRedone: two entries evaluated on the same snapshot, before
// either is stored, each miss the other; the writer must notice the second one's
// snapshot is stale and evaluate it again, so the pair is flagged. Recent entries are
// evaluated from the patient's cached context, back-dated ones from a read of their own.
func TestStalePreEvaluationIsRedone(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for name, now := range map[string]time.Time{"recent": at.Add(time.Hour), "back-dated": at.AddDate(0, 3, 0)} {
		t.Run(name, func(t *testing.T) { testStalePreEvaluationIsRedone(t, at, now) })
	}
}

func testStalePreEvaluationIsRedone(t *testing.T, at, now time.Time) {
	ctx := context.Background()
	s, _ := openTemp(t, WithClock(func() time.Time { return now }),
		WithEvaluator(Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: pairRule}))
	p := createPatient(t, s, "pre@example.com")
	entry := func(id, code string) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(at),
			Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: medjournalv1.Severity_SEVERITY_MILD}}}
	}
	a, b := entry("00000000-0000-4000-8000-00000000000a", "cough"), entry("00000000-0000-4000-8000-00000000000b", "shortness_of_breath")
	preA, err := s.preEvaluate(ctx, p, a)
	if err != nil {
		t.Fatal(err)
	}
	preB, err := s.preEvaluate(ctx, p, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(preA.findings)+len(preB.findings) != 0 {
		t.Fatal("each entry alone matched the pair rule")
	}
	if cached := s.ruleCache.byPatient[p] != nil; cached != isRecent(at, now) {
		t.Fatalf("context cached: %v, want %v", cached, isRecent(at, now))
	}
	var flagged []string
	for _, w := range []struct {
		e   *medjournalv1.Entry
		pre *preEvaluation
	}{{a, preA}, {b, preB}} {
		err := s.write(ctx, func(tx *Tx) error {
			out, _, err := s.createEntryWith(ctx, tx, p, w.e, w.pre)
			flagged = append(flagged, out.GetFlagIds()...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(flagged) != 1 {
		t.Fatalf("flags raised: %v; want the pair flagged once the second entry is stored", flagged)
	}
}

// TestEntriesNoRuleCanMatchSkipTheRules: an entry the evaluator says no rule can match
// (here a dose) is stored without reading its journal or evaluating, whether it comes
// through the pre-evaluation or the writer; the rules still see it in the windows of
// later entries, and those are still flagged.
func TestEntriesNoRuleCanMatchSkipTheRules(t *testing.T) {
	ctx := context.Background()
	var seen []EvalInput
	record := func(in EvalInput) ([]Finding, error) {
		seen = append(seen, in)
		return pairRule(in)
	}
	s, _ := openTemp(t, WithEvaluator(Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour,
		Evaluate: record, MayMatch: func(e *medjournalv1.Entry) bool { return e.GetDose() == nil }}))
	p := createPatient(t, s, "maymatch@example.com")
	med, err := s.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "tofacitinib"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	dose := func(id string) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(at), Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
			MedicationId: med.GetId(), Amount: 5, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}}
	}
	dose1, dose2 := dose("00000000-0000-4000-8000-0000000000d1"), dose("00000000-0000-4000-8000-0000000000d2")
	if _, _, err := s.CreateEntry(ctx, p, dose1); err != nil {
		t.Fatal(err)
	}
	// The writer's own path, as when a pre-evaluation is missing.
	if err := s.write(ctx, func(tx *Tx) error { _, _, err := s.createEntry(ctx, tx, p, dose2); return err }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 {
		t.Fatalf("doses were evaluated %d times", len(seen))
	}
	var flagged []string
	for _, code := range []string{"cough", "shortness_of_breath"} {
		out, _, err := s.CreateEntry(ctx, p, &medjournalv1.Entry{OccurredTime: timestamppb.New(at.Add(time.Minute)),
			Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: medjournalv1.Severity_SEVERITY_MILD}}})
		if err != nil {
			t.Fatal(err)
		}
		flagged = append(flagged, out.GetFlagIds()...)
	}
	if len(flagged) != 1 {
		t.Fatalf("flags raised: %v; want the pair flagged", flagged)
	}
	if len(seen) != 2 {
		t.Fatalf("evaluated %d times, want once per symptom", len(seen))
	}
	var ids []string
	for _, e := range seen[1].Recent {
		ids = append(ids, e.GetId())
	}
	if !slices.Contains(ids, dose1.GetId()) || !slices.Contains(ids, dose2.GetId()) {
		t.Errorf("the rules' window %v lacks the doses stored without evaluation", ids)
	}
}
