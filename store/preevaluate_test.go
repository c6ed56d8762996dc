package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
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
	if cached := s.ruleCache.current(p) != nil; cached != isRecent(at, now) {
		t.Fatalf("context cached: %v, want %v", cached, isRecent(at, now))
	}
	var flagged []string
	create := func(e *medjournalv1.Entry, pre *preEvaluation) func(*Tx) error {
		return func(tx *Tx) error {
			out, _, err := s.createEntryWith(ctx, tx, p, e, pre)
			flagged = append(flagged, out.GetFlagIds()...)
			return err
		}
	}
	switch how {
	case "separate groups":
		for _, fn := range []func(*Tx) error{create(a, preA), create(b, preB)} {
			if err := s.write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
	case "one group":
		// The commit loop is idle between writes; run a group of two on it directly.
		group := []*pendingWrite{{ctx: ctx, fn: create(a, preA), done: make(chan error, 1)}, {ctx: ctx, fn: create(b, preB), done: make(chan error, 1)}}
		s.commits.commit(group)
		for _, w := range group {
			if err := <-w.done; err != nil {
				t.Fatal(err)
			}
		}
	case "one write":
		err := s.write(ctx, func(tx *Tx) error {
			if err := create(a, preA)(tx); err != nil {
				return err
			}
			return create(b, preB)(tx)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(flagged) != 1 {
		t.Fatalf("flags raised: %v; want the pair flagged once the second entry is stored", flagged)
	}
	// The cache followed both entries.
	if pc := s.ruleCache.current(p); isRecent(at, now) && (pc == nil || pc.entries.Len() != 2) {
		t.Fatalf("cached context after both entries: %+v, want both entries", pc)
	}
}

// TestRolledBackCreateIsNotInTheGroupsJournal: a write that creates an entry and then
// fails is rolled back to its savepoint; a later write of the same group that the writer
// evaluates from the cache and the group's creates must not see the rolled-back entry.
func TestRolledBackCreateIsNotInTheGroupsJournal(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s, _ := openTemp(t, WithClock(func() time.Time { return at.Add(time.Hour) }),
		WithEvaluator(Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: pairRule}))
	p := createPatient(t, s, "rollback@example.com")
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
	var flagged []string
	group := []*pendingWrite{
		{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			if _, _, err := s.createEntryWith(ctx, tx, p, cough, nil); err != nil {
				return err
			}
			return failed
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			_, _, err := s.createEntryWith(ctx, tx, p, headache, nil)
			return err
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			out, _, err := s.createEntryWith(ctx, tx, p, breathless, pre)
			flagged = out.GetFlagIds()
			return err
		}},
	}
	s.commits.commit(group)
	for i, w := range group {
		if err := <-w.done; (i == 0) != errors.Is(err, failed) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if len(flagged) != 0 {
		t.Fatalf("breathlessness flagged %v with the rolled-back cough", flagged)
	}
	if _, err := s.Entry(ctx, p, cough.GetId()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("rolled-back cough: %v, want not found", err)
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

// The version insertEntry reports is the one its insert left in SQLite: from a patient's
// first entry (no version row yet) on, after a medication bumps it out of line, and not
// at all for a retried id, which stores nothing and bumps nothing.
func TestInsertReportsTheVersionItMade(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	p := createPatient(t, s, "versions@example.com")
	now := time.Now()
	insert := func(e *medjournalv1.Entry) (bool, journalVersion, journalVersion) {
		t.Helper()
		var inserted bool
		var reported, stored journalVersion
		err := s.write(ctx, func(tx *Tx) error {
			var err error
			if inserted, reported, err = insertEntry(ctx, tx, p, e); err != nil {
				return err
			}
			stored, err = patientJournalVersion(ctx, tx, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return inserted, reported, stored
	}
	first := mildSymptom("cough", now)
	for i, c := range []struct {
		entry    *medjournalv1.Entry
		inserted bool
		stored   journalVersion
	}{
		{first, true, 1},
		{mildSymptom("cough", now), true, 2},
		{first, false, 2}, // a retry
		{mildSymptom("cough", now), true, 3},
	} {
		inserted, reported, stored := insert(c.entry)
		if inserted != c.inserted || stored != c.stored || (inserted && reported != stored) {
			t.Fatalf("insert %d: inserted %v, reported version %d, stored %d; want inserted %v and %d", i, inserted, reported, stored, c.inserted, c.stored)
		}
	}
	if _, err := s.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "tofacitinib"}); err != nil {
		t.Fatal(err)
	}
	if _, reported, stored := insert(mildSymptom("cough", now)); stored != 5 || reported != stored {
		t.Fatalf("after a medication: reported %d, stored %d, want 5", reported, stored)
	}
}
