package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tx is a transaction with the single time every row it writes is stamped with.
type Tx struct {
	*sql.Tx
	now time.Time
	// changedFlags are the flags this transaction raised or changed, to announce after
	// commit.
	changedFlags []FlagChange
}

// write runs fn in a BEGIN IMMEDIATE transaction on the writer and commits if fn returns
// nil. With synchronous=FULL the commit returns only after the WAL is on disk.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	rec, audited := ctx.Value(auditKey{}).(AuditRecord)
	if !audited {
		return s.runTx(ctx, s.writer, nil, fn)
	}
	return s.runTx(ctx, s.writer, nil, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, rec)
	})
}

// read runs fn in a read-only transaction on the reader pool, so everything fn reads comes
// from one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*Tx) error) error {
	return s.runTx(ctx, s.reader, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) runTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", mapError(err))
	}
	tx := &Tx{Tx: sqlTx, now: s.now().UTC().Truncate(time.Millisecond)}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return mapError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	if len(tx.changedFlags) > 0 && s.flagListener != nil {
		s.flagListener(tx.changedFlags)
	}
	return nil
}

// millis is how times are stored: INTEGER milliseconds since the Unix epoch, UTC. STRICT
// tables have no date type, and integers sort and compare cheaply.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis turns a stored time back into a time.Time in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
