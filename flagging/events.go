package flagging

import "sync"

// FlagChange names a flag that a committed write raised or changed.
type FlagChange struct {
	FlagID    string
	PatientID string
}

// Events carries flag changes to those watching them live: clinicians' WatchFlags streams.
// LocalEvents serves one process; a backend shared by several processes needs one that
// reaches the others (PostgreSQL's LISTEN/NOTIFY, for instance).
type Events interface {
	// Publish announces changes that are committed. It must not block.
	Publish(changes []FlagChange)
	// Subscribe calls fn with every published batch until unsubscribe is called. fn must
	// not block.
	Subscribe(fn func([]FlagChange)) (unsubscribe func())
}

// LocalEvents delivers flag changes within one process. The zero value is ready.
type LocalEvents struct {
	mu   sync.RWMutex
	next int
	subs map[int]func([]FlagChange)
}

// Publish calls every subscriber with changes.
func (e *LocalEvents) Publish(changes []FlagChange) {
	if len(changes) == 0 {
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, fn := range e.subs {
		fn(changes)
	}
}

// Subscribe adds fn until the returned function is called.
func (e *LocalEvents) Subscribe(fn func([]FlagChange)) func() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.subs == nil {
		e.subs = map[int]func([]FlagChange){}
	}
	id := e.next
	e.next++
	e.subs[id] = fn
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.subs, id)
	}
}
