package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// WriteJournal runs fn as one write of the commit loop: durable once it returns, grouped
// with concurrent writes into one transaction, each in its own savepoint unless the whole
// group is repeatable (see commitLoop.commit). A repeatable fn may run twice.
func (s *Store) WriteJournal(ctx context.Context, repeatable bool, fn func(storage.JournalTx) error) error {
	return s.submitWrite(ctx, func(tx *dbTx) error { return fn(journalTx{tx}) }, repeatable)
}

// ReadJournal runs fn on one read snapshot of the reader pool.
func (s *Store) ReadJournal(ctx context.Context, fn func(storage.JournalReader) error) error {
	return s.read(ctx, func(tx *dbTx) error { return fn(journalTx{tx}) })
}

// journalTx is a dbTx as the storage port sees it. Its methods return driver errors as
// they come; read and the commit loop map them to storage's sentinels on the way out.
type journalTx struct{ tx *dbTx }

var _ storage.JournalTx = journalTx{}

func (j journalTx) Now() time.Time { return j.tx.now }

func (j journalTx) AfterCommit(fn func()) { j.tx.afterCommit = append(j.tx.afterCommit, fn) }

func (j journalTx) JournalVersion(ctx context.Context, patientID string) (storage.JournalVersion, error) {
	return patientJournalVersion(ctx, j.tx, patientID)
}

func (j journalTx) RuleEntries(ctx context.Context, patientID string, labsOnly bool, from, to time.Time) ([]*medjournalv1.Entry, error) {
	return ruleEntries(ctx, j.tx, patientID, labsOnly, millis(from), millis(to))
}

func (j journalTx) Medications(ctx context.Context, patientID string) ([]*medjournalv1.Medication, error) {
	return medicationsOf(ctx, j.tx, patientID)
}

func (j journalTx) Account(ctx context.Context, id string) (*medjournalv1.Account, error) {
	return accountByID(ctx, j.tx, id)
}

func (j journalTx) InsertEntry(ctx context.Context, patientID string, e *medjournalv1.Entry) (*medjournalv1.Entry, storage.JournalVersion, error) {
	inserted, version, err := insertEntry(ctx, j.tx, patientID, e)
	if err != nil || !inserted {
		return nil, 0, err
	}
	out := proto.Clone(e).(*medjournalv1.Entry)
	out.PatientId = patientID
	out.CreateTime, out.UpdateTime = timestamppb.New(j.tx.now), timestamppb.New(j.tx.now)
	out.FlagIds = nil
	j.tx.recordCreated(patientID, version, out)
	return out, version, nil
}

func (j journalTx) UpdateEntry(ctx context.Context, patientID string, e *medjournalv1.Entry) error {
	return updateEntry(ctx, j.tx, patientID, e)
}

func (j journalTx) DeleteEntry(ctx context.Context, patientID, id string) error {
	return deleteEntry(ctx, j.tx, patientID, id)
}

func (j journalTx) Entry(ctx context.Context, id string) (*storage.StoredEntry, error) {
	r, err := entryRow(ctx, j.tx, id)
	if err != nil {
		return nil, err
	}
	return &storage.StoredEntry{Entry: r.entry, PatientID: r.patientID, Deleted: r.deleted()}, nil
}

func (j journalTx) CheckDoseMedication(ctx context.Context, patientID string, e *medjournalv1.Entry) error {
	return checkDoseMedication(ctx, j.tx, patientID, e)
}

func (j journalTx) ChangesSince(ctx context.Context, patientID string, since int64, limit int) (storage.ChangeSet, error) {
	return changesSince(ctx, j.tx, patientID, since, limit)
}

func (j journalTx) CreatedInTransaction(patientID string) []storage.CreatedEntry {
	return j.tx.createdSince(patientID)
}

func (j journalTx) LiveFlag(ctx context.Context, patientID, ruleID string) (storage.LiveFlag, bool, error) {
	fl, err := scanLiveFlag(j.tx.QueryRowContext(ctx, `SELECT `+liveFlagColumns+` FROM flags f
		WHERE f.patient_id = ? AND f.rule_id = ? AND f.status IN (?, ?)
		ORDER BY f.last_evidence_time DESC LIMIT 1`,
		patientID, ruleID, int32(liveStatuses[0]), int32(liveStatuses[1])))
	if errors.Is(mapError(err), storage.ErrNotFound) {
		return storage.LiveFlag{}, false, nil
	}
	return fl, err == nil, err
}

func (j journalTx) LiveFlagsWithEvidence(ctx context.Context, entryID string) ([]storage.LiveFlag, error) {
	rows, err := j.tx.QueryContext(ctx, `SELECT `+liveFlagColumns+` FROM flags f
		JOIN flag_evidence e ON e.flag_id = f.id
		WHERE e.entry_id = ? AND f.status IN (?, ?)`,
		entryID, int32(liveStatuses[0]), int32(liveStatuses[1]))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.LiveFlag
	for rows.Next() {
		fl, err := scanLiveFlag(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, fl)
	}
	return out, rows.Err()
}

// liveFlagColumns are the columns of flags f that scanLiveFlag reads, in order.
const liveFlagColumns = `f.id, f.rule_id, f.urgency, f.last_evidence_time, f.episode_ms`

func scanLiveFlag(row scanner) (storage.LiveFlag, error) {
	var (
		fl                     storage.LiveFlag
		urgency                int32
		lastEvident, episodeMS int64
	)
	if err := row.Scan(&fl.ID, &fl.RuleID, &urgency, &lastEvident, &episodeMS); err != nil {
		return storage.LiveFlag{}, err
	}
	fl.Urgency = medjournalv1.Urgency(urgency)
	fl.LastEvidence = fromMillis(lastEvident)
	fl.Episode = time.Duration(episodeMS) * time.Millisecond
	return fl, nil
}

func (j journalTx) InsertFlag(ctx context.Context, f storage.NewFlag) (string, error) {
	id := uuid.NewString()
	source, err := marshal(f.Source)
	if err != nil {
		return "", err
	}
	now := millis(j.tx.now)
	_, err = j.tx.ExecContext(ctx, `INSERT INTO flags (id, patient_id, rule_id, category, urgency, status,
		title, patient_advice, clinician_summary, source, episode_ms, last_evidence_time, create_time, update_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, f.PatientID, f.RuleID, int32(f.Category), int32(f.Urgency),
		int32(medjournalv1.FlagStatus_FLAG_STATUS_OPEN), f.Title, f.PatientAdvice,
		f.ClinicianSummary, source, f.Episode.Milliseconds(), millis(f.LastEvidence), now, now)
	if err != nil {
		return "", err
	}
	return id, nil
}

// LinkEvidence links the entries in one statement, which skips those linked already: a
// finding on a busy journal cites dozens of entries, nearly all of them cited before, and
// a statement for each (SQLite finding the link there) was most of what recording a
// finding cost the writer. RETURNING names the rows inserted, in no promised order; the
// order given is restored here.
func (j journalTx) LinkEvidence(ctx context.Context, flagID string, entryIDs []string) ([]string, error) {
	if len(entryIDs) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(entryIDs)
	if err != nil {
		return nil, err
	}
	inserted, err := queryStrings(ctx, j.tx, `INSERT INTO flag_evidence (flag_id, entry_id)
		SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING RETURNING entry_id`, flagID, string(list))
	if err != nil {
		return nil, err
	}
	var added []string
	for _, id := range entryIDs {
		if slices.Contains(inserted, id) && !slices.Contains(added, id) { // an id listed twice is added once
			added = append(added, id)
		}
	}
	return added, nil
}

func (j journalTx) UnlinkEvidence(ctx context.Context, flagID, entryID string) error {
	_, err := j.tx.ExecContext(ctx, `DELETE FROM flag_evidence WHERE flag_id = ? AND entry_id = ?`, flagID, entryID)
	return err
}

func (j journalTx) EvidenceEntries(ctx context.Context, flagID string) ([]*medjournalv1.Entry, error) {
	return liveEntries(ctx, j.tx, `SELECT `+entryColumns+` FROM entries
		WHERE id IN (SELECT entry_id FROM flag_evidence WHERE flag_id = ?) AND delete_time IS NULL`, flagID)
}

func (j journalTx) AddFlagEvent(ctx context.Context, flagID string, ev *medjournalv1.FlagEvent) error {
	_, err := j.tx.ExecContext(ctx, `INSERT INTO flag_events (flag_id, type, actor_id, note, urgency, entry_id, create_time)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, flagID, int32(ev.GetType()), ev.GetActorId(), ev.GetNote(),
		int32(ev.GetUrgency()), ev.GetEntryId(), millis(j.tx.now))
	return err
}

func (j journalTx) SetFlagEvidence(ctx context.Context, flagID string, urgency medjournalv1.Urgency, lastEvidence time.Time) error {
	_, err := j.tx.ExecContext(ctx, `UPDATE flags SET urgency = ?, last_evidence_time = ?, update_time = ? WHERE id = ?`,
		int32(urgency), millis(lastEvidence), millis(j.tx.now), flagID)
	return err
}

func (j journalTx) SetFlagAdvice(ctx context.Context, flagID, advice string) error {
	_, err := j.tx.ExecContext(ctx, `UPDATE flags SET patient_advice = ? WHERE id = ?`, advice, flagID)
	return err
}

func (j journalTx) SetFlagStatus(ctx context.Context, flagID string, status medjournalv1.FlagStatus, urgency medjournalv1.Urgency) error {
	_, err := j.tx.ExecContext(ctx, `UPDATE flags SET status = ?, urgency = ?, update_time = ? WHERE id = ?`,
		int32(status), int32(urgency), millis(j.tx.now), flagID)
	return err
}

func (j journalTx) TouchFlag(ctx context.Context, flagID string) error {
	_, err := j.tx.ExecContext(ctx, `UPDATE flags SET update_time = ? WHERE id = ?`, millis(j.tx.now), flagID)
	return err
}

func (j journalTx) Flags(ctx context.Context, ids []string) ([]*medjournalv1.Flag, error) {
	flags, err := flagsByID(ctx, j.tx, ids)
	if err != nil {
		return nil, fmt.Errorf("read flags: %w", err)
	}
	return flags, nil
}
