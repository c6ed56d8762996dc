package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds each pool's prepared statements. The store's queries are
// fixed strings plus the few filter combinations ListEntries builds, well under this.
const maxCachedStatements = 256

// stmtCache keeps one pool's prepared statements, so that SQLite parses and plans each
// query once per connection rather than on every call: the profiles showed statement
// preparation at 10 % of CreateEntry's CPU and a third of a ListEntries query's own cost.
//
// A statement is prepared on the pool (DB.PrepareContext), which needs a free connection.
// A transaction holds its connection, and the writer has only one, so preparing from
// inside a transaction could wait for itself. A query seen inside a transaction therefore
// runs unprepared that time and is only noted; prepareWanted prepares the noted queries
// later, at a point where the caller holds no connection (before a read begins, between
// the commit loop's transactions). database/sql then reuses the prepared statement on
// whichever connection a transaction runs (Tx.StmtContext), preparing it on that
// connection the first time.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]struct{}
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]struct{}{}}
}

// get returns the prepared statement for query, or nil after noting that it is wanted.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStatements {
		c.wanted[query] = struct{}{}
	}
	return nil
}

// prepareWanted prepares the queries noted since the last call. The caller must hold no
// connection of the pool. It takes the queries it prepares out of wanted first, so callers
// in parallel do not prepare the same query twice; if one still gets prepared twice (noted
// again meanwhile), the later copy is closed, never the one in use. No lock is held while
// preparing or closing: a statement waits for its users before it closes, and a user may
// be waiting for this cache's lock.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			// The query failed when it ran too, or ctx ended; it is noted again when it
			// next runs.
			continue
		}
		c.mu.Lock()
		if _, taken := c.stmts[q]; taken {
			c.mu.Unlock()
			st.Close()
			continue
		}
		c.stmts[q] = st
		c.mu.Unlock()
	}
}

// queryRow runs a one-row query on the pool outside any transaction, prepared if it has
// been before.
func (c *stmtCache) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.get(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// close closes every prepared statement, before the pool closes.
func (c *stmtCache) close() {
	c.mu.Lock()
	stmts := c.stmts
	c.stmts = map[string]*sql.Stmt{}
	c.mu.Unlock()
	for _, st := range stmts {
		st.Close()
	}
}

// ExecContext runs a statement that returns no rows, prepared if it has been before.
func (tx *dbTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = tx.statementContext(ctx)
	if st := tx.prepared(query, false); st != nil {
		return tx.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, prepared if it has been before.
func (tx *dbTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = tx.statementContext(ctx)
	if st := tx.prepared(query, true); st != nil {
		return tx.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for at most one row, prepared if it has been before.
func (tx *dbTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.statementContext(ctx)
	if st := tx.prepared(query, true); st != nil {
		return tx.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// prepared returns the prepared statement for query, or nil to run it unprepared. SQLite
// steps one cursor per prepared statement, so a query that returns rows uses it only the
// first time in a dbTx: a second use could come while the first one's rows are still open
// (a loop over a query running the same query), and would reset them under the loop.
func (tx *dbTx) prepared(query string, cursor bool) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if cursor {
		if tx.cursors[query] {
			return nil
		}
		if tx.cursors == nil {
			tx.cursors = map[string]bool{}
		}
		tx.cursors[query] = true
	}
	return tx.stmts.get(query)
}
