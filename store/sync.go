package store

import (
	"context"
	"errors"
	"fmt"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

// SyncBatch is what a phone sends: its changes, and the position in its patient's changes
// it has seen (change_seq, which counts per patient).
type SyncBatch struct {
	PatientID string
	Upserts   []*medjournalv1.Entry // each with its client-chosen id
	Deletes   []string
	Since     int64 // the cursor: the patient's changes after this position are returned
	Limit     int   // most changes returned
}

// SyncResult is what the phone gets back.
type SyncResult struct {
	Changes    []*medjournalv1.Entry // live entries changed after Since, oldest change first
	DeletedIDs []string              // entries deleted after Since
	Cursor     int64                 // the position to send next time
	HasMore    bool                  // more changes than Limit: call again with Cursor
}

// ItemError says which item of a batch failed, so the caller can name it.
type ItemError struct {
	Field string // e.g. "upserts[3].id"
	Err   error
}

func (e *ItemError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }

// Sync applies a phone's batch and returns the changes since its cursor, all in one
// transaction: the batch is applied whole or not at all.
//
// Conflict rule: upserts apply in order and the last write the server receives wins. A
// deleted entry stays deleted: an upsert for it is ignored. An upsert identical to the
// stored entry, or a delete of an entry that is already deleted, unknown or someone
// else's, writes nothing, so sending the same batch twice changes nothing.
func (s *Store) Sync(ctx context.Context, b SyncBatch) (SyncResult, error) {
	var res SyncResult
	err := s.write(ctx, func(tx *Tx) error {
		for i, e := range b.Upserts {
			if err := s.syncUpsert(ctx, tx, b.PatientID, e); err != nil {
				return &ItemError{Field: fmt.Sprintf("upserts[%d].id", i), Err: err}
			}
		}
		for _, id := range b.Deletes {
			r, err := entryRow(ctx, tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.patientID == b.PatientID && !r.deleted() {
				if err := s.removeEntry(ctx, tx, b.PatientID, id); err != nil {
					return err
				}
			}
		}
		var err error
		res, err = changesSince(ctx, tx, b.PatientID, b.Since, b.Limit)
		return err
	})
	if err != nil {
		return SyncResult{}, fmt.Errorf("sync: %w", err)
	}
	return res, nil
}

func (s *Store) syncUpsert(ctx context.Context, tx *Tx, patientID string, e *medjournalv1.Entry) error {
	r, err := entryRow(ctx, tx, e.Id)
	switch {
	case errors.Is(err, ErrNotFound):
		_, _, err := s.createEntry(ctx, tx, patientID, e)
		return err
	case err != nil:
		return err
	case r.patientID != patientID:
		return fmt.Errorf("%w: id is taken", ErrAlreadyExists)
	case r.deleted(), journal.SameContent(r.entry, e):
		return nil
	}
	return s.changeEntry(ctx, tx, patientID, e)
}

func changesSince(ctx context.Context, tx *Tx, patientID string, since int64, limit int) (SyncResult, error) {
	res := SyncResult{Cursor: since}
	rows, err := queryEntries(ctx, tx, `SELECT `+entryColumns+` FROM entries
		WHERE patient_id = ? AND change_seq > ? ORDER BY change_seq LIMIT ?`,
		patientID, since, limit+1)
	if err != nil {
		return res, err
	}
	if len(rows) > limit {
		rows, res.HasMore = rows[:limit], true
	}
	for _, r := range rows {
		if r.deleted() {
			res.DeletedIDs = append(res.DeletedIDs, r.entry.Id)
		} else {
			res.Changes = append(res.Changes, r.entry)
		}
		res.Cursor = r.changeSeq
	}
	return res, nil
}
