package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// RecordAudit appends one audit event, for reads (changes use storage.WithAudit).
func (s *Store) RecordAudit(ctx context.Context, rec storage.AuditRecord) error {
	err := s.commits.submit(ctx, func(tx *dbTx) error { return appendAudit(ctx, tx, rec) }, false)
	if err != nil {
		return fmt.Errorf("record audit event: %w", err)
	}
	return nil
}

// appendAudit adds rec at the end of its patient's hash chain: it chains to the newest
// event of the same patient (through audit_events_by_patient), the patient's last event
// from before migration 11 included, so the trail is one chain per patient from there on.
//
// Two appends for one patient must not both read the same newest event, or the chain
// forks. With SQLite's single writer they cannot: the writer holds the database from
// BEGIN to COMMIT. A backend with concurrent writers must serialize each patient's appends
// on a row of its own taken before reading the previous hash, and draw the new event's seq
// while holding it, so that a patient's seq order is its chain order (VerifyAudit walks by
// seq). The newest event cannot be that row: a patient's first event has none, and on
// PostgreSQL SELECT ... ORDER BY seq DESC LIMIT 1 FOR UPDATE, after waiting, returns the
// row it first found, not the newer one the other writer added. So it keeps one head row
// per patient (patient_id, hash of the newest event), takes it with INSERT ... ON CONFLICT
// DO NOTHING and SELECT ... FOR UPDATE, chains to its hash and updates it in the same
// transaction. Appends for different patients never wait for each other.
func appendAudit(ctx context.Context, tx *dbTx, rec storage.AuditRecord) error {
	prev := []byte{}
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE patient_id = ? ORDER BY seq DESC LIMIT 1`,
		rec.PatientID).Scan(&prev)
	if err != nil && !errors.Is(mapError(err), storage.ErrNotFound) {
		return err
	}
	id := uuid.NewString()
	row := auditRow{id: id, rec: rec, createTime: millis(tx.now)}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (id, patient_id, actor_id, share_link_id,
		method, action, create_time, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, rec.PatientID, rec.ActorID, rec.ShareLinkID, rec.Method, int32(rec.Action), row.createTime,
		prev, row.hash(prev))
	return err
}

type auditRow struct {
	id         string
	rec        storage.AuditRecord
	createTime int64
}

// hash covers every field, each length-prefixed so that no two different rows serialize
// alike, and the previous row's hash.
func (r auditRow) hash(prev []byte) []byte {
	h := sha256.New()
	field := func(b []byte) {
		_ = binary.Write(h, binary.BigEndian, uint32(len(b)))
		h.Write(b)
	}
	field(prev)
	for _, s := range []string{r.id, r.rec.PatientID, r.rec.ActorID, r.rec.ShareLinkID, r.rec.Method} {
		field([]byte(s))
	}
	_ = binary.Write(h, binary.BigEndian, int32(r.rec.Action))
	_ = binary.Write(h, binary.BigEndian, r.createTime)
	return h.Sum(nil)
}

// VerifyAudit walks the whole audit trail and checks its hash chains: the events from
// before migration 11 as one chain across all patients, and each patient's events from
// there on as the patient's chain (auditChains). It returns the number of events checked,
// in seq order, and an error naming the first event that was changed, removed or inserted
// out of turn.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	chains := auditChains{lastOf: map[string][]byte{}}
	err := s.reader.QueryRowContext(ctx, `SELECT per_patient_from, legacy_head FROM audit_chain`).
		Scan(&chains.perPatientFrom, &chains.legacyHead)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: the record of where per-patient chains begin was removed", storage.ErrAuditTampered)
	} else if err != nil {
		return 0, fmt.Errorf("verify audit: %w", mapError(err))
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT seq, id, patient_id, actor_id, share_link_id, method,
		action, create_time, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("verify audit: %w", mapError(err))
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			seq            int64
			r              auditRow
			action         int32
			prevHash, hash []byte
		)
		if err := rows.Scan(&seq, &r.id, &r.rec.PatientID, &r.rec.ActorID, &r.rec.ShareLinkID, &r.rec.Method,
			&action, &r.createTime, &prevHash, &hash); err != nil {
			return n, fmt.Errorf("verify audit: %w", err)
		}
		r.rec.Action = medjournalv1.AuditAction(action)
		if err := chains.check(n, seq, r, prevHash, hash); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("verify audit: %w", err)
	}
	return n, chains.legacyEnded(n)
}

// auditChains follows the audit trail's chains through a walk in seq order. It keeps the
// newest hash of every patient seen, a few dozen bytes a patient.
type auditChains struct {
	perPatientFrom int64  // the first seq chained per patient
	legacyHead     []byte // the hash the global chain ended with at the migration
	legacy         []byte // the global chain's newest hash so far
	lastOf         map[string][]byte
	pastLegacy     bool
}

// check checks the nth event (from 0) against the chain it belongs to and moves that
// chain on.
func (c *auditChains) check(n int, seq int64, r auditRow, prevHash, hash []byte) error {
	want := c.legacy
	if seq >= c.perPatientFrom {
		if err := c.legacyEnded(n); err != nil {
			return err
		}
		// A patient's first event chains to its last one before the migration, if any,
		// so that removing that one is detected too.
		want = c.lastOf[r.rec.PatientID]
	}
	if !bytes.Equal(prevHash, want) {
		return fmt.Errorf("%w: event %d (seq %d) does not follow the one before it: an event was removed or inserted", storage.ErrAuditTampered, n+1, seq)
	}
	if !bytes.Equal(hash, r.hash(want)) {
		return fmt.Errorf("%w: event %d (seq %d) was changed after it was written", storage.ErrAuditTampered, n+1, seq)
	}
	if seq < c.perPatientFrom {
		c.legacy = hash
	}
	c.lastOf[r.rec.PatientID] = hash
	return nil
}

// legacyEnded checks, once, that the global chain, whose events are the walk's first n,
// still ends with the event it ended with at the migration.
func (c *auditChains) legacyEnded(n int) error {
	if c.pastLegacy {
		return nil
	}
	c.pastLegacy = true
	if bytes.Equal(c.legacy, c.legacyHead) {
		return nil
	}
	if n == 0 {
		return fmt.Errorf("%w: every event from before per-patient chains began was removed", storage.ErrAuditTampered)
	}
	return fmt.Errorf("%w: the events from before per-patient chains began end at event %d (seq below %d), not with the one they ended with then: an event after it was removed", storage.ErrAuditTampered, n, c.perPatientFrom)
}

// ListAuditEvents returns events newest first, with the seq to continue from.
func (s *Store) ListAuditEvents(ctx context.Context, f storage.AuditFilter) ([]*medjournalv1.AuditEvent, []int64, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.PatientID != "" {
		where, args = append(where, "e.patient_id = ?"), append(args, f.PatientID)
	}
	if f.Before > 0 {
		where, args = append(where, "e.seq < ?"), append(args, f.Before)
	}
	args = append(args, f.Limit)
	rows, err := s.reader.QueryContext(ctx, `SELECT e.seq, e.id, e.patient_id, e.actor_id, e.share_link_id,
		e.method, e.action, e.create_time, COALESCE(a.display_name, '') FROM audit_events e
		LEFT JOIN accounts a ON a.id = e.actor_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.seq DESC LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list audit events: %w", mapError(err))
	}
	defer rows.Close()
	var (
		out  []*medjournalv1.AuditEvent
		seqs []int64
	)
	for rows.Next() {
		var (
			seq     int64
			ev      = &medjournalv1.AuditEvent{}
			action  int32
			created int64
		)
		if err := rows.Scan(&seq, &ev.Id, &ev.PatientId, &ev.ActorId, &ev.ShareLinkId, &ev.Method, &action,
			&created, &ev.ActorDisplayName); err != nil {
			return nil, nil, fmt.Errorf("list audit events: %w", err)
		}
		ev.Action, ev.CreateTime = medjournalv1.AuditAction(action), timestamppb.New(fromMillis(created))
		out, seqs = append(out, ev), append(seqs, seq)
	}
	return out, seqs, rows.Err()
}
