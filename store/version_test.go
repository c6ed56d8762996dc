package store

import (
	"context"
	"testing"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// The version insertEntry reports is the one its insert left in SQLite: from a patient's
// first entry (no version row yet) on, after a medication bumps it out of line, and not
// at all for a retried id, which stores nothing and bumps nothing.
func TestInsertReportsTheVersionItMade(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	p := createPatient(t, s, "versions@example.com")
	now := time.Now()
	insert := func(e *medjournalv1.Entry) (bool, storage.JournalVersion, storage.JournalVersion) {
		t.Helper()
		var inserted bool
		var reported, stored storage.JournalVersion
		err := s.write(ctx, func(tx *dbTx) error {
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
		stored   storage.JournalVersion
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
