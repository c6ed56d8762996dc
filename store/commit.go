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
	ctx  context.Context
	fn   func(*Tx) error
	tx   *Tx
	err  error
	done chan error
}

func newCommitLoop(s *Store) *commitLoop {
	l := &commitLoop{store: s, queue: make(chan *pendingWrite, maxGroup), stopped: make(chan struct{})}
	go l.run()
	return l
}

// submit queues fn and waits for its outcome. A write whose context ends while it waits in
// the queue is dropped; once its group is committing it waits for the commit, since its
// outcome is then decided.
func (l *commitLoop) submit(ctx context.Context, fn func(*Tx) error) error {
	w := &pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case l.queue <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.stopped:
		return errStoreClosed
	}
	return <-w.done
}

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

// commit runs a group in one transaction. Each write gets its own savepoint and its own
// Tx (its own timestamp and flag changes); a write that fails is rolled back to its
// savepoint alone. If the commit itself fails, every write of the group fails with it:
// nothing was written.
func (l *commitLoop) commit(group []*pendingWrite) {
	s := l.store
	s.writerStmts.prepareWanted(context.Background())
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin: %w", mapError(err))
		for _, w := range group {
			w.done <- err
		}
		return
	}
	committed := 0
	seqs := &changeSeqs{}
	creates := groupCreates{}
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		w.tx = &Tx{Tx: sqlTx, now: s.now().UTC().Truncate(time.Millisecond), stmts: s.writerStmts, seqs: seqs, inWriter: true,
			ruleCache: s.ruleCache, linked: s.linkedEvidence, groupCreates: creates}
		w.err = runInSavepoint(w.tx, func() error { return w.fn(w.tx) })
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
	var changes []FlagChange
	for _, w := range group {
		if w.err == nil && w.tx != nil {
			changes = append(changes, w.tx.changedFlags...)
			for _, fn := range w.tx.afterCommit {
				fn()
			}
		}
	}
	if len(changes) > 0 && s.flagListener != nil {
		s.flagListener(changes)
	}
	for _, w := range group {
		w.done <- mapError(w.err)
	}
}

// runInSavepoint runs fn so that its changes can be undone alone. The savepoint
// statements go through tx's prepared statements like any other: every write of every
// group runs two of them, and parsing them anew each time was a cost the one writer paid.
func runInSavepoint(tx *Tx, fn func() error) error {
	// Savepoint statements run without the request's context: an interrupted ROLLBACK TO
	// would leave the shared transaction holding a half-done write.
	ctx := context.Background()
	if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO write"); rerr != nil {
			return fmt.Errorf("%w (and rolling back: %v)", err, rerr)
		}
		_, _ = tx.ExecContext(ctx, "RELEASE write")
		return err
	}
	_, err := tx.ExecContext(ctx, "RELEASE write")
	return err
}
