package store

import (
	"context"
	"fmt"
	"time"
)

// maxGroup bounds how many writes share one transaction, so a burst cannot make one
// commit, and the wait of the first writer in it, arbitrarily long.
const maxGroup = 256

// commitLoop owns the writer connection's transactions. Writes queue on a channel; the
// loop takes every write waiting, runs each in a savepoint of one BEGIN IMMEDIATE
// transaction, commits once, and only then answers each write: an acknowledged write is
// always on disk, and a flush is paid once per group instead of once per write.
type commitLoop struct {
	store   *Store
	queue   chan *pendingWrite
	stopped chan struct{}
}

type pendingWrite struct {
	ctx context.Context
	fn  func(*dbTx) error
	// repeatable marks a write that may run a second time from the start: it changes the
	// database only through its dbTx, and sets, never accumulates, what it hands back.
	repeatable bool
	tx         *dbTx
	err        error
	done       chan error
}

func newCommitLoop(s *Store) *commitLoop {
	l := &commitLoop{store: s, queue: make(chan *pendingWrite, maxGroup), stopped: make(chan struct{})}
	go l.run()
	return l
}

// submit queues fn and waits for its outcome. A write whose context ends while it waits in
// the queue is dropped; once its group is committing it waits for the commit, since its
// outcome is then decided. A repeatable fn may run twice (see commit); its changes are
// committed once.
func (l *commitLoop) submit(ctx context.Context, fn func(*dbTx) error, repeatable bool) error {
	w := &pendingWrite{ctx: ctx, fn: fn, repeatable: repeatable, done: make(chan error, 1)}
	select {
	case l.queue <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.stopped:
		return errStoreClosed
	}
	return <-w.done
}

// queued is how many writes wait for the writer: submitted, not yet taken into a group.
func (l *commitLoop) queued() int { return len(l.queue) }

// stop ends the loop after the writes already queued; later submits fail.
func (l *commitLoop) stop() {
	close(l.queue)
	<-l.stopped
}

func (l *commitLoop) run() {
	defer close(l.stopped)
	for first := range l.queue {
		group := []*pendingWrite{first}
	drain:
		for len(group) < maxGroup {
			select {
			case w, ok := <-l.queue:
				if !ok {
					break drain
				}
				group = append(group, w)
			default:
				break drain
			}
		}
		l.commit(group)
	}
}

// commit runs a group in one transaction, each write with its own dbTx (its own timestamp
// and flag changes), and answers every write once the transaction is durable or failed.
//
// Each write normally runs in a savepoint of its own, so that one that fails is rolled
// back alone. A savepoint copies every page the write changes before changing it, and
// for a group of creates, each dirtying its own handful of index leaves, those copies
// were most of what the savepoints cost the writer, which every write waits for. So a
// group of repeatable writes (creates) runs first without savepoints; if one of them
// fails, which is rare, the whole transaction is rolled back and the group runs again
// with them. A failing create thus costs its group a second run; such failures (a
// conflicting retry, an unknown medication) are rare, and each session's writes are
// rate-limited. If the commit itself fails, every write of the group fails with it:
// nothing was written.
func (l *commitLoop) commit(group []*pendingWrite) {
	if allRepeatable(group) && l.attempt(group, false) {
		return
	}
	l.attempt(group, true)
}

func allRepeatable(group []*pendingWrite) bool {
	for _, w := range group {
		if !w.repeatable {
			return false
		}
	}
	return true
}

// attempt runs group in one transaction, each write in a savepoint if isolated, and answers
// each write. Without isolation, a write that fails rolls the whole transaction back;
// attempt then answers none and returns false, and the group must run again, isolated.
func (l *commitLoop) attempt(group []*pendingWrite, isolated bool) bool {
	s := l.store
	s.writerStmts.prepareWanted(context.Background())
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin: %w", mapError(err))
		for _, w := range group {
			w.done <- err
		}
		return true
	}
	committed := 0
	seqs := newChangeSeqs()
	creates := groupCreates{}
	for _, w := range group {
		w.tx, w.err = nil, nil
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		w.tx = &dbTx{Tx: sqlTx, now: s.now().UTC().Truncate(time.Millisecond), stmts: s.writerStmts, seqs: seqs, inWriter: true,
			groupCreates: creates}
		if isolated {
			w.err = runInSavepoint(w.tx, func() error { return w.fn(w.tx) })
		} else if w.err = w.fn(w.tx); w.err != nil {
			_ = sqlTx.Rollback()
			return false
		}
		if w.err == nil {
			committed++
			for patientID, created := range w.tx.created {
				creates[patientID] = append(creates[patientID], created...)
			}
		}
	}
	if committed == 0 {
		_ = sqlTx.Rollback()
	} else if err := sqlTx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", mapError(err))
		for _, w := range group {
			if w.err == nil {
				w.err = err
			}
		}
	}
	if committed > 0 {
		s.checkpoints.committed()
	}
	for _, w := range group {
		if w.err == nil && w.tx != nil {
			for _, fn := range w.tx.afterCommit {
				fn()
			}
		}
	}
	for _, w := range group {
		w.done <- mapError(w.err)
	}
	return true
}

// runInSavepoint runs fn so that its changes can be undone alone. The savepoint
// statements go to the transaction as they are, not through the statement cache: a group
// of creates runs without savepoints (commit), and PERFORMANCE.md measured preparing them
// as noise.
func runInSavepoint(tx *dbTx, fn func() error) error {
	// Savepoint statements run without the request's context: an interrupted ROLLBACK TO
	// would leave the shared transaction holding a half-done write.
	ctx := context.Background()
	if _, err := tx.Tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.Tx.ExecContext(ctx, "ROLLBACK TO write"); rerr != nil {
			return fmt.Errorf("%w (and rolling back: %v)", err, rerr)
		}
		_, _ = tx.Tx.ExecContext(ctx, "RELEASE write")
		return err
	}
	_, err := tx.Tx.ExecContext(ctx, "RELEASE write")
	return err
}
