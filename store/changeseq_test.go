package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// TestChangeSeqCountsPerPatient: two patients' journals are written at once, by several
// goroutines each creating, editing and deleting, while a phone of each patient syncs all
// along. Each patient's change numbers run 1, 2, 3, ... whatever the other patient does,
// and each phone, paging with its cursor, gets every change once and in order, and ends
// with the journal as stored.
func TestChangeSeqCountsPerPatient(t *testing.T) {
	s, path := mustOpen(t)
	// The entry workflow, without rules: what these tests write and sync goes through it.
	workflow := flagging.New(s, nil, flagging.Config{})
	ctx := context.Background()
	const writers, writesEach = 4, 30
	var patients []string
	changes := map[string]*atomic.Int64{}
	for _, email := range []string{"a@example.com", "b@example.com"} {
		p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: email, DisplayName: "P",
			Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			t.Fatal(err)
		}
		patients, changes[p.Id] = append(patients, p.Id), &atomic.Int64{}
	}

	var writing, syncing sync.WaitGroup
	stop := make(chan struct{})
	phones := map[string]*phone{}
	for _, p := range patients {
		for range writers {
			writing.Go(func() { writeJournal(t, workflow, p, writesEach, changes[p]) })
		}
		ph := &phone{patientID: p, live: map[string]int{}, lastRev: map[string]int{}, deleted: map[string]bool{}}
		phones[p] = ph
		syncing.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !ph.syncAll(t, workflow) {
					return
				}
			}
		})
	}
	writing.Wait()
	close(stop)
	syncing.Wait()

	db := rawDB(t, path)
	for _, p := range patients {
		ph := phones[p]
		if !ph.syncAll(t, workflow) {
			return
		}
		var maxSeq, rows int64
		if err := db.QueryRow(`SELECT MAX(change_seq), COUNT(*) FROM entries WHERE patient_id = ?`, p).Scan(&maxSeq, &rows); err != nil {
			t.Fatal(err)
		}
		// No write failed, so no number was left unused: the highest is the count of changes.
		if n := changes[p].Load(); maxSeq != n {
			t.Errorf("patient %s: highest change_seq %d after %d changes of its own; want them numbered 1..%d", p, maxSeq, n, n)
		}
		if ph.cursor != maxSeq {
			t.Errorf("patient %s: the phone's cursor is %d, want %d", p, ph.cursor, maxSeq)
		}
		stored, err := s.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(ph.live) {
			t.Errorf("patient %s: %d live entries, the phone has %d", p, len(stored), len(ph.live))
		}
		for _, e := range stored {
			if got, ok := ph.live[e.Id]; !ok || got != rev(t, e) {
				t.Errorf("patient %s: entry %s at rev %d, the phone has rev %d (%v)", p, e.Id, rev(t, e), got, ok)
			}
		}
		if want := int(rows) - len(stored); len(ph.deleted) != want {
			t.Errorf("patient %s: the phone knows of %d deletions, want %d", p, len(ph.deleted), want)
		}
	}
}

// writeJournal makes n changes to the patient's journal, each counted in changes: it
// creates notes, and edits or deletes one of its own now and then.
func writeJournal(t *testing.T, workflow *flagging.Service, patientID string, n int, changes *atomic.Int64) {
	ctx := context.Background()
	var mine []string // live entries this writer made
	revs := map[string]int{}
	for i := range n {
		var err error
		switch {
		case i%3 == 2 && len(mine) > 0:
			id := mine[i%len(mine)]
			revs[id]++
			_, err = workflow.UpdateEntry(ctx, patientID, id, func(e *medjournalv1.Entry) error {
				e.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: fmt.Sprintf("rev %d", revs[id])}}
				return nil
			})
		case i%5 == 4 && len(mine) > 0:
			id := mine[0]
			mine = mine[1:]
			_, err = workflow.DeleteEntry(ctx, patientID, id)
		default:
			id := uuid.NewString()
			_, _, err = workflow.CreateEntry(ctx, patientID, &medjournalv1.Entry{Id: id, OccurredTime: timestamppb.New(time.Now().Add(-time.Duration(i) * time.Minute)),
				Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "rev 0"}}})
			mine = append(mine, id)
		}
		if err != nil {
			t.Errorf("write %d of patient %s: %v", i, patientID, err)
			return
		}
		changes.Add(1)
	}
}

// phone is a device's copy of one patient's journal, kept by Sync alone.
type phone struct {
	patientID string
	cursor    int64
	live      map[string]int // entry → the rev the phone holds
	lastRev   map[string]int // entry → the newest rev it was sent, deleted or not
	deleted   map[string]bool
}

// syncAll pages through Sync from the phone's cursor until nothing more is waiting,
// checking that no change comes twice or out of order. It reports false after a failure.
func (ph *phone) syncAll(t *testing.T, workflow *flagging.Service) bool {
	for {
		res, err := workflow.Sync(context.Background(), flagging.SyncBatch{PatientID: ph.patientID, Since: ph.cursor, Limit: 5})
		if err != nil {
			t.Errorf("sync: %v", err)
			return false
		}
		got := len(res.Changes) + len(res.DeletedIDs)
		if (got > 0 && res.Cursor <= ph.cursor) || (got == 0 && res.Cursor != ph.cursor) {
			t.Errorf("sync from %d: %d changes and cursor %d", ph.cursor, got, res.Cursor)
			return false
		}
		for _, e := range res.Changes {
			r := rev(t, e)
			if last, seen := ph.lastRev[e.Id]; ph.deleted[e.Id] || (seen && r <= last) {
				t.Errorf("sync from %d: entry %s at rev %d after rev %d (deleted: %v)", ph.cursor, e.Id, r, last, ph.deleted[e.Id])
				return false
			}
			ph.live[e.Id], ph.lastRev[e.Id] = r, r
		}
		for _, id := range res.DeletedIDs {
			if ph.deleted[id] {
				t.Errorf("sync from %d: deletion of %s sent twice", ph.cursor, id)
				return false
			}
			ph.deleted[id] = true
			delete(ph.live, id)
		}
		ph.cursor = res.Cursor
		if !res.HasMore {
			return true
		}
	}
}

// rev is the revision a note written by writeJournal carries.
func rev(t *testing.T, e *medjournalv1.Entry) int {
	n, err := strconv.Atoi(strings.TrimPrefix(e.GetNote().GetText(), "rev "))
	if err != nil {
		t.Errorf("entry %s: %v", e.Id, err)
	}
	return n
}
