package store

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	err := s.commits.submit(ctx, func(tx *Tx) error { return appendAudit(ctx, tx, rec) }, false)
	if err != nil {
		return fmt.Errorf("record audit event: %w", err)
	}
	return nil
}

// appendAudit adds rec at the end of the hash chain.
func appendAudit(ctx context.Context, tx *Tx, rec storage.AuditRecord) error {
	prev := []byte{}
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&prev)
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

// VerifyAudit walks the whole audit trail and checks its hash chain. It returns the number
// of events checked, and an error naming the first event that was changed, removed or
// inserted out of turn.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT seq, id, patient_id, actor_id, share_link_id, method,
		action, create_time, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("verify audit: %w", mapError(err))
	}
	defer rows.Close()
	prev := []byte{}
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
		if !bytes.Equal(prevHash, prev) {
			return n, fmt.Errorf("%w: event %d (seq %d) does not follow the one before it: an event was removed or inserted", storage.ErrAuditTampered, n+1, seq)
		}
		if !bytes.Equal(hash, r.hash(prev)) {
			return n, fmt.Errorf("%w: event %d (seq %d) was changed after it was written", storage.ErrAuditTampered, n+1, seq)
		}
		prev = hash
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("verify audit: %w", err)
	}
	return n, nil
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
