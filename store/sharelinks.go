package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// CreateShareLink stores a link (by the hash of its token) to the patient's journal over
// [from, to) (zero times: unbounded), valid for ttl.
func (s *Store) CreateShareLink(ctx context.Context, patientID string, tokenHash []byte, from, to time.Time, ttl time.Duration) (*medjournalv1.ShareLink, error) {
	id := uuid.NewString()
	var out *medjournalv1.ShareLink
	err := s.write(ctx, func(tx *dbTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO share_links (id, patient_id, token_hash, from_time, to_time,
			create_time, expire_time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, patientID, tokenHash, nullMillis(from), nullMillis(to), millis(tx.now), millis(tx.now.Add(ttl)))
		if err != nil {
			return err
		}
		link, err := shareLinkWhere(ctx, tx, "id = ?", id)
		if link != nil {
			out = link.ShareLink
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create share link: %w", err)
	}
	return out, nil
}

// ListShareLinks returns the patient's links, newest first.
func (s *Store) ListShareLinks(ctx context.Context, patientID string) ([]*medjournalv1.ShareLink, error) {
	var out []*medjournalv1.ShareLink
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+shareLinkColumns+` FROM share_links
			WHERE patient_id = ? ORDER BY create_time DESC, id`, patientID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			link, err := scanShareLink(rows)
			if err != nil {
				return err
			}
			out = append(out, link.ShareLink)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list share links: %w", err)
	}
	return out, nil
}

// RevokeShareLink closes one of the patient's links at once. Revoking twice is fine.
func (s *Store) RevokeShareLink(ctx context.Context, patientID, id string) (*medjournalv1.ShareLink, error) {
	var out *medjournalv1.ShareLink
	err := s.write(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE share_links SET revoke_time = COALESCE(revoke_time, ?)
			WHERE id = ? AND patient_id = ?`, millis(tx.now), id, patientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return storage.ErrNotFound
		}
		link, err := shareLinkWhere(ctx, tx, "id = ?", id)
		if link != nil {
			out = link.ShareLink
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("revoke share link: %w", err)
	}
	return out, nil
}

// OpenShareLink finds a live link by its token hash, counts the view and records it in
// the audit trail, in one transaction. An unknown, expired or revoked link is storage.ErrNotFound,
// all alike.
func (s *Store) OpenShareLink(ctx context.Context, tokenHash []byte, method string) (*storage.ShareLink, error) {
	var out *storage.ShareLink
	err := s.write(ctx, func(tx *dbTx) error {
		link, err := shareLinkWhere(ctx, tx, "token_hash = ?", tokenHash)
		if err != nil {
			return err
		}
		if link.RevokeTime != nil || !tx.now.Before(link.ExpireTime.AsTime()) {
			return storage.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE share_links SET view_count = view_count + 1 WHERE id = ?`, link.Id); err != nil {
			return err
		}
		link.ViewCount++
		out = link
		return appendAudit(ctx, tx, storage.AuditRecord{PatientID: link.PatientID, ShareLinkID: link.Id,
			Method: method, Action: medjournalv1.AuditAction_AUDIT_ACTION_READ})
	})
	if err != nil {
		return nil, fmt.Errorf("open share link: %w", err)
	}
	return out, nil
}

const shareLinkColumns = `id, patient_id, from_time, to_time, create_time, expire_time, revoke_time, view_count`

func shareLinkWhere(ctx context.Context, tx *dbTx, where string, arg any) (*storage.ShareLink, error) {
	return scanShareLink(tx.QueryRowContext(ctx, `SELECT `+shareLinkColumns+` FROM share_links WHERE `+where, arg))
}

func scanShareLink(row scanner) (*storage.ShareLink, error) {
	var (
		link             = &storage.ShareLink{ShareLink: &medjournalv1.ShareLink{}}
		from, to, revoke sql.NullInt64
		created, expire  int64
	)
	err := row.Scan(&link.Id, &link.PatientID, &from, &to, &created, &expire, &revoke, &link.ViewCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, storage.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	link.CreateTime, link.ExpireTime = timestamppb.New(fromMillis(created)), timestamppb.New(fromMillis(expire))
	if from.Valid {
		link.From = timestamppb.New(fromMillis(from.Int64))
	}
	if to.Valid {
		link.To = timestamppb.New(fromMillis(to.Int64))
	}
	if revoke.Valid {
		link.RevokeTime = timestamppb.New(fromMillis(revoke.Int64))
	}
	return link, nil
}

func nullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: millis(t), Valid: true}
}
