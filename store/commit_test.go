package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// TestGroupCommitIsolatesFailures writes concurrently so writes share transactions, with
// every fifth write bound to fail: each failure is its own, and every other write lands.
// The writes go through the storage port as creates do: repeatable, so that a group runs
// without savepoints until one fails.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: "group@example.com", DisplayName: "G",
		Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	taken := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.Now(),
		Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "first"}}}
	if err := createEntry(ctx, s, p.Id, taken); err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		good []string
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(time.Now().Add(-time.Duration(i) * time.Minute)),
				Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "concurrent"}}}
			if i%5 == 0 {
				e.Id = taken.Id // same id, other content: must fail alone
			}
			err := createEntry(ctx, s, p.Id, e)
			switch {
			case i%5 == 0 && !errors.Is(err, storage.ErrAlreadyExists):
				t.Errorf("write %d reusing an id: err = %v, want ErrAlreadyExists", i, err)
			case i%5 != 0 && err != nil:
				t.Errorf("write %d failed with its neighbour: %v", i, err)
			case i%5 != 0:
				mu.Lock()
				good = append(good, e.Id)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, id := range good {
		if _, err := s.Entry(ctx, p.Id, id); err != nil {
			t.Errorf("acknowledged entry %s missing: %v", id, err)
		}
	}
	if len(good) != 160 {
		t.Errorf("%d writes landed, want 160", len(good))
	}
	// The failed writes used change numbers that were rolled back with them. A phone
	// paging through Sync must still get every entry exactly once.
	seen := map[string]int{}
	var cursor int64
	for pages := 0; ; pages++ {
		var res storage.ChangeSet
		err := s.WriteJournal(ctx, false, func(tx storage.JournalTx) error {
			var err error
			res, err = tx.ChangesSince(ctx, p.Id, cursor, 7)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Cursor < cursor {
			t.Fatalf("cursor went back from %d to %d", cursor, res.Cursor)
		}
		for _, e := range res.Changes {
			seen[e.GetId()]++
		}
		cursor = res.Cursor
		if !res.HasMore {
			break
		}
		if pages > 100 {
			t.Fatal("Sync never ran out of changes")
		}
	}
	for _, id := range append(good, taken.Id) {
		if seen[id] != 1 {
			t.Errorf("entry %s came through Sync %d times, want once", id, seen[id])
		}
	}
	if len(seen) != len(good)+1 {
		t.Errorf("Sync gave %d entries, want %d", len(seen), len(good)+1)
	}
}

// createEntry stores e in one repeatable write through the storage port, failing with
// storage.ErrAlreadyExists if its id is taken, as a create of other content does.
func createEntry(ctx context.Context, s *store.Store, patientID string, e *medjournalv1.Entry) error {
	return s.WriteJournal(ctx, true, func(tx storage.JournalTx) error {
		out, _, err := tx.InsertEntry(ctx, patientID, e)
		if err == nil && out == nil {
			err = fmt.Errorf("%w: entry %s", storage.ErrAlreadyExists, e.GetId())
		}
		return err
	})
}
