package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// pairRule stands in for a rule that needs two entries together: it matches when the
// journal window holds both a cough and breathlessness.
func pairRule(in EvalInput) ([]Finding, error) {
	var codes []string
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
// snapshot is stale and evaluate it again, so the pair is flagged.
func TestStalePreEvaluationIsRedone(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pre.db"), WithEvaluator(Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: pairRule}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: "pre@example.com", DisplayName: "P", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	entry := func(id, code string) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(at),
			Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: medjournalv1.Severity_SEVERITY_MILD}}}
	}
	a, b := entry("00000000-0000-4000-8000-00000000000a", "cough"), entry("00000000-0000-4000-8000-00000000000b", "shortness_of_breath")
	preA, err := s.preEvaluate(ctx, p.Id, a)
	if err != nil {
		t.Fatal(err)
	}
	preB, err := s.preEvaluate(ctx, p.Id, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(preA.findings)+len(preB.findings) != 0 {
		t.Fatal("each entry alone matched the pair rule")
	}
	var flagged []string
	for _, w := range []struct {
		e   *medjournalv1.Entry
		pre *preEvaluation
	}{{a, preA}, {b, preB}} {
		err := s.write(ctx, func(tx *Tx) error {
			out, _, err := s.createEntryWith(ctx, tx, p.Id, w.e, w.pre)
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
