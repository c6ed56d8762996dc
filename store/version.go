package store

import (
	"context"

	"github.com/medjournal/medjournal/storage"
)

// A patient's storage.JournalVersion lives in journal_versions, one short row per
// patient; each write of what the rules read bumps it in its own transaction: a new entry
// through the insert's trigger (insertEntry, migration 9), an edit or a delete through
// bumpJournalVersionOfEntry, a medication or the profile through bumpJournalVersion.

// journalVersionQuery reads a patient's version; a patient whose journal never changed has
// no row, and version 0.
const journalVersionQuery = `SELECT COALESCE((SELECT version FROM journal_versions WHERE patient_id = ?), 0)`

func patientJournalVersion(ctx context.Context, tx *dbTx, patientID string) (storage.JournalVersion, error) {
	var v storage.JournalVersion
	err := tx.QueryRowContext(ctx, journalVersionQuery, patientID).Scan(&v)
	return v, err
}

// journalVersionNow reads the patient's journal version outside any transaction.
func (s *Store) journalVersionNow(ctx context.Context, patientID string) (storage.JournalVersion, error) {
	s.readerStmts.prepareWanted(ctx)
	var v storage.JournalVersion
	err := s.readerStmts.queryRow(ctx, journalVersionQuery, patientID).Scan(&v)
	return v, err
}

// bumpJournalVersion marks a change to the patient's journal, medications or profile.
func bumpJournalVersion(ctx context.Context, tx *dbTx, patientID string) error {
	_, err := bumpJournalVersionTo(ctx, tx, patientID)
	return err
}

// bumpJournalVersionTo bumps the version and returns the new one.
func bumpJournalVersionTo(ctx context.Context, tx *dbTx, patientID string) (storage.JournalVersion, error) {
	var v storage.JournalVersion
	err := tx.QueryRowContext(ctx, `INSERT INTO journal_versions (patient_id, version) VALUES (?, 1)
		ON CONFLICT (patient_id) DO UPDATE SET version = version + 1 RETURNING version`, patientID).Scan(&v)
	return v, err
}
