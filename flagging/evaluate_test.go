package flagging

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
)

// pairRule stands in for a rule that needs two entries together: it matches when the
// journal window, with the trigger (which Recent leaves out before it is stored), holds
// both a cough and breathlessness.
func pairRule(in rules.Input) ([]rules.Finding, error) {
	codes := []string{in.Trigger.GetSymptom().GetCode()}
	for _, e := range in.Recent {
		codes = append(codes, e.GetSymptom().GetCode())
	}
	if slices.Contains(codes, "cough") && slices.Contains(codes, "shortness_of_breath") {
		return []rules.Finding{{Rule: &medjournalv1.Rule{Id: "test.pair", Category: medjournalv1.Category_CATEGORY_INFECTION,
			Urgency: medjournalv1.Urgency_URGENCY_URGENT, Episode: durationpb.New(time.Hour), Source: &medjournalv1.Source{Document: "test"}},
			Urgency: medjournalv1.Urgency_URGENCY_URGENT, Evidence: []string{in.Trigger.GetId()}}}, nil
	}
	return nil, nil
}

// TestStalePreEvaluationIsRedone: two entries evaluated on the same snapshot, before
// either is stored, each miss the other; the writer must notice the second one's
// snapshot is stale and evaluate it again, so the pair is flagged. Recent entries are
// evaluated from the patient's cached context, back-dated ones from a read of their own.
// The writer evaluates again from the cache extended by the first entry when that one was
// stored in an earlier group, earlier in its group (as when a phone and a browser send
// together) or earlier in the same write (a Sync batch), and from SQLite otherwise.
func TestStalePreEvaluationIsRedone(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for name, now := range map[string]time.Time{"recent": at.Add(time.Hour), "back-dated": at.AddDate(0, 3, 0)} {
		for _, how := range []string{"separate groups", "one group", "one write"} {
			t.Run(name+", "+how, func(t *testing.T) { testStalePreEvaluationIsRedone(t, at, now, how) })
		}
	}
}

func testStalePreEvaluationIsRedone(t *testing.T, at, now time.Time, how string) {
	ctx := context.Background()
	s, st := openTemp(t, func() time.Time { return now },
		&Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: pairRule})
	p := createPatient(t, st, "pre@example.com")
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
	if cached := s.cache.current(p) != nil; cached != isRecent(at, now) {
		t.Fatalf("context cached: %v, want %v", cached, isRecent(at, now))
	}
	var flagged []string
	create := func(e *medjournalv1.Entry, pre *preEvaluation) func(*write) error {
		return func(w *write) error {
			out, _, err := s.createEntry(ctx, w, p, e, pre)
			flagged = append(flagged, out.GetFlagIds()...)
			return err
		}
	}
	switch how {
	case "separate groups":
		for _, fn := range []func(*write) error{create(a, preA), create(b, preB)} {
			if err := s.writeJournal(ctx, false, fn); err != nil {
				t.Fatal(err)
			}
		}
	case "one group":
		var earlier []storage.CreatedEntry // what b's write found created before it in its transaction
		createB := create(b, preB)
		for _, err := range inOneGroup(t, s, st, create(a, preA), func(w *write) error {
			earlier = w.CreatedInTransaction(p)
			return createB(w)
		}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(earlier) != 1 || earlier[0].Entry.GetId() != a.GetId() {
			t.Fatalf("the second write found %v created before it, want the first's entry: not one group", earlier)
		}
	case "one write":
		err := s.writeJournal(ctx, false, func(w *write) error {
			if err := create(a, preA)(w); err != nil {
				return err
			}
			return create(b, preB)(w)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(flagged) != 1 {
		t.Fatalf("flags raised: %v; want the pair flagged once the second entry is stored", flagged)
	}
	// The cache followed both entries.
	if pc := s.cache.current(p); isRecent(at, now) && (pc == nil || len(pc.entries) != 2) {
		t.Fatalf("cached context after both entries: %+v, want both entries", pc)
	}
}

// TestRolledBackCreateIsNotInTheGroupsJournal: a write that creates an entry and then
// fails is rolled back to its savepoint; a later write of the same group that the writer
// evaluates from the cache and the group's creates must not see the rolled-back entry.
func TestRolledBackCreateIsNotInTheGroupsJournal(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s, st := openTemp(t, func() time.Time { return at.Add(time.Hour) },
		&Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: pairRule})
	p := createPatient(t, st, "rollback@example.com")
	entry := func(id, code string) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(at),
			Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: medjournalv1.Severity_SEVERITY_MILD}}}
	}
	cough := entry("00000000-0000-4000-8000-0000000000c1", "cough")
	headache := entry("00000000-0000-4000-8000-0000000000c2", "headache")
	breathless := entry("00000000-0000-4000-8000-0000000000c3", "shortness_of_breath")
	pre, err := s.preEvaluate(ctx, p, breathless) // from the cache, before any of the group
	if err != nil {
		t.Fatal(err)
	}
	failed := errors.New("the write fails after its insert")
	var (
		flagged []string
		coughed bool                   // the first write stored the cough before failing
		earlier []storage.CreatedEntry // what the last write found created before it in its transaction
	)
	errs := inOneGroup(t, s, st,
		func(w *write) error {
			if _, _, err := s.createEntry(ctx, w, p, cough, nil); err != nil {
				return err
			}
			coughed = true
			return failed
		},
		func(w *write) error {
			_, _, err := s.createEntry(ctx, w, p, headache, nil)
			return err
		},
		func(w *write) error {
			earlier = w.CreatedInTransaction(p)
			out, _, err := s.createEntry(ctx, w, p, breathless, pre)
			flagged = out.GetFlagIds()
			return err
		})
	for i, err := range errs {
		if (i == 0) != errors.Is(err, failed) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if !coughed || len(earlier) != 1 || earlier[0].Entry.GetId() != headache.GetId() {
		t.Fatalf("cough stored before failing: %v; the last write found %v created before it, want the headache alone", coughed, earlier)
	}
	if len(flagged) != 0 {
		t.Fatalf("breathlessness flagged %v with the rolled-back cough", flagged)
	}
	if _, err := st.Entry(ctx, p, cough.GetId()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("rolled-back cough: %v, want not found", err)
	}
}

// TestEntriesNoRuleCanMatchSkipTheRules: an entry the evaluator says no rule can match
// (here a dose) is stored without reading its journal or evaluating, whether it comes
// through the pre-evaluation or the writer; the rules still see it in the windows of
// later entries, and those are still flagged.
func TestEntriesNoRuleCanMatchSkipTheRules(t *testing.T) {
	ctx := context.Background()
	var seen []rules.Input
	record := func(in rules.Input) ([]rules.Finding, error) {
		seen = append(seen, in)
		return pairRule(in)
	}
	s, st := openTemp(t, nil, &Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour,
		Evaluate: record, MayMatch: func(e *medjournalv1.Entry) bool { return e.GetDose() == nil }})
	p := createPatient(t, st, "maymatch@example.com")
	med, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "tofacitinib"})
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
	if err := s.writeJournal(ctx, false, func(w *write) error { _, _, err := s.createEntry(ctx, w, p, dose2, nil); return err }); err != nil {
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
