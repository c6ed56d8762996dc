package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// writeLimiters keeps one token bucket per session, so a runaway client (a loop posting
// entries) is stopped without touching anyone else. A phone catching up after a month
// offline sends one Sync request per batch of entries, which is one write here.
type writeLimiters struct {
	mu       sync.Mutex
	perSec   rate.Limit
	burst    int
	limiters map[string]*sessionLimiter
}

type sessionLimiter struct {
	limiter  *rate.Limiter
	lastUsed time.Time
}

// limiterIdle is when an unused session's bucket is forgotten; it would be full again.
const limiterIdle = 10 * time.Minute

func newWriteLimiters(perSec float64) *writeLimiters {
	return &writeLimiters{perSec: rate.Limit(perSec), burst: max(1, int(2*perSec)), limiters: map[string]*sessionLimiter{}}
}

// wait returns 0 if the session may write now (taking a token), else how long to wait.
func (w *writeLimiters) wait(sessionID string, now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	l, ok := w.limiters[sessionID]
	if !ok {
		if len(w.limiters) > 10_000 {
			for id, old := range w.limiters {
				if now.Sub(old.lastUsed) > limiterIdle {
					delete(w.limiters, id)
				}
			}
		}
		l = &sessionLimiter{limiter: rate.NewLimiter(w.perSec, w.burst)}
		w.limiters[sessionID] = l
	}
	l.lastUsed = now
	r := l.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // refused requests do not use up tokens
		return d
	}
	return 0
}
