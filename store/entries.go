package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// Entry returns one live entry of the patient's journal.
func (s *Store) Entry(ctx context.Context, patientID, id string) (*medjournalv1.Entry, error) {
	var out *medjournalv1.Entry
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		out, err = liveEntry(ctx, tx, patientID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get entry %s: %w", id, err)
	}
	return out, nil
}

// ListEntries returns the patient's live entries matching f, newest first.
func (s *Store) ListEntries(ctx context.Context, f storage.EntryFilter) ([]*medjournalv1.Entry, error) {
	where := []string{"patient_id = ?", "delete_time IS NULL"}
	args := []any{f.PatientID}
	if !f.From.IsZero() {
		where, args = append(where, "occurred_time >= ?"), append(args, millis(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "occurred_time < ?"), append(args, millis(f.To))
	}
	if len(f.Kinds) > 0 {
		marks := strings.Repeat(",?", len(f.Kinds))[1:]
		where = append(where, "kind IN ("+marks+")")
		for _, k := range f.Kinds {
			args = append(args, int32(k))
		}
	}
	if f.After != nil {
		where = append(where, "(occurred_time, id) < (?, ?)")
		args = append(args, millis(f.After.OccurredTime), f.After.ID)
	}
	args = append(args, f.Limit)
	query := `SELECT ` + entryColumns + ` FROM entries WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY occurred_time DESC, id DESC LIMIT ?`
	var out []*medjournalv1.Entry
	var err error
	if f.From.IsZero() && f.To.IsZero() && len(f.Kinds) == 0 && f.After == nil {
		out, err = s.newestPage(ctx, f.PatientID, f.Limit, query, args)
	} else {
		err = s.read(ctx, func(tx *dbTx) error {
			out, err = liveEntries(ctx, tx, query, args...)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	return out, nil
}

// newestPage answers the unfiltered first page, the one the app shows on opening, from
// the page cache when the patient's journal version says it is current. query and args
// select that page from SQLite.
func (s *Store) newestPage(ctx context.Context, patientID string, limit int, query string, args []any) ([]*medjournalv1.Entry, error) {
	// A hit needs only the version: one statement, which SQLite reads from one committed
	// snapshot by itself, without the cost of a transaction around it.
	if v, err := s.journalVersionNow(ctx, patientID); err == nil {
		page, ok, err := s.firstPages.get(patientID, v, limit)
		if err != nil {
			return nil, err
		}
		if ok {
			return page, nil
		}
	}
	var out []*medjournalv1.Entry
	err := s.read(ctx, func(tx *dbTx) error {
		// The page is cached with the version read in its own snapshot.
		v, err := patientJournalVersion(ctx, tx, patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such patient: no entries
		} else if err != nil {
			return err
		}
		if out, err = liveEntries(ctx, tx, query, args...); err != nil {
			return err
		}
		s.firstPages.put(patientID, v, limit, out)
		return nil
	})
	return out, err
}

// EntriesBetween returns the patient's live entries in [start, end), oldest first.
func (s *Store) EntriesBetween(ctx context.Context, patientID string, start, end time.Time) ([]*medjournalv1.Entry, error) {
	var out []*medjournalv1.Entry
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		out, err = liveEntries(ctx, tx, `SELECT `+entryColumns+` FROM entries
			WHERE patient_id = ? AND delete_time IS NULL AND occurred_time >= ? AND occurred_time < ?
			ORDER BY occurred_time, id`, patientID, millis(start), millis(end))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entries between %v and %v: %w", start, end, err)
	}
	return out, nil
}

// entryColumns are the columns scanEntry reads, in order. The flags an entry is evidence
// for come along in the same statement, one index lookup per row, rather than in a second
// query over the page.
const entryColumns = `id, patient_id, body, occurred_time, create_time, update_time, delete_time, change_seq,
	(SELECT group_concat(flag_id) FROM flag_evidence WHERE entry_id = entries.id)`

// storedEntry is an entry with the row facts that are not part of the API message.
type storedEntry struct {
	entry      *medjournalv1.Entry
	patientID  string
	deleteTime sql.NullInt64
	changeSeq  int64
}

func (r *storedEntry) deleted() bool { return r.deleteTime.Valid }

func scanEntry(row scanner) (*storedEntry, error) {
	var (
		r                         storedEntry
		id                        string
		body                      []byte
		occurred, created, update int64
		flagIDs                   sql.NullString
	)
	if err := row.Scan(&id, &r.patientID, &body, &occurred, &created, &update, &r.deleteTime, &r.changeSeq, &flagIDs); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, storage.ErrNotFound
		}
		return nil, err
	}
	r.entry = &medjournalv1.Entry{}
	if err := proto.Unmarshal(body, r.entry); err != nil {
		return nil, fmt.Errorf("decode entry %s: %w", id, err)
	}
	r.entry.Id, r.entry.PatientId = id, r.patientID
	r.entry.CreateTime, r.entry.UpdateTime = timestamppb.New(fromMillis(created)), timestamppb.New(fromMillis(update))
	if flagIDs.Valid {
		r.entry.FlagIds = strings.Split(flagIDs.String, ",")
		slices.Sort(r.entry.FlagIds)
	}
	return &r, nil
}

func queryEntries(ctx context.Context, tx *dbTx, query string, args ...any) ([]*storedEntry, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*storedEntry
	for rows.Next() {
		r, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// entryRow returns the entry with that id, live or deleted, of any patient.
func entryRow(ctx context.Context, tx *dbTx, id string) (*storedEntry, error) {
	return scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM entries WHERE id = ?`, id))
}

// liveEntry returns the patient's entry with its flag ids unless it is deleted or someone
// else's.
func liveEntry(ctx context.Context, tx *dbTx, patientID, id string) (*medjournalv1.Entry, error) {
	r, err := entryRow(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if r.patientID != patientID || r.deleted() {
		return nil, storage.ErrNotFound
	}
	return r.entry, nil
}

// liveEntries runs an entry query and returns its entries, with their flag ids if the
// query selects them (entryColumns; ruleEntryColumns leaves them out).
func liveEntries(ctx context.Context, tx *dbTx, query string, args ...any) ([]*medjournalv1.Entry, error) {
	rows, err := queryEntries(ctx, tx, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*medjournalv1.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry
	}
	return out, nil
}

// checkDoseMedication refuses a dose whose medication is not one of the patient's
// (storage.ErrUnknownMedication). It runs in the write, where the medications' pages are in the
// writer's cache and no medication can be deleted between the check and the insert; a read
// transaction before the write cost 4 % of a create's CPU, most of it remapping the file
// that every commit had changed.
func checkDoseMedication(ctx context.Context, tx *dbTx, patientID string, e *medjournalv1.Entry) error {
	dose := e.GetDose()
	if dose == nil {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM medications WHERE id = ? AND patient_id = ?`, dose.GetMedicationId(), patientID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", storage.ErrUnknownMedication, dose.GetMedicationId())
	}
	return err
}

// insertEntry stores a new entry and returns the patient's journal version after it, or
// inserted false (and nothing written) when an entry with that id exists.
func insertEntry(ctx context.Context, tx *dbTx, patientID string, e *medjournalv1.Entry) (inserted bool, v storage.JournalVersion, err error) {
	cols, err := entryIndexColumns(e)
	if err != nil {
		return false, 0, err
	}
	// The insert's trigger bumps the patient's journal version (migration 9); RETURNING
	// sees the version from before the trigger ran (NULL: the patient's first change).
	// change_seq is the group's next number for the patient (nextChangeSeq) or, for the
	// patient's first change in the group, one past its highest, read by the insert
	// itself: in a statement of its own that read would cost the writer one statement more
	// for nearly every create when many patients write at once, as few of a group's
	// creates are of the same patient.
	var (
		before sql.NullInt64
		seq    int64
	)
	err = tx.QueryRowContext(ctx, `INSERT INTO entries (id, patient_id, kind, occurred_time, code,
		value, medication_id, body, create_time, update_time, change_seq)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, COALESCE(?10,
			(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM entries WHERE patient_id = ?2)))
		ON CONFLICT (id) DO NOTHING
		RETURNING (SELECT version FROM journal_versions WHERE journal_versions.patient_id = entries.patient_id), change_seq`,
		e.Id, patientID, cols.kind, cols.occurred, cols.code, cols.value, cols.medicationID,
		cols.body, millis(tx.now), tx.seqs.next(patientID)).Scan(&before, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return false, 0, nil // the id is stored already: a retry
	}
	if err != nil {
		return false, 0, err
	}
	tx.seqs.handedOut(patientID, seq)
	return true, storage.JournalVersion(before.Int64 + 1), nil
}

// updateEntry stores the patient's changed entry under the patient's next change_seq. The
// patient is in the WHERE clause so that a number counted for one patient can never land
// on another's row.
func updateEntry(ctx context.Context, tx *dbTx, patientID string, e *medjournalv1.Entry) error {
	cols, err := entryIndexColumns(e)
	if err != nil {
		return err
	}
	seq, err := nextChangeSeq(ctx, tx, patientID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE entries SET kind = ?, occurred_time = ?, code = ?, value = ?,
		medication_id = ?, body = ?, update_time = ?, change_seq = ? WHERE id = ? AND patient_id = ?`,
		cols.kind, cols.occurred, cols.code, cols.value, cols.medicationID, cols.body,
		millis(tx.now), seq, e.Id, patientID)
	if err := changedOne(res, err); err != nil {
		return err
	}
	return bumpJournalVersionOfEntry(ctx, tx, e.Id)
}

// deleteEntry leaves the patient's entry as a tombstone under the patient's next
// change_seq, so phones learn of the deletion through Sync.
func deleteEntry(ctx context.Context, tx *dbTx, patientID, id string) error {
	seq, err := nextChangeSeq(ctx, tx, patientID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE entries SET delete_time = ?, update_time = ?, change_seq = ?
		WHERE id = ? AND patient_id = ?`, millis(tx.now), millis(tx.now), seq, id, patientID)
	if err := changedOne(res, err); err != nil {
		return err
	}
	return bumpJournalVersionOfEntry(ctx, tx, id)
}

// changedOne is storage.ErrNotFound for an update that matched no row: callers have read the entry
// as the patient's, so this only catches a caller that did not.
func changedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

func bumpJournalVersionOfEntry(ctx context.Context, tx *dbTx, entryID string) error {
	var patientID string
	err := tx.QueryRowContext(ctx, `INSERT INTO journal_versions (patient_id, version)
		SELECT patient_id, 1 FROM entries WHERE id = ?
		ON CONFLICT (patient_id) DO UPDATE SET version = version + 1 RETURNING patient_id`, entryID).Scan(&patientID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no such entry: nothing changed
	}
	if err != nil {
		return err
	}
	return nil
}

// nextChangeSeq is one past the patient's highest change_seq: a Sync cursor follows one
// patient's journal, so the numbers count per patient (migration 10). In the commit loop
// the group's transaction reads a patient's highest once, through entries_by_patient_change,
// and counts on from it (see changeSeqs); elsewhere every call reads it. insertEntry makes
// the same read inside its insert.
//
// A patient's numbers must be handed out in the order their transactions commit, or a
// phone could be given a cursor past a number whose change is not visible yet, and never
// see it. What serializes them is the write to the patient's journal_versions row that
// every insert, edit and delete of an entry makes in the same transaction (the insert's
// trigger, bumpJournalVersionOfEntry): the transaction that reads the patient's highest
// holds that row until it commits. With SQLite's single writer this holds trivially, the
// writer holding the whole database from BEGIN to COMMIT, whatever the order of the two
// statements. A backend with concurrent writers must lock the row first and read the
// highest after (on PostgreSQL in READ COMMITTED: the bump itself, or SELECT ... FROM
// journal_versions WHERE patient_id = $1 FOR UPDATE once the row exists), so that a second
// writer of the same patient waits for the first to commit and then counts on from its
// number. Writers of different patients never wait for each other.
func nextChangeSeq(ctx context.Context, tx *dbTx, patientID string) (int64, error) {
	if next := tx.seqs.next(patientID); next.Valid {
		tx.seqs.handedOut(patientID, next.Int64)
		return next.Int64, nil
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(change_seq), 0) + 1 FROM entries WHERE patient_id = ?`,
		patientID).Scan(&seq)
	if err == nil {
		tx.seqs.handedOut(patientID, seq)
	}
	return seq, err
}

// changeSeqs counts each patient's change_seq values through one commit-loop transaction.
// A write rolled back to its savepoint leaves its numbers unused: Sync cursors only need
// the order, not consecutive numbers, and the order still follows commit order, as one
// writer assigns them all.
type changeSeqs struct {
	last map[string]int64 // patient → the last number handed out; absent before the first
}

func newChangeSeqs() *changeSeqs { return &changeSeqs{last: map[string]int64{}} }

// next is the patient's next number if this transaction counts it already: NULL before
// the patient's first change in it, and outside the commit loop, where c is nil.
func (c *changeSeqs) next(patientID string) sql.NullInt64 {
	if c == nil {
		return sql.NullInt64{}
	}
	last, ok := c.last[patientID]
	return sql.NullInt64{Int64: last + 1, Valid: ok}
}

// handedOut notes that seq went to a change of the patient.
func (c *changeSeqs) handedOut(patientID string, seq int64) {
	if c != nil {
		c.last[patientID] = seq
	}
}

// indexColumns are the entry facts stored beside the body for queries.
type indexColumns struct {
	kind         int32
	occurred     int64
	code         string
	value        sql.NullFloat64
	medicationID sql.NullString
	body         []byte
}

func entryIndexColumns(e *medjournalv1.Entry) (indexColumns, error) {
	c := indexColumns{occurred: millis(e.GetOccurredTime().AsTime())}
	switch k := e.Kind.(type) {
	case *medjournalv1.Entry_Dose:
		c.kind = int32(medjournalv1.EntryKind_ENTRY_KIND_DOSE)
		c.medicationID = sql.NullString{String: k.Dose.GetMedicationId(), Valid: true}
	case *medjournalv1.Entry_Symptom:
		c.kind, c.code = int32(medjournalv1.EntryKind_ENTRY_KIND_SYMPTOM), k.Symptom.GetCode()
	case *medjournalv1.Entry_Vital:
		c.kind, c.code = int32(medjournalv1.EntryKind_ENTRY_KIND_VITAL), k.Vital.GetCode()
		c.value = sql.NullFloat64{Float64: k.Vital.GetCanonicalValue(), Valid: true}
	case *medjournalv1.Entry_Lab:
		c.kind, c.code = int32(medjournalv1.EntryKind_ENTRY_KIND_LAB), k.Lab.GetCode()
		c.value = sql.NullFloat64{Float64: k.Lab.GetCanonicalValue(), Valid: true}
	case *medjournalv1.Entry_Note:
		c.kind = int32(medjournalv1.EntryKind_ENTRY_KIND_NOTE)
	default:
		return c, fmt.Errorf("%w: entry %s has no kind", storage.ErrInvalid, e.Id)
	}
	var err error
	c.body, err = marshal(entryContent(e))
	return c, err
}

// entryContent is what the body column holds: the entry without the fields kept in
// columns or derived on read.
func entryContent(e *medjournalv1.Entry) *medjournalv1.Entry {
	c := proto.Clone(e).(*medjournalv1.Entry)
	c.Id, c.PatientId, c.CreateTime, c.UpdateTime, c.FlagIds = "", "", nil, nil, nil
	return c
}
