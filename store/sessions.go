package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// CreateSession stores a new session for an account and returns it with its id and times.
// The session ends at expireAfter from now at the latest.
func (s *Store) CreateSession(ctx context.Context, accountID string, tokenHash []byte, expireAfter time.Duration, userAgent string) (storage.Session, error) {
	sess := storage.Session{ID: uuid.NewString(), AccountID: accountID, TokenHash: tokenHash, UserAgent: userAgent}
	err := s.write(ctx, func(tx *dbTx) error {
		sess.CreateTime, sess.LastUsedTime = tx.now, tx.now
		sess.ExpireTime = tx.now.Add(expireAfter)
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, account_id,
			create_time, expire_time, last_used_time, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sess.ID, tokenHash, accountID, millis(sess.CreateTime), millis(sess.ExpireTime),
			millis(sess.LastUsedTime), userAgent)
		return err
	})
	if err != nil {
		return storage.Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// SessionByTokenHash returns the session with that token hash and its account. It does not
// judge expiry; the caller applies its own absolute and idle limits.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash []byte) (storage.Session, *medjournalv1.Account, error) {
	var (
		sess storage.Session
		acct *medjournalv1.Account
	)
	err := s.read(ctx, func(tx *dbTx) error {
		var created, expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT id, account_id, token_hash, create_time,
			expire_time, last_used_time, user_agent FROM sessions WHERE token_hash = ?`,
			tokenHash).Scan(&sess.ID, &sess.AccountID, &sess.TokenHash, &created, &expires,
			&used, &sess.UserAgent)
		if err != nil {
			return err
		}
		sess.CreateTime, sess.ExpireTime, sess.LastUsedTime = fromMillis(created), fromMillis(expires), fromMillis(used)
		acct, err = accountByID(ctx, tx, sess.AccountID)
		return err
	})
	if err != nil {
		return storage.Session{}, nil, fmt.Errorf("get session: %w", err)
	}
	return sess, acct, nil
}

// TouchSession records that the session was used now, for the idle timeout.
func (s *Store) TouchSession(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *dbTx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_used_time = ? WHERE id = ?`,
			millis(tx.now), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("touch session %s: %w", id, err)
	}
	return nil
}

// SessionsOf returns the account's sessions, most recently used first.
func (s *Store) SessionsOf(ctx context.Context, accountID string) ([]storage.Session, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, account_id, create_time, expire_time, last_used_time,
		user_agent FROM sessions WHERE account_id = ? ORDER BY last_used_time DESC, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", mapError(err))
	}
	defer rows.Close()
	var out []storage.Session
	for rows.Next() {
		var (
			sess                   storage.Session
			created, expires, used int64
		)
		if err := rows.Scan(&sess.ID, &sess.AccountID, &created, &expires, &used, &sess.UserAgent); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		sess.CreateTime, sess.ExpireTime, sess.LastUsedTime = fromMillis(created), fromMillis(expires), fromMillis(used)
		out = append(out, sess)
	}
	return out, rows.Err()
}

// DeleteSession ends one of the account's sessions; its token stops working at once.
// Another account's session is storage.ErrNotFound.
func (s *Store) DeleteSession(ctx context.Context, accountID, id string) error {
	err := s.write(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND account_id = ?`, id, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return storage.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions whose absolute expiry has passed or that have not
// been used since idleBefore, and reports how many it removed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idleBefore time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expire_time <= ? OR last_used_time < ?`,
			millis(tx.now), millis(idleBefore))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}
