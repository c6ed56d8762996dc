package flagging

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
)

// TestRuleCacheMatchesSQL: for every new entry of a patient logging a mix of kinds at
// scattered times, the rules' input built from the cache (loaded once, then extended write
// by write) is exactly the input read from SQLite, whenever the cache holds the journal's
// current version. An edit, a medication or a profile change leaves the cached context
// behind that version until the next create drops it: the pre-evaluation from it must
// then carry the older version, so that the write does not use it (preEvaluation.holdsAt).
//
// It runs twice: with every trigger reading the whole window and the lab history, and with
// each reading only its own horizon, and lab triggers alone the labs, as the rule engine's
// triggers do; back-dated triggers then extend the cached context back (extendBack).
func TestRuleCacheMatchesSQL(t *testing.T) {
	window, lookback := 3*24*time.Hour, 30*24*time.Hour
	t.Run("whole window", func(t *testing.T) {
		testRuleCacheMatchesSQL(t, Evaluator{Window: window, LabLookback: lookback, Index: ruleEvaluator(t).Index})
	})
	t.Run("horizons", func(t *testing.T) {
		testRuleCacheMatchesSQL(t, Evaluator{Window: window, LabLookback: lookback, Index: ruleEvaluator(t).Index,
			Horizon: func(e *medjournalv1.Entry) time.Duration {
				if e.GetLab() != nil {
					return window
				}
				return window / 3
			},
			ReadsLabs: func(e *medjournalv1.Entry) bool { return e.GetLab() != nil }})
	})
}

func testRuleCacheMatchesSQL(t *testing.T, ev Evaluator) {
	ctx := context.Background()
	var seen []rules.Input
	ev.Evaluate = func(in rules.Input) ([]rules.Finding, error) { seen = append(seen, in); return nil, nil }
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	now := base.Add(40 * 24 * time.Hour)
	s, st := openTemp(t, func() time.Time { return now }, &ev)
	p := createPatient(t, st, "cache@example.com")
	med, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "tofacitinib"})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cached, compared := 0, 0
	for i := range 150 {
		// Mostly near the recent end, sometimes weeks back (a late-logged result), of every
		// kind in turn.
		hours := 24*40 - rng.IntN(24*5)
		if i%8 == 0 {
			hours = rng.IntN(24 * 40)
		}
		e := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(base.Add(time.Duration(hours) * time.Hour))}
		switch i % 5 {
		case 0:
			e.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "n"}}
		case 1:
			e.Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: med.Id, Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}
		case 2:
			e.Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: "cough", Severity: medjournalv1.Severity_SEVERITY_MILD}}
		case 3:
			e.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 37, Unit: "Cel", CanonicalValue: 37, CanonicalUnit: "Cel"}}
		case 4:
			e.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "751-8", Value: 2, Unit: "10*3/uL", CanonicalValue: 2, CanonicalUnit: "10*3/uL"}}
		}
		if _, _, err := s.CreateEntry(ctx, p, e); err != nil {
			t.Fatal(err)
		}
		if i%7 == 3 { // an edit now and then: the cache must notice
			e.Comment = fmt.Sprint("edited ", i)
			if _, err := s.UpdateEntry(ctx, p, e.Id, func(stored *medjournalv1.Entry) error { stored.Comment = e.Comment; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		switch i % 13 { // now and then a change to the regimen or the profile, which the rules read too
		case 6:
			if _, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "upadacitinib"}); err != nil {
				t.Fatal(err)
			}
		case 9:
			if _, err := st.UpdateProfile(ctx, p, func(pr *medjournalv1.Profile) error {
				pr.RiskFactors = append(pr.RiskFactors, fmt.Sprint("risk-", i))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Evaluate a probe entry both ways, mostly at a time near the recent end, sometimes
		// back-dated beyond what the cache covers.
		hours = 24*40 - rng.IntN(24*3)
		if i%4 == 0 {
			hours = 24*40 - 24*lateLoggingDays - rng.IntN(24*20) - 1
		}
		probe := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(base.Add(time.Duration(hours) * time.Hour)),
			Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: "fever", Severity: medjournalv1.Severity_SEVERITY_MILD}}}
		if i%3 == 0 {
			probe.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "751-8", Value: 1, Unit: "10*3/uL", CanonicalValue: 1, CanonicalUnit: "10*3/uL"}}
		}
		if s.cache.current(p) != nil {
			cached++
		}
		seen = nil
		pre, err := s.preEvaluate(ctx, p, probe)
		if err != nil {
			t.Fatal(err)
		}
		fromCache := seen[0]
		var (
			fromSQL rules.Input
			v       storage.JournalVersion
		)
		if err := st.ReadJournal(ctx, func(r storage.JournalReader) error {
			var err error
			if v, err = r.JournalVersion(ctx, p); err != nil {
				return err
			}
			fromSQL, err = s.evalInput(ctx, r, p, probe)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]rules.Input{"cached": fromCache, "SQL": fromSQL} {
			if d := indexDiff(t, in, ev.horizon(probe), ev.readsLabs(probe), ev.LabLookback); d != "" {
				t.Fatalf("after entry %d: %s index: %s", i, name, d)
			}
		}
		if pre.version != v {
			if pre.version > v || pre.holdsAt(v+1) {
				t.Fatalf("after entry %d: pre-evaluated at version %d, journal at %d: its findings would be used", i, pre.version, v)
			}
			continue // behind: the write evaluates again
		}
		compared++
		if got, want := ids(fromCache.Recent), ids(fromSQL.Recent); !slices.Equal(got, want) {
			t.Fatalf("after entry %d: cached window %v, SQL window %v", i, got, want)
		}
		if got, want := ids(fromCache.LabHistory), ids(fromSQL.LabHistory); !slices.Equal(got, want) {
			t.Fatalf("after entry %d: cached labs %v, SQL labs %v", i, got, want)
		}
		if !slices.EqualFunc(fromCache.Medications, fromSQL.Medications, func(a, b *medjournalv1.Medication) bool { return proto.Equal(a, b) }) ||
			!proto.Equal(fromCache.Patient.GetProfile(), fromSQL.Patient.GetProfile()) {
			t.Fatalf("after entry %d: cached regimen %v and profile %v, SQL %v and %v", i,
				fromCache.Medications, fromCache.Patient.GetProfile(), fromSQL.Medications, fromSQL.Patient.GetProfile())
		}
		for j := range fromCache.Recent {
			if fromCache.Recent[j].GetComment() != fromSQL.Recent[j].GetComment() {
				t.Fatalf("after entry %d: cached entry %s has comment %q, SQL %q", i, fromSQL.Recent[j].GetId(),
					fromCache.Recent[j].GetComment(), fromSQL.Recent[j].GetComment())
			}
		}
	}
	// Back-dated entries and probes must not have pushed the recent context out: most
	// probes found it (the rest follow a create that found it behind, and dropped it).
	if cached < 100 {
		t.Errorf("the patient's context was cached before %d of 150 probes, want most", cached)
	}
	// Most probes saw the journal as it is: the comparison above is not vacuous.
	if compared < 100 {
		t.Errorf("the cached context was at the journal's version for %d of 150 probes, want most", compared)
	}
}

// A back-dated trigger needs only its own horizon of the journal: one within the cached
// recent context's reach is evaluated from it, though the widest window would reach past
// it. One beyond it extends the context back, by its horizon and a further backfillReach,
// keeping the recent end, so that a patient back-filling day by day reads the journal once
// per backfillReach, never from the trigger's date to now; a context holding
// maxExtendedEntries is not extended, and a trigger beyond it is read alone.
func TestBackDatedTriggersExtendTheRecentContext(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	window, horizon := 3*24*time.Hour, 24*time.Hour
	var seen []rules.Input
	record := func(in rules.Input) ([]rules.Finding, error) { seen = append(seen, in); return nil, nil }
	s, st := openTemp(t, func() time.Time { return now }, &Evaluator{Window: window, LabLookback: 30 * 24 * time.Hour,
		Horizon: func(*medjournalv1.Entry) time.Duration { return horizon }, Evaluate: record,
		ReadsLabs: func(e *medjournalv1.Entry) bool { return e.GetLab() != nil }})
	p := createPatient(t, st, "backdated@example.com")
	create := func(at time.Time) rules.Input {
		t.Helper()
		seen = nil
		if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", at)); err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 {
			t.Fatalf("the cough at %v was not evaluated", at)
		}
		for _, e := range seen[0].Recent {
			if d := e.GetOccurredTime().AsTime().Sub(at).Abs(); d > horizon {
				t.Errorf("the cough at %v got an entry %v away, beyond its horizon", at, d)
			}
		}
		return seen[0]
	}
	// Two entries either side of where the recent context will start, stored before it is
	// loaded: it holds the later one, and extending it back must add the earlier once.
	start := now.Add(-lateLogging - window - cacheMargin)
	edges := []*medjournalv1.Entry{mildSymptom("cough", start.Add(-time.Millisecond)), mildSymptom("cough", start)}
	for _, e := range edges {
		if _, _, err := s.CreateEntry(ctx, p, e); err != nil {
			t.Fatal(err)
		}
	}
	if s.cache.current(p) != nil {
		t.Fatal("back-dated entries cached a context before any recent one")
	}
	create(now.Add(-time.Hour))
	recent := s.cache.current(p)
	if recent == nil {
		t.Fatal("no context cached after a recent entry")
	}
	if !recent.from.Equal(start) {
		t.Fatalf("cached context from %v, want from %v", recent.from, start)
	}
	// Within a horizon of the context's start, a window before it: from the cache, which a
	// read would have replaced.
	if _, err := s.preEvaluate(ctx, p, mildSymptom("cough", recent.from.Add(horizon+time.Hour))); err != nil {
		t.Fatal(err)
	}
	if s.cache.current(p) != recent {
		t.Fatal("a trigger the cached context holds was read from SQLite")
	}
	// A cough a day, going back two months from beyond the horizon of the edges.
	first := recent.from.Add(-2 * horizon)
	starts := map[time.Time]bool{}
	for d := range 60 {
		at := first.Add(-time.Duration(d) * 24 * time.Hour)
		in := create(at)
		if want := min(d, 1); len(in.Recent) != want { // the cough a day later; not itself, unstored
			t.Fatalf("the cough %d days back saw %d entries, want %d", d, len(in.Recent), want)
		}
		pc := s.cache.current(p)
		if pc == nil || !pc.to.Equal(recent.to) || pc.from.After(at.Add(-horizon)) {
			t.Fatalf("after the cough at %v the cached context is %+v, want it to reach from its horizon to %v", at, pc, recent.to)
		}
		starts[pc.from] = true
	}
	held := ids(s.cache.current(p).entries)
	for _, e := range edges {
		if n := len(slices.DeleteFunc(slices.Clone(held), func(id string) bool { return id != e.GetId() })); n != 1 {
			t.Errorf("the extended context holds the entry at %v %d times, want once", e.GetOccurredTime().AsTime(), n)
		}
	}
	reads := int(((60*24*time.Hour + horizon) / (backfillReach + horizon)) + 1)
	if len(starts) > reads {
		t.Errorf("sixty days back-filled moved the context's start %d times, want at most %d", len(starts), reads)
	}
	// Full: the next cough further back is read alone and leaves the context as it was.
	full := s.cache.current(p)
	s.cache.maxExtended = len(full.entries) + len(full.labs)
	at := first.Add(-60 * 24 * time.Hour)
	if in := create(at); len(in.Recent) != 1 {
		t.Fatalf("the cough beyond a full context saw %d entries, want the one a day later", len(in.Recent))
	}
	if pc := s.cache.current(p); !pc.from.Equal(full.from) {
		t.Fatalf("a full context was extended from %v to %v", full.from, pc.from)
	}
}

// The tests check that the service keeps its evaluator's index in step with its own copy
// of the journal: the evaluator indexes with the real rule engine (ruleEvaluator), and
// journalContents reads back what its index holds.

// indexDiff says how in's index, cut as the service cuts its own lists, differs from in's
// Recent and LabHistory, or "" when it does not.
func indexDiff(t *testing.T, in rules.Input, horizon time.Duration, readsLabs bool, lookback time.Duration) string {
	t.Helper()
	index := inputIndex(t, in)
	if index == nil {
		return "no index, want the evaluator's"
	}
	entries, labs := journalContents(t, index)
	at := in.Trigger.GetOccurredTime().AsTime()
	if got, want := indexedBetween(entries, millis(at.Add(-horizon)), millis(at.Add(horizon))), ids(in.Recent); !slices.Equal(got, want) {
		return fmt.Sprintf("entries %v, Recent %v", got, want)
	}
	if !readsLabs {
		if len(in.LabHistory) > 0 {
			return fmt.Sprintf("LabHistory %v for a trigger that reads none", ids(in.LabHistory))
		}
		return ""
	}
	if got, want := indexedBetween(labs, millis(at.Add(-lookback)), millis(at)), ids(in.LabHistory); !slices.Equal(got, want) {
		return fmt.Sprintf("labs %v, LabHistory %v", got, want)
	}
	return ""
}

// lateLoggingDays is lateLogging in days, for placing entries just beyond it.
const lateLoggingDays = int(lateLogging / (24 * time.Hour))

func ids(es []*medjournalv1.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.GetId()
	}
	return out
}

// between takes entries from lo to hi inclusive, ties included, out of a time-ordered list.
func TestBetweenIsInclusive(t *testing.T) {
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var list []*medjournalv1.Entry
	for _, minute := range []int{0, 1, 1, 2, 3, 3, 4} {
		list = append(list, &medjournalv1.Entry{Id: fmt.Sprint(len(list)), OccurredTime: timestamppb.New(base.Add(time.Duration(minute) * time.Minute))})
	}
	at := func(minute int) int64 { return millis(base.Add(time.Duration(minute) * time.Minute)) }
	for _, c := range []struct {
		lo, hi int64
		want   []string
	}{
		{at(1), at(3), []string{"1", "2", "3", "4", "5"}},
		{at(1) + 1, at(3) - 1, []string{"3"}},
		{at(-1), at(0), []string{"0"}},
		{at(4), at(9), []string{"6"}},
		{at(5), at(9), []string{}},
	} {
		if got := ids(between(list, c.lo, c.hi)); !slices.Equal(got, c.want) {
			t.Errorf("between(%d, %d) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

// occurredMillis reads the milliseconds the store keeps in occurred_time, before 1970
// too, and for a timestamp whose nanos AsTime would normalize.
func TestOccurredMillisIsTheStoredTime(t *testing.T) {
	for _, ts := range []*timestamppb.Timestamp{
		nil,
		timestamppb.New(time.Date(2026, 4, 1, 9, 30, 15, 999_999_999, time.UTC)),
		timestamppb.New(time.Date(1901, 2, 3, 4, 5, 6, 7_654_321, time.UTC)),
		{Seconds: -1, Nanos: 1},
		{Seconds: 100, Nanos: -1},
		{Seconds: 100, Nanos: 2_000_000_000},
	} {
		e := &medjournalv1.Entry{OccurredTime: ts}
		if got, want := occurredMillis(e), millis(ts.AsTime()); got != want {
			t.Errorf("occurredMillis(%v) = %d, want %d", ts, got, want)
		}
	}
}

// A back-dated trigger reads its own window, and takes the regimen and profile from the
// patient's cached context only when that context is at the version its snapshot read: a
// context put late, by a pre-evaluation whose snapshot preceded a medication change, must
// not lend it the old regimen.
func TestBackDatedTriggerTakesNoRegimenFromAnOlderContext(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var seen []rules.Input
	record := func(in rules.Input) ([]rules.Finding, error) { seen = append(seen, in); return nil, nil }
	s, st := openTemp(t, func() time.Time { return now }, &Evaluator{Window: 3 * 24 * time.Hour,
		LabLookback: 30 * 24 * time.Hour, Evaluate: record})
	p := createPatient(t, st, "regimen@example.com")
	if _, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "tofacitinib"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	old := s.cache.current(p)
	if old == nil {
		t.Fatal("no context cached after a recent entry")
	}
	if _, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "upadacitinib"}); err != nil {
		t.Fatal(err)
	}
	s.cache.put(p, old)
	seen = nil
	if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", now.Add(-60*24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("the back-dated entry was not evaluated")
	}
	if got := len(seen[0].Medications); got != 2 {
		t.Fatalf("the back-dated entry was evaluated with %d medications, want both", got)
	}
}

// A back-dated trigger whose rules read no lab history (Evaluator.ReadsLabs) is evaluated
// without reading any; one whose rules do gets its history.
func TestBackDatedTriggerReadsLabsOnlyWhenItsRulesDo(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var seen []rules.Input
	record := func(in rules.Input) ([]rules.Finding, error) { seen = append(seen, in); return nil, nil }
	s, st := openTemp(t, func() time.Time { return now }, &Evaluator{Window: 3 * 24 * time.Hour,
		LabLookback: 30 * 24 * time.Hour, Evaluate: record, ReadsLabs: func(e *medjournalv1.Entry) bool { return e.GetLab() != nil }})
	p := createPatient(t, st, "labs@example.com")
	med, err := st.CreateMedication(ctx, p, &medjournalv1.Medication{DrugCode: "upadacitinib"})
	if err != nil {
		t.Fatal(err)
	}
	anc := func(at time.Time) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(at), Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
			Code: "751-8", Value: 2, Unit: "10*3/uL", CanonicalValue: 2, CanonicalUnit: "10*3/uL"}}}
	}
	old := now.Add(-60 * 24 * time.Hour)
	if _, _, err := s.CreateEntry(ctx, p, anc(old.Add(-10*24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	dose := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(old), Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
		MedicationId: med.GetId(), Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}}
	for _, tc := range []struct {
		e        *medjournalv1.Entry
		wantLabs int
	}{{dose, 0}, {anc(old), 1}} {
		seen = nil
		if _, _, err := s.CreateEntry(ctx, p, tc.e); err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 {
			t.Fatalf("%v was not evaluated", tc.e.GetKind())
		}
		if got := len(seen[0].LabHistory); got != tc.wantLabs {
			t.Errorf("%v: %d lab results in its history, want %d", tc.e.GetKind(), got, tc.wantLabs)
		}
	}
}

// Creates of one patient from many goroutines at once, each followed by a lookup that adds
// the entries committed so far (ruleContextCache.current) while the writer notes more, and
// edits that drop the context, so that reloads race with commits: the cached context must
// end as the journal in SQLite at the version it claims, and the race detector must find
// nothing.
func TestConcurrentCreatesLeaveTheCacheAsSQLite(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
	window := 3 * 24 * time.Hour
	s, st := openTemp(t, func() time.Time { return now }, &Evaluator{Window: window, LabLookback: 30 * 24 * time.Hour,
		Index: ruleEvaluator(t).Index, Evaluate: func(rules.Input) ([]rules.Finding, error) { return nil, nil },
		Horizon: func(*medjournalv1.Entry) time.Duration { return window / 3 }})
	p := createPatient(t, st, "concurrent@example.com")
	edited := mildSymptom("cough", now.Add(-time.Hour))
	if _, _, err := s.CreateEntry(ctx, p, edited); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 20 {
			if _, err := s.UpdateEntry(ctx, p, edited.GetId(), func(e *medjournalv1.Entry) error {
				e.Comment = fmt.Sprint("edit ", i)
				return nil
			}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := range 30 {
				hours := rng.IntN(24 * 5)
				if i%6 == 0 {
					hours = 24*lateLoggingDays + rng.IntN(24*40) // back-dated: extends the context back
				}
				if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", now.Add(-time.Duration(hours)*time.Hour))); err != nil {
					t.Error(err)
					return
				}
				s.cache.current(p)
			}
		})
	}
	wg.Wait()
	// The last edit may have come after the last create and dropped the context; a recent
	// entry brings it back, extended from wherever the cache stood.
	if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", now.Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	pc := s.cache.current(p)
	if pc == nil {
		t.Fatal("no context cached after a recent entry")
	}
	if v := versionOf(t, st, p); pc.version != v {
		t.Fatalf("cached context at version %d, journal at %d", pc.version, v)
	}
	var stored []*medjournalv1.Entry
	if err := st.ReadJournal(ctx, func(r storage.JournalReader) error {
		var err error
		stored, err = r.RuleEntries(ctx, p, false, pc.from, pc.to)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(pc.entries), ids(stored); !slices.Equal(got, want) {
		t.Fatalf("cached context holds %d entries, SQLite %d in its range:\n%v\n%v", len(got), len(want), got, want)
	}
	if indexedEntries, _ := journalContents(t, pc.index); !slices.Equal(indexedIDs(indexedEntries), ids(stored)) {
		t.Fatalf("the evaluator's index holds %d entries, SQLite %d", len(indexedEntries), len(stored))
	}
}

// The cache follows a patient's journal only commit by commit: an entry noted against a
// context adds to it at the next lookup; one whose version does not follow the context's
// (a load put late, after a commit it missed) drops it, and so do more entries than
// maxPending noted without a lookup. Notes are noted as their version alone.
func TestCommittedFollowsOnlyTheNextVersion(t *testing.T) {
	now := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
	load := func(v storage.JournalVersion) *patientContext {
		return &patientContext{version: v, from: now.Add(-30 * 24 * time.Hour), to: now.Add(24 * time.Hour), labsFrom: now}
	}
	c := newRuleContextCache()
	c.put("p", load(3))
	a, b := mildSymptom("cough", now.Add(-time.Hour)), mildSymptom("cough", now.Add(-2*time.Hour))
	c.committed("p", 3, 4, a)
	c.committed("p", 4, 5, b)
	if pc := c.current("p"); pc == nil || pc.version != 5 || !slices.Equal(ids(pc.entries), ids([]*medjournalv1.Entry{b, a})) {
		t.Fatalf("after two commits the context is %+v, want version 5 holding both entries, oldest first", pc)
	}
	c.committed("p", 6, 7, mildSymptom("cough", now))
	if pc := c.current("p"); pc != nil {
		t.Fatalf("a commit from version 6 was added to a context at 5: %+v", pc)
	}
	c.put("p", load(0))
	for v := range storage.JournalVersion(maxPending) {
		c.committed("p", v, v+1, note(int(v)))
	}
	for _, p := range c.byPatient["p"].pending {
		if p.Entry != nil {
			t.Fatalf("a note waiting for a lookup is held in memory: %v", p.Entry)
		}
	}
	if pc := c.current("p"); pc == nil || pc.version != maxPending {
		t.Fatalf("after %d notes the context is %+v, want it at their version", maxPending, pc)
	}
	for v := range storage.JournalVersion(maxPending + 1) {
		c.committed("p", maxPending+v, maxPending+v+1, note(int(v)))
	}
	if pc := c.current("p"); pc != nil {
		t.Fatalf("%d entries noted without a lookup kept the context", maxPending+1)
	}
}

// A lab result back-filled from before the cached context's entries, but within its lab
// history, joins that history when the context is not extended back to it (it is full):
// the context moves to the lab's version, so a later lab trigger evaluated from it must
// see the back-filled result, as it would read from SQLite.
func TestBackFilledLabJoinsTheCachedLabHistory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	lookback := 400 * 24 * time.Hour
	var seen []rules.Input
	s, st := openTemp(t, func() time.Time { return now }, &Evaluator{Window: 3 * 24 * time.Hour, LabLookback: lookback,
		Index: ruleEvaluator(t).Index, Evaluate: func(in rules.Input) ([]rules.Finding, error) { seen = append(seen, in); return nil, nil },
		ReadsLabs: func(e *medjournalv1.Entry) bool { return e.GetLab() != nil }})
	p := createPatient(t, st, "backfilled-lab@example.com")
	lab := func(at time.Time) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(at),
			Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "751-8", Value: 2, Unit: "10*3/uL", CanonicalValue: 2, CanonicalUnit: "10*3/uL"}}}
	}
	if _, _, err := s.CreateEntry(ctx, p, mildSymptom("cough", now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	recent := s.cache.current(p)
	if recent == nil {
		t.Fatal("no context cached after a recent entry")
	}
	s.cache.maxExtended = 1 // full: a back-dated trigger is read alone
	old := lab(now.Add(-60 * 24 * time.Hour))
	if at := old.GetOccurredTime().AsTime(); !at.Before(recent.from) || at.Before(recent.labsFrom) {
		t.Fatalf("the back-filled lab at %v is not between the lab history's start %v and the entries' %v", at, recent.labsFrom, recent.from)
	}
	if _, _, err := s.CreateEntry(ctx, p, old); err != nil {
		t.Fatal(err)
	}
	if pc := s.cache.current(p); pc == nil || !pc.from.Equal(recent.from) {
		t.Fatalf("after the back-filled lab the cached context is %+v, want the recent one, not extended", pc)
	}
	seen = nil
	trigger := lab(now.Add(-time.Minute))
	if _, err := s.preEvaluate(ctx, p, trigger); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("the recent lab was evaluated %d times, want once", len(seen))
	}
	if got := ids(seen[0].LabHistory); !slices.Equal(got, []string{old.GetId()}) {
		t.Errorf("the recent lab's history is %v, want the back-filled lab %s", got, old.GetId())
	}
	if d := indexDiff(t, seen[0], 3*24*time.Hour, true, lookback); d != "" {
		t.Errorf("the evaluator's index differs from its input: %s", d)
	}
}
