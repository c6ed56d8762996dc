package server

import (
	"fmt"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Sign-in throttling: after too many failed sign-ins for one account, or from one client
// address, further attempts are refused for a while. Both keys count: an attacker trying
// one password on many accounts hits the address limit, one trying many passwords on one
// account hits the account limit even from many addresses.
const (
	accountFailureLimit = 5
	addressFailureLimit = 20
	failureWindow       = 15 * time.Minute
	throttleEntriesCap  = 100_000 // memory bound; oldest windows are dropped first
)

// failureThrottle counts failures per key in a fixed window.
type failureThrottle struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	entries map[string]*failureCount
}

type failureCount struct {
	n     int
	start time.Time
}

func newFailureThrottle(limit int, window time.Duration) *failureThrottle {
	return &failureThrottle{limit: limit, window: window, entries: map[string]*failureCount{}}
}

// blockedFor returns how long key must wait, or 0 if it may try now.
func (t *failureThrottle) blockedFor(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok || now.Sub(e.start) >= t.window {
		return 0
	}
	if e.n < t.limit {
		return 0
	}
	return e.start.Add(t.window).Sub(now)
}

// fail counts a failure for key.
func (t *failureThrottle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok || now.Sub(e.start) >= t.window {
		if len(t.entries) >= throttleEntriesCap {
			t.prune(now)
		}
		t.entries[key] = &failureCount{n: 1, start: now}
		return
	}
	e.n++
}

// reset forgets key's failures, after a successful sign-in.
func (t *failureThrottle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, key)
}

// prune drops windows that have ended; if none have, it drops them all rather than grow
// without bound (an attacker filling the map would only reset their own counters).
func (t *failureThrottle) prune(now time.Time) {
	for k, e := range t.entries {
		if now.Sub(e.start) >= t.window {
			delete(t.entries, k)
		}
	}
	if len(t.entries) >= throttleEntriesCap {
		clear(t.entries)
	}
}

// tooMany is resource_exhausted with a RetryInfo detail, so clients can show when to try
// again and retry libraries back off.
func tooMany(what string, wait time.Duration) error {
	wait = wait.Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	err := connect.NewError(connect.CodeResourceExhausted, fmt.Errorf("%s; try again in %s", what, wait))
	if detail, derr := connect.NewErrorDetail(&errdetails.RetryInfo{RetryDelay: durationpb.New(wait)}); derr == nil {
		err.AddDetail(detail)
	}
	return err
}
