// Package store is medjournal's SQLite backend: it implements the storage port (package
// storage) for the workflows in package flagging, and the plain reads and writes of
// accounts, sessions, care teams, share links, medications and the audit trail.
//
// One file is opened twice: a single writer connection, so that writes queue in Go instead
// of contending for SQLite's write lock, and a pool of read-only connections that read from
// WAL snapshots while the writer works. The writer runs with synchronous=FULL because an
// acknowledged journal entry must survive a power cut, not only a crash of the process.
//
// The package speaks in the generated medjournal.v1 types and a few store-only types (a
// session with its token hash, for instance); it never imports the server. Errors are
// wrapped sentinels (storage.ErrNotFound, storage.ErrAlreadyExists, ...) so a PostgreSQL implementation of
// the same methods can later report them the same way.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Store is an open medjournal database.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	now    func() time.Time

	commits     *commitLoop   // serializes and groups writes on the writer
	checkpoints *checkpointer // copies the WAL into the database file beside the writer
	writerStmts *stmtCache    // prepared statements of each pool
	readerStmts *stmtCache
	firstPages  *firstPageCache // the newest page of recently read journals; nil: off
}

// Option changes how Open sets up a Store.
type Option func(*Store)

// WithClock makes the store stamp rows with times from now instead of the wall clock, so
// tests can pin time.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithoutPageCache turns the cache of journals' newest page off: every ListEntries then
// reads SQLite. The answers are the same either way.
func WithoutPageCache() Option {
	return func(s *Store) { s.firstPages = nil }
}

// WithCacheChecks makes every cached page verify, when it is served again, that nobody
// changed its shared entries since; a read that finds one changed fails. For tests.
func WithCacheChecks() Option {
	return func(s *Store) {
		if s.firstPages != nil {
			s.firstPages.check = true
		}
	}
}

// Open opens (creating it if needed) the database file at path and migrates it to the
// schema this binary knows. It refuses a database written by a newer binary.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s, err := open(ctx, path, opts...)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// open connects both pools without migrating.
func open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolve database path %q: %w", path, err)
	}
	s := &Store{now: time.Now, firstPages: newFirstPageCache()}
	for _, opt := range opts {
		opt(s)
	}
	s.writer, err = sql.Open("sqlite", writerDSN(abs))
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	// One connection: writes queue in database/sql rather than fighting over the WAL lock.
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)
	// Ping creates the file and switches it to WAL before any reader opens it, because a
	// read-only connection cannot create the WAL index.
	if err := s.writer.PingContext(ctx); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, mapError(err))
	}
	s.writerStmts = newStmtCache(s.writer)
	if s.checkpoints, err = newCheckpointer(checkpointerDSN(abs)); err != nil {
		s.writer.Close()
		return nil, err
	}
	s.commits = newCommitLoop(s)
	s.reader, err = sql.Open("sqlite", readerDSN(abs))
	if err != nil {
		s.Close() // stops the commit loop and the checkpointer too
		return nil, fmt.Errorf("open readers: %w", err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	s.readerStmts = newStmtCache(s.reader)
	s.reader.SetMaxOpenConns(readers)
	s.reader.SetMaxIdleConns(readers)
	if err := s.reader.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open readers on %s: %w", abs, mapError(err))
	}
	return s, nil
}

// writerDSN sets busy_timeout first so the connection waits, rather than fails, while
// another process (a backup, the sqlite3 shell) holds a lock during the WAL switch.
// _txlock=immediate makes every transaction take the write lock at BEGIN, where the busy
// timeout applies, instead of failing later with SQLITE_BUSY_SNAPSHOT on upgrade. The
// writer's page cache is never reset by another connection's commit, so a larger one keeps
// the index pages that inserts touch (on a million entries, the id index's leaves alone are
// tens of megabytes); reads of the rest come from the mapped file. temp_store(MEMORY) keeps
// the savepoint journal in memory: every write runs in its own savepoint inside the group
// commit, and past 64 KiB SQLite spilled that journal to a temporary file, a pwrite system
// call per page changed (8 % of a create's CPU). It only serves rolling back one write of a
// group; crash recovery is the WAL's, so nothing durable depends on it.
func writerDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		"_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=cache_size(-32768)" +
		"&_pragma=mmap_size(1073741824)" +
		"&_pragma=temp_store(MEMORY)" +
		"&_pragma=wal_autocheckpoint(" + strconv.Itoa(writerCheckpointFrames) + ")" +
		"&_txlock=immediate"
}

// checkpointerDSN opens the checkpointer's connection (checkpointer). It flushes what it
// copies with synchronous=FULL like the writer.
func checkpointerDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		"_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(FULL)"
}

// readerDSN opens read-only connections; mode=ro is honoured because of the file: prefix.
// A reader drops its whole page cache whenever another connection has committed, so under
// load every read began from cold: the 2 MB default cache thrashed and each page came back
// through a pread system call (14 % of ListEntries' CPU). Mapping the file serves the
// database's pages from the kernel's cache without copying them; the larger cache holds
// the pages that still come from the WAL. Both are bounded: 32 MiB a connection, and the
// map is address space over the file, not memory of our own.
func readerDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=cache_size(-32768)" +
		"&_pragma=mmap_size(1073741824)"
}

// QueuedWrites is how many writes wait for the single writer, not yet in the group it is
// running: how far behind the writer is, for metrics, and how tests line writes up to
// share one group.
func (s *Store) QueuedWrites() int { return s.commits.queued() }

// Close closes both pools. The writer closes last so the final WAL checkpoint runs after
// every reader is gone.
func (s *Store) Close() error {
	var errs []error
	if s.commits != nil {
		s.commits.stop()
	}
	if s.checkpoints != nil {
		errs = append(errs, s.checkpoints.stop())
	}
	if s.readerStmts != nil {
		s.readerStmts.close()
	}
	if s.writerStmts != nil {
		s.writerStmts.close()
	}
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	return errors.Join(errs...)
}

// CheckIntegrity runs PRAGMA integrity_check and returns an error describing the first
// problems if the database is damaged.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	rows, err := s.reader.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", mapError(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", mapError(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %v", problems)
	}
	return nil
}
