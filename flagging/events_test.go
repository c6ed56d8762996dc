package flagging_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// LocalEvents hands every non-empty batch to each subscriber until it unsubscribes.
func TestLocalEventsDeliverUntilUnsubscribed(t *testing.T) {
	var events flagging.LocalEvents
	var a, b [][]flagging.FlagChange
	stopA := events.Subscribe(func(c []flagging.FlagChange) { a = append(a, c) })
	events.Subscribe(func(c []flagging.FlagChange) { b = append(b, c) })
	first := []flagging.FlagChange{{FlagID: "f1", PatientID: "p1"}}
	events.Publish(first)
	events.Publish(nil)
	stopA()
	events.Publish([]flagging.FlagChange{{FlagID: "f2", PatientID: "p1"}})
	if len(a) != 1 || a[0][0] != first[0] {
		t.Errorf("unsubscribed subscriber got %v, want only the first batch", a)
	}
	if len(b) != 2 {
		t.Errorf("subscriber got %d batches, want 2 (the empty one is not delivered)", len(b))
	}
}

// A write that rolls back announces nothing and leaves no flag: a Sync batch whose first
// entry raises a fever flag and whose second fails is applied whole or not at all, and a
// watching clinician never hears of the flag that was not stored.
func TestRolledBackWritePublishesNothing(t *testing.T) {
	ctx := context.Background()
	_, engine := loadEngine(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	flags := flagging.New(st, flagging.RuleEvaluator(engine), flagging.Config{})
	var mu sync.Mutex
	var published []flagging.FlagChange
	flags.Events().Subscribe(func(c []flagging.FlagChange) {
		mu.Lock()
		defer mu.Unlock()
		published = append(published, c...)
	})
	patient := func(email string) string {
		a, err := st.CreateAccount(ctx, &medjournalv1.Account{Email: email, Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			t.Fatal(err)
		}
		return a.Id
	}
	p, other := patient("p@example.com"), patient("o@example.com")
	fever := func(id string) *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(time.Now().Add(-time.Hour)),
			Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 39.2, Unit: "Cel", CanonicalValue: 39.2, CanonicalUnit: "Cel"}}}
	}
	taken := "00000000-0000-4000-8000-0000000000aa"
	if _, _, err := flags.CreateEntry(ctx, other, fever(taken)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	raisedForOther := len(published)
	published = nil
	mu.Unlock()
	if raisedForOther == 0 {
		t.Fatal("a fever raised no flag event: the test's entry does not exercise the rules")
	}

	_, err = flags.Sync(ctx, flagging.SyncBatch{PatientID: p, Limit: 10,
		Upserts: []*medjournalv1.Entry{fever("00000000-0000-4000-8000-0000000000bb"), fever(taken)}})
	if !errors.Is(err, storage.ErrAlreadyExists) {
		t.Fatalf("sync with an id taken by another patient: %v, want ErrAlreadyExists", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(published) != 0 {
		t.Errorf("a rolled-back write published %v", published)
	}
	stored, err := flags.ListFlags(ctx, storage.FlagFilter{PatientIDs: []string{p}, Limit: 10})
	if err != nil || len(stored) != 0 {
		t.Errorf("after the rolled-back sync the patient has flags %v (%v), want none", stored, err)
	}
}
