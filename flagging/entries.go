package flagging

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/storage"
)

// CreateEntry stores a new entry in the patient's journal and records what the rules find
// for it. An entry whose client-chosen id is already stored with the same content is
// returned as it is with created false, and nothing is written, so a phone may retry
// safely. The same id with other content, in someone else's journal or deleted, is
// storage.ErrAlreadyExists.
//
// The rules run before the write, on a read snapshot and on the caller's goroutine, so
// that concurrent writers evaluate in parallel; the write only checks that the patient's
// journal did not change since that snapshot (else it evaluates again) and records the
// findings with the entry.
func (s *Service) CreateEntry(ctx context.Context, patientID string, e *medjournalv1.Entry) (out *medjournalv1.Entry, created bool, err error) {
	if e.Id == "" {
		e = proto.Clone(e).(*medjournalv1.Entry)
		e.Id = uuid.NewString()
	}
	pre, err := s.preEvaluate(ctx, patientID, e)
	if err != nil {
		return nil, false, fmt.Errorf("create entry: %w", err)
	}
	// Repeatable: the write sets out and created, and createEntry changes nothing but
	// through the transaction (and what it leaves for after the commit).
	err = s.writeJournal(ctx, true, func(w *write) error {
		var err error
		out, created, err = s.createEntry(ctx, w, patientID, e, pre)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("create entry: %w", err)
	}
	return out, created, nil
}

// createEntry stores e, using pre's findings when the journal is as pre saw it (pre may
// be nil: evaluate in the write).
func (s *Service) createEntry(ctx context.Context, w *write, patientID string, e *medjournalv1.Entry, pre *preEvaluation) (*medjournalv1.Entry, bool, error) {
	if e.Id == "" {
		e = proto.Clone(e).(*medjournalv1.Entry)
		e.Id = uuid.NewString()
	}
	if err := w.CheckDoseMedication(ctx, patientID, e); err != nil {
		return nil, false, err
	}
	// The insert itself finds an entry already stored under this id, rather than a read
	// before it: a phone retrying a create is rare, and the writer is the bottleneck.
	out, version, err := w.InsertEntry(ctx, patientID, e)
	if err != nil {
		return nil, false, err
	}
	if out == nil {
		existing, err := w.Entry(ctx, e.Id)
		if err != nil {
			return nil, false, err
		}
		if existing.PatientID != patientID || existing.Deleted || !journal.SameContent(existing.Entry, e) {
			return nil, false, fmt.Errorf("%w: an entry with id %s exists with other content", storage.ErrAlreadyExists, e.Id)
		}
		out, err := liveEntry(ctx, w, patientID, e.Id)
		return out, false, err
	}
	// The insert moved the version by one: the pre-evaluation holds if it saw the
	// version just before, or if no journal could change it.
	var flagIDs []string
	if pre.holdsAt(version) {
		flagIDs, err = s.recordFindings(ctx, w, patientID, out, pre.findings)
	} else {
		flagIDs, err = s.evaluateCreated(ctx, w, patientID, out, version)
	}
	if err != nil {
		return nil, false, err
	}
	if s.cache != nil {
		// The cached journal follows the insert if it was current just before it.
		w.AfterCommit(func() { s.cache.committed(patientID, version-1, version, out) })
	}
	out.FlagIds = flagIDs
	return out, true, nil
}

// UpdateEntry reads a live entry, lets change modify it and stores the result in one
// write, re-checking the rules. change must not change the entry's kind; callers check
// that.
func (s *Service) UpdateEntry(ctx context.Context, patientID, id string, change func(*medjournalv1.Entry) error) (*medjournalv1.Entry, error) {
	var out *medjournalv1.Entry
	err := s.writeJournal(ctx, false, func(w *write) error {
		e, err := liveEntry(ctx, w, patientID, id)
		if err != nil {
			return err
		}
		if err := change(e); err != nil {
			return err
		}
		e.Id = id
		if err := s.changeEntry(ctx, w, patientID, e); err != nil {
			return err
		}
		out, err = liveEntry(ctx, w, patientID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update entry %s: %w", id, err)
	}
	return out, nil
}

// DeleteEntry removes a live entry from the journal, keeping a tombstone for sync, and
// returns the entry as it was. Flags it was evidence for are checked again without it.
func (s *Service) DeleteEntry(ctx context.Context, patientID, id string) (*medjournalv1.Entry, error) {
	var out *medjournalv1.Entry
	err := s.writeJournal(ctx, false, func(w *write) error {
		var err error
		if out, err = liveEntry(ctx, w, patientID, id); err != nil {
			return err
		}
		return s.removeEntry(ctx, w, patientID, id)
	})
	if err != nil {
		return nil, fmt.Errorf("delete entry %s: %w", id, err)
	}
	return out, nil
}

// changeEntry stores a changed entry and checks the rules again: flags it was evidence
// for are re-checked without it, then the changed entry is evaluated afresh.
func (s *Service) changeEntry(ctx context.Context, w *write, patientID string, e *medjournalv1.Entry) error {
	if err := w.CheckDoseMedication(ctx, patientID, e); err != nil {
		return err
	}
	if err := w.UpdateEntry(ctx, patientID, e); err != nil {
		return err
	}
	if err := s.withdrawEvidence(ctx, w, patientID, e.Id); err != nil {
		return err
	}
	stored, err := liveEntry(ctx, w, patientID, e.Id)
	if err != nil {
		return err
	}
	_, err = s.evaluate(ctx, w, patientID, stored)
	return err
}

// removeEntry deletes an entry, leaving a tombstone, and re-checks the flags it was
// evidence for.
func (s *Service) removeEntry(ctx context.Context, w *write, patientID, id string) error {
	if err := w.DeleteEntry(ctx, patientID, id); err != nil {
		return err
	}
	return s.withdrawEvidence(ctx, w, patientID, id)
}

// liveEntry is the patient's entry unless it is deleted or someone else's
// (storage.ErrNotFound).
func liveEntry(ctx context.Context, tx storage.EntryTx, patientID, id string) (*medjournalv1.Entry, error) {
	r, err := tx.Entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.PatientID != patientID || r.Deleted {
		return nil, storage.ErrNotFound
	}
	return r.Entry, nil
}

// SyncBatch is what a phone sends: its changes, and the change position it has seen.
type SyncBatch struct {
	PatientID string
	Upserts   []*medjournalv1.Entry // each with its client-chosen id
	Deletes   []string
	Since     int64 // the cursor: changes after this position are returned
	Limit     int   // most changes returned
}

// ItemError says which item of a batch failed, so the caller can name it.
type ItemError struct {
	Field string // e.g. "upserts[3].id"
	Err   error
}

func (e *ItemError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }

// Sync applies a phone's batch and returns the changes since its cursor, all in one
// write: the batch is applied whole or not at all.
//
// Conflict rule: upserts apply in order and the last write the server receives wins. A
// deleted entry stays deleted: an upsert for it is ignored. An upsert identical to the
// stored entry, or a delete of an entry that is already deleted, unknown or someone
// else's, writes nothing, so sending the same batch twice changes nothing.
func (s *Service) Sync(ctx context.Context, b SyncBatch) (storage.ChangeSet, error) {
	var res storage.ChangeSet
	err := s.writeJournal(ctx, false, func(w *write) error {
		for i, e := range b.Upserts {
			if err := s.syncUpsert(ctx, w, b.PatientID, e); err != nil {
				return &ItemError{Field: fmt.Sprintf("upserts[%d].id", i), Err: err}
			}
		}
		for _, id := range b.Deletes {
			r, err := w.Entry(ctx, id)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.PatientID == b.PatientID && !r.Deleted {
				if err := s.removeEntry(ctx, w, b.PatientID, id); err != nil {
					return err
				}
			}
		}
		var err error
		res, err = w.ChangesSince(ctx, b.PatientID, b.Since, b.Limit)
		return err
	})
	if err != nil {
		return storage.ChangeSet{}, fmt.Errorf("sync: %w", err)
	}
	return res, nil
}

func (s *Service) syncUpsert(ctx context.Context, w *write, patientID string, e *medjournalv1.Entry) error {
	r, err := w.Entry(ctx, e.Id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		_, _, err := s.createEntry(ctx, w, patientID, e, nil)
		return err
	case err != nil:
		return err
	case r.PatientID != patientID:
		return fmt.Errorf("%w: id is taken", storage.ErrAlreadyExists)
	case r.Deleted, journal.SameContent(r.Entry, e):
		return nil
	}
	return s.changeEntry(ctx, w, patientID, e)
}
