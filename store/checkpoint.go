package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// checkpointEvery is how long the checkpointer lets commits gather in the WAL before it
// copies them into the database file: long enough that one checkpoint, with its two
// flushes, covers many group commits; short enough that the WAL stays a few megabytes
// under full load.
const checkpointEvery = 100 * time.Millisecond

// writerCheckpointFrames is the WAL length (in pages) at which the writer checkpoints
// itself, after its commit. Under continuous writes the checkpointer never finds the WAL
// still, and SQLite starts the WAL over only when a write begins with every frame
// copied; the writer's own checkpoint, which finds most frames already copied, gets it
// there. It bounds the WAL near 16 MiB.
const writerCheckpointFrames = 4096

// checkpointer copies the WAL back into the database file on its own connection. SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold, on the writer's
// connection, and the writer is the one thing every write waits for: the checkpoint and
// its two flushes were an eighth of the writer's CPU and more of its time. Here they run
// beside it. A PASSIVE checkpoint never blocks the writer or a reader; it copies what no
// reader still needs, as the automatic one did, and the writer starts the WAL over once
// everything is copied.
type checkpointer struct {
	db      *sql.DB
	wake    chan struct{}
	quit    chan struct{} // closed by stop: skip the wait, the writer's close checkpoints
	stopped chan struct{}
}

func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed tells the checkpointer the WAL has grown. It never blocks.
func (c *checkpointer) committed() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	for range c.wake {
		select {
		case <-time.After(checkpointEvery):
		case <-c.quit:
			return
		}
		// A failed checkpoint loses nothing: the frames stay in the WAL for the next one,
		// or the writer's own. An I/O error here reaches the writer's commits too, which
		// report it.
		_, _ = c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// stop ends the checkpointer after any checkpoint under way and closes its connection, so
// the writer, closing last, makes the final checkpoint. The commit loop has stopped by
// then: nothing calls committed any more.
func (c *checkpointer) stop() error {
	close(c.quit)
	close(c.wake)
	<-c.stopped
	return c.db.Close()
}
