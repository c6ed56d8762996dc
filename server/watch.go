package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"connectrpc.com/connect"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// watchBuffer is how many flag changes a watcher may fall behind before it is cut off; a
// cut-off client reconnects and gets the open flags again.
const watchBuffer = 4096

// watchers fans flag changes out to the clinicians watching them. The workflow announces
// changes once they are committed (flagging.Events), on the writing request's goroutine,
// so publishing never blocks: a watcher that cannot keep up is dropped, never a write
// slowed.
type watchers struct {
	mu   sync.Mutex
	subs map[*watcher]struct{}
}

type watcher struct {
	clinicianID string
	changes     chan flagging.FlagChange
	dropped     chan struct{} // closed when the watcher fell behind or lost access
	dropOnce    sync.Once
}

func (w *watcher) drop() { w.dropOnce.Do(func() { close(w.dropped) }) }

func (ws *watchers) add(clinicianID string) *watcher {
	w := &watcher{clinicianID: clinicianID, changes: make(chan flagging.FlagChange, watchBuffer), dropped: make(chan struct{})}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.subs == nil {
		ws.subs = map[*watcher]struct{}{}
	}
	ws.subs[w] = struct{}{}
	return w
}

func (ws *watchers) remove(w *watcher) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	delete(ws.subs, w)
}

// publish hands each change to every watcher; whether the watcher may see it is decided
// on the watcher's own goroutine, against the grants of that moment.
func (ws *watchers) publish(changes []flagging.FlagChange) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for w := range ws.subs {
		for _, ch := range changes {
			select {
			case w.changes <- ch:
			default:
				w.drop()
			}
		}
	}
}

func (s *followUpService) WatchFlags(ctx context.Context, req *medjournalv1.WatchFlagsRequest, stream *connect.ServerStream[medjournalv1.WatchFlagsResponse]) error {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_CLINICIAN); err != nil {
		return err
	}
	scope, err := s.flagScope(ctx, c, req.GetPatientId())
	if err != nil {
		return err
	}
	// Subscribe before reading the open flags, so nothing falls between the two.
	w := s.watchers.add(c.id())
	defer s.watchers.remove(w)
	audited := map[string]time.Time{} // patient → when this stream last recorded reading them

	open, err := s.flags.ListFlags(ctx, storage.FlagFilter{
		PatientIDs: scope, Statuses: defaultFlagStatuses, MinUrgency: req.GetMinUrgency(), Limit: 10000,
	})
	if err != nil {
		return s.toConnectError(ctx, "watch flags", err)
	}
	for _, fl := range open {
		if err := s.sendWatched(ctx, stream, fl, audited); err != nil {
			return err
		}
	}
	if err := stream.Send(&medjournalv1.WatchFlagsResponse{CaughtUp: true}); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			return connect.NewError(connect.CodeUnavailable, errors.New("server is shutting down; reconnect"))
		case <-w.dropped:
			return connect.NewError(connect.CodeResourceExhausted, errors.New("fell too far behind; reconnect to get the open flags again"))
		case first := <-w.changes:
			if err := s.deliverChanges(ctx, stream, req, drainChanges(first, w.changes), audited); err != nil {
				return err
			}
		}
	}
}

// drainChanges takes first and every change already queued behind it, keeping one per
// flag: a flag that changed five times while the watcher was busy is read and sent once,
// as it is now, which lets a watcher catch up under a burst of writes.
func drainChanges(first flagging.FlagChange, queue <-chan flagging.FlagChange) []flagging.FlagChange {
	batch := []flagging.FlagChange{first}
	seen := map[string]bool{first.FlagID: true}
	for {
		select {
		case ch := <-queue:
			if !seen[ch.FlagID] {
				seen[ch.FlagID] = true
				batch = append(batch, ch)
			}
		default:
			return batch
		}
	}
}

// deliverChanges sends the watcher each changed flag it may see, checking the grant of
// each patient once per batch, against the grants of that moment.
func (s *followUpService) deliverChanges(ctx context.Context, stream *connect.ServerStream[medjournalv1.WatchFlagsResponse],
	req *medjournalv1.WatchFlagsRequest, batch []flagging.FlagChange, audited map[string]time.Time) error {
	clinicianID := callerFrom(ctx).id()
	granted := map[string]bool{}
	for _, ch := range batch {
		if req.GetPatientId() != "" && ch.PatientID != req.GetPatientId() {
			continue
		}
		ok, checked := granted[ch.PatientID]
		if !checked {
			var err error
			if ok, err = s.hasGrant(ctx, ch.PatientID, clinicianID); err != nil {
				return err
			}
			granted[ch.PatientID] = ok
		}
		if !ok {
			continue
		}
		fl, err := s.flags.Flag(ctx, ch.FlagID)
		if err != nil {
			return s.toConnectError(ctx, "watch flags", err)
		}
		if fl.GetUrgency() < req.GetMinUrgency() {
			continue
		}
		if err := s.sendWatched(ctx, stream, fl, audited); err != nil {
			return err
		}
	}
	return nil
}

// watchAuditInterval is how often one watch stream records, per patient, that the
// clinician is reading that patient's flags. A stream lasts for hours, so its reads are
// recorded as they happen rather than at its end; once per patient per hour says who
// watched whom and when without writing an audit row for every flag delivered.
const watchAuditInterval = time.Hour

// sendWatched records the clinician's read of the patient's flags in the audit trail when
// this stream has not done so within watchAuditInterval, then sends the flag.
func (s *followUpService) sendWatched(ctx context.Context, stream *connect.ServerStream[medjournalv1.WatchFlagsResponse], fl *medjournalv1.Flag, audited map[string]time.Time) error {
	now := time.Now()
	if last, ok := audited[fl.GetPatientId()]; !ok || now.Sub(last) >= watchAuditInterval {
		err := s.store.RecordAudit(ctx, storage.AuditRecord{PatientID: fl.GetPatientId(), ActorID: callerFrom(ctx).id(),
			Method: stream.Conn().Spec().Procedure, Action: medjournalv1.AuditAction_AUDIT_ACTION_READ})
		if err != nil {
			return s.toConnectError(ctx, "audit", err)
		}
		audited[fl.GetPatientId()] = now
	}
	return stream.Send(&medjournalv1.WatchFlagsResponse{Flag: fl, Event: lastEvent(fl)})
}

func lastEvent(fl *medjournalv1.Flag) *medjournalv1.FlagEvent {
	if n := len(fl.GetEvents()); n > 0 {
		return fl.GetEvents()[n-1]
	}
	return nil
}
