package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// dbTx is a transaction with the single time every row it writes is stamped with.
type dbTx struct {
	*sql.Tx
	now time.Time
	// afterCommit runs once the write is durable, never if it is rolled back.
	afterCommit []func()
	// stmts are the pool's prepared statements (nil: none), and cursors the queries
	// that already had rows from one in this dbTx (see prepared).
	stmts   *stmtCache
	cursors map[string]bool
	// seqs, in the commit loop, are the group transaction's change_seq counters, one a
	// patient.
	seqs *changeSeqs
	// inWriter marks the commit loop's transactions, whose statements run to the end
	// whatever their request's context does (statementContext).
	inWriter bool
	// groupCreates, in the commit loop, are the entries the group's earlier writes
	// created; created are this write's own, which join them if it succeeds.
	groupCreates groupCreates
	created      groupCreates
}

// createdSince are the entries created in tx's group, this write's included, for the
// patient, oldest first.
func (tx *dbTx) createdSince(patientID string) []storage.CreatedEntry {
	return append(slices.Clip(tx.groupCreates[patientID]), tx.created[patientID]...)
}

// recordCreated notes an entry tx created, with the version its insert made.
func (tx *dbTx) recordCreated(patientID string, v storage.JournalVersion, e *medjournalv1.Entry) {
	if !tx.inWriter {
		return // outside the commit loop: no writer group to follow
	}
	if tx.created == nil {
		tx.created = groupCreates{}
	}
	tx.created[patientID] = append(tx.created[patientID], storage.CreatedEntry{Version: v, Entry: e})
}

// statementContext is the context a statement of tx runs under. The driver watches a
// cancellable context with a goroutine per statement, started and woken on every call;
// in the writer, the one goroutine every write waits for, those goroutines competed with
// it for the two cores. A write's statements are short and bounded, and once its group
// runs its outcome is decided anyway (commitLoop.submit): a request that goes away leaves
// its write to finish or fail with its group, and the client's retry with the same id finds
// it stored. Reads keep their context, so a long read stops when its caller goes.
func (tx *dbTx) statementContext(ctx context.Context) context.Context {
	if tx.inWriter {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// groupCreates are the entries the writes of one commit-loop group created, by patient,
// in order: a write's entries join when it succeeds, since a write rolled back to its
// savepoint leaves its versions to the next write.
type groupCreates map[string][]storage.CreatedEntry

// write runs fn in a write transaction and returns once it is durable: with
// synchronous=FULL a commit returns only after the WAL is on disk. Concurrent writes are
// grouped into one transaction by the commit loop, each in its own savepoint (but see
// WriteJournal's repeatable writes), so many requests share one disk flush while one
// request's failure leaves the others untouched.
func (s *Store) write(ctx context.Context, fn func(*dbTx) error) error {
	return s.submitWrite(ctx, fn, false)
}

func (s *Store) submitWrite(ctx context.Context, fn func(*dbTx) error, repeatable bool) error {
	if rec, audited := storage.AuditOf(ctx); audited {
		inner := fn
		fn = func(tx *dbTx) error {
			if err := inner(tx); err != nil {
				return err
			}
			return appendAudit(ctx, tx, rec)
		}
	}
	return s.commits.submit(ctx, fn, repeatable)
}

// read runs fn in a read-only transaction on the reader pool, so everything fn reads comes
// from one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*dbTx) error) error {
	s.readerStmts.prepareWanted(ctx)
	sqlTx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", mapError(err))
	}
	defer sqlTx.Rollback()
	tx := &dbTx{Tx: sqlTx, now: s.now().UTC().Truncate(time.Millisecond), stmts: s.readerStmts}
	return mapError(fn(tx))
}

// millis is how times are stored: INTEGER milliseconds since the Unix epoch, UTC. STRICT
// tables have no date type, and integers sort and compare cheaply.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis turns a stored time back into a time.Time in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

var errStoreClosed = errors.New("store is closed")
