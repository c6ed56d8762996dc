package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// openTemp opens a fresh store in the test's temporary directory, closed when the test
// ends, and returns it with its file's path.
func openTemp(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// createPatient signs up a patient in UTC and returns the account's id.
func createPatient(t *testing.T, s *Store, email string) string {
	t.Helper()
	p, err := s.CreateAccount(context.Background(), &medjournalv1.Account{Email: email, DisplayName: "P",
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

// insertEntries stores entries in the patient's journal in one write through the storage
// port, repeatable as the workflow's creates are, and fails the test if it fails.
func insertEntries(t testing.TB, s *Store, patientID string, entries ...*medjournalv1.Entry) {
	t.Helper()
	if err := writeEntries(context.Background(), s, patientID, entries...); err != nil {
		t.Fatal(err)
	}
}

// writeEntries stores entries in the patient's journal in one repeatable write through
// the storage port: what a create does of the journal, without the rules. An entry whose
// id is taken is storage.ErrAlreadyExists, and fails the write.
func writeEntries(ctx context.Context, s *Store, patientID string, entries ...*medjournalv1.Entry) error {
	return s.WriteJournal(ctx, true, func(tx storage.JournalTx) error {
		for _, e := range entries {
			if err := tx.CheckDoseMedication(ctx, patientID, e); err != nil {
				return err
			}
			out, _, err := tx.InsertEntry(ctx, patientID, e)
			if err != nil {
				return err
			}
			if out == nil {
				return fmt.Errorf("%w: entry %s", storage.ErrAlreadyExists, e.GetId())
			}
		}
		return nil
	})
}
