package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// TestFirstPageMatchesSQLAfterEveryWrite: through creates, edits, deletes and batches, each
// written through the storage port, the first page ListEntries serves, from its cache or
// not, is exactly the page SQLite holds. (Flags raised and withdrawn, which change the flag
// ids of older entries, come with the workflow's writes: flagging's test of the same name
// covers them.)
func TestFirstPageMatchesSQLAfterEveryWrite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pages.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var patients []string
	for i := range 2 {
		p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("page%d@example.com", i),
			DisplayName: "P", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			t.Fatal(err)
		}
		patients = append(patients, p.Id)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var written []*medjournalv1.Entry // the first patient's entries, to edit and delete
	temperature := func(c float64) *medjournalv1.Entry_Vital {
		return &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: c, Unit: "Cel",
			CanonicalValue: c, CanonicalUnit: "Cel"}}
	}
	const limit = 8
	hits := 0
	for i := range 120 {
		patient := patients[0]
		if i%6 == 5 {
			patient = patients[1] // another patient's writes must not disturb this one's page
		}
		e := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(base.Add(time.Duration(i*20+rng.IntN(60)) * time.Minute)),
			Kind: temperature(36.5 + float64(rng.IntN(30))/10)}
		var step string
		switch {
		case i%9 == 4 && len(written) > 0: // an edit: a fever becomes normal
			target := written[rng.IntN(len(written))]
			step = "edit " + target.Id
			err = s.WriteJournal(ctx, false, func(tx storage.JournalTx) error {
				stored, err := tx.Entry(ctx, target.Id)
				if err != nil {
					return err
				}
				if stored.Deleted {
					return storage.ErrNotFound
				}
				stored.Entry.Kind = temperature(36.6)
				stored.Entry.Comment = fmt.Sprint("edited at step ", i)
				return tx.UpdateEntry(ctx, stored.PatientID, stored.Entry)
			})
			if err != nil && !errors.Is(err, storage.ErrNotFound) { // deleted at an earlier step
				t.Fatal(err)
			}
		case i%11 == 7 && len(written) > 0:
			target := written[rng.IntN(len(written))]
			step = "delete " + target.Id
			err = s.WriteJournal(ctx, false, func(tx storage.JournalTx) error {
				if stored, err := tx.Entry(ctx, target.Id); err != nil || stored.Deleted {
					return err // deleted at an earlier step: nothing to do
				}
				return tx.DeleteEntry(ctx, patients[0], target.Id)
			})
			if err != nil {
				t.Fatal(err)
			}
		case i%13 == 12:
			step = "batch"
			// Two entries in one write, and the changes since, as a phone's sync batch.
			extra := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: e.GetOccurredTime(), Kind: temperature(37)}
			err = s.WriteJournal(ctx, false, func(tx storage.JournalTx) error {
				for _, e := range []*medjournalv1.Entry{e, extra} {
					if _, _, err := tx.InsertEntry(ctx, patient, e); err != nil {
						return err
					}
				}
				_, err := tx.ChangesSince(ctx, patient, 0, 1)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		default:
			step = "create"
			insertEntries(t, s, patient, e)
		}
		if patient == patients[0] && (step == "create" || step == "batch") {
			written = append(written, e)
		}
		for _, p := range patients {
			for read := range 2 { // the second read of an unchanged journal is served from the cache
				served, err := s.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				// A bound far in the future selects the same entries but bypasses the cache.
				stored, err := s.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: limit, To: base.AddDate(10, 0, 0)})
				if err != nil {
					t.Fatal(err)
				}
				if len(served) != len(stored) {
					t.Fatalf("step %d (%s), read %d: first page has %d entries, SQLite %d", i, step, read, len(served), len(stored))
				}
				for j := range served {
					if !proto.Equal(served[j], stored[j]) {
						t.Fatalf("step %d (%s), read %d, entry %d:\n served %v\n stored %v", i, step, read, j, served[j], stored[j])
					}
				}
				if read == 1 {
					s.firstPages.mu.Lock()
					if _, ok := s.firstPages.byPatient[p]; ok {
						hits++
					}
					s.firstPages.mu.Unlock()
				}
			}
		}
	}
	if hits == 0 {
		t.Error("the first page was never cached: the test compared SQLite with itself")
	}
}
