package flagging

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// openTemp opens a fresh store in the test's temporary directory, closed when the test
// ends, and a Service over it that checks entries with eval (nil: no rules). now, when
// set, is the clock of both.
func openTemp(t *testing.T, now func() time.Time, eval *Evaluator) (*Service, *store.Store) {
	t.Helper()
	var opts []store.Option
	if now != nil {
		opts = append(opts, store.WithClock(now))
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, eval, Config{Now: now}), st
}

// createPatient signs up a patient in UTC and returns the account's id.
func createPatient(t *testing.T, st *store.Store, email string) string {
	t.Helper()
	p, err := st.CreateAccount(context.Background(), &medjournalv1.Account{Email: email, DisplayName: "P",
		Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	return p.Id
}

// mildSymptom is a mild symptom entry at at, with an id of its own.
func mildSymptom(code string, at time.Time) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(at),
		Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: medjournalv1.Severity_SEVERITY_MILD}}}
}

// note is a note entry i minutes ago.
func note(i int) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(time.Now().Add(-time.Duration(i) * time.Minute)),
		Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: fmt.Sprintf("note %d, long enough to fill pages a little faster", i)}}}
}

// versionOf reads the patient's journal version from st.
func versionOf(t *testing.T, st *store.Store, patientID string) storage.JournalVersion {
	t.Helper()
	var v storage.JournalVersion
	err := st.ReadJournal(context.Background(), func(r storage.JournalReader) error {
		var err error
		v, err = r.JournalVersion(context.Background(), patientID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// inOneGroup runs fns, in order, as the writes of one group of st's commit loop, the way
// the store groups concurrent requests' writes into one transaction: a write of its own
// holds the writer while they queue behind it, each once the one before is queued. None
// is repeatable, so each runs in a savepoint of its own. It returns each write's error.
func inOneGroup(t *testing.T, s *Service, st *store.Store, fns ...func(w *write) error) []error {
	t.Helper()
	ctx := context.Background()
	holding, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- st.WriteJournal(ctx, false, func(storage.JournalTx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = s.writeJournal(ctx, false, fn) })
		waitQueued(t, st, i+1) // this one behind those before it; the holding write is in the writer
	}
	close(release)
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	return errs
}

// waitQueued waits until n writes wait for st's writer (Store.QueuedWrites).
func waitQueued(t *testing.T, st *store.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for st.QueuedWrites() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued for the writer after 10 s, want %d", st.QueuedWrites(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// testEngine is the real rule engine, loaded once: the rule-context tests index journals
// with it (Evaluator.Index) to check that the index follows the context's own lists.
var testEngine = sync.OnceValues(func() (*rules.Engine, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	return rules.Load(cat)
})

// ruleEvaluator is RuleEvaluator of the real rule engine; tests take its Index.
func ruleEvaluator(t *testing.T) *Evaluator {
	t.Helper()
	engine, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	return RuleEvaluator(engine)
}

// indexed is an entry as the engine's index holds it: its id and occurred time.
type indexed struct {
	id string
	at int64 // Unix milliseconds
}

// inputIndex is in's prepared journal (Evaluator.Index), or nil.
func inputIndex(t *testing.T, in rules.Input) any {
	t.Helper()
	if in.Prepared == nil {
		return nil
	}
	return in.Prepared
}

// journalContents reads what index, made by the rule engine (Evaluator.Index), holds: its
// entries, and its lab results of every analyte together, each sorted by occurred time
// (ms), then id, as the context's lists are.
func journalContents(t *testing.T, index any) (entries, labs []indexed) {
	t.Helper()
	p, ok := index.(*rules.Prepared)
	if !ok || p == nil {
		t.Fatalf("journalContents: index %T, want the rule engine's *rules.Prepared", index)
	}
	list := func(es []*medjournalv1.Entry) []indexed {
		out := make([]indexed, len(es))
		for i, e := range es {
			out[i] = indexed{id: e.GetId(), at: e.GetOccurredTime().AsTime().UnixMilli()}
		}
		return out
	}
	es, ls := p.Contents()
	entries, labs = list(es), list(ls)
	order := func(a, b indexed) int { return cmp.Or(cmp.Compare(a.at, b.at), strings.Compare(a.id, b.id)) }
	slices.SortFunc(entries, order)
	slices.SortFunc(labs, order)
	return entries, labs
}

// indexedBetween are the ids of list's entries from lo to hi milliseconds inclusive.
func indexedBetween(list []indexed, lo, hi int64) []string {
	out := []string{}
	for _, e := range list {
		if e.at >= lo && e.at <= hi {
			out = append(out, e.id)
		}
	}
	return out
}

// indexedIDs are the ids of list, in order.
func indexedIDs(list []indexed) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.id
	}
	return out
}
