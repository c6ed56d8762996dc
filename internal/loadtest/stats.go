package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// method is one kind of request a worker sends.
type method int

const (
	mHealth method = iota
	mCreateEntry
	mListEntries
	mGetDay
	mListFlags
	numMethods
)

var methodNames = [numMethods]string{
	mHealth:      "Health/Check",
	mCreateEntry: "JournalService/CreateEntry",
	mListEntries: "JournalService/ListEntries",
	mGetDay:      "JournalService/GetDay",
	mListFlags:   "FollowUpService/ListFlags",
}

func (m method) String() string { return methodNames[m] }

// series collects one worker's results for one method in one phase. Workers own their
// series, so recording takes no lock; series are merged when the phase ends.
type series struct {
	requests int64 // completed in the measured window, errors included
	errors   map[string]int64
	errMsg   map[string]string // the first message seen per code
	max      time.Duration
	seen     int64           // successes offered to the reservoir
	samples  []time.Duration // latencies of successes: all of them, or a uniform sample
	capacity int
	rng      *rand.Rand
}

func newSeries(capacity int, rng *rand.Rand) *series {
	return &series{capacity: capacity, rng: rng}
}

func (s *series) ok(d time.Duration) {
	s.requests++
	if d > s.max {
		s.max = d
	}
	s.seen++
	if len(s.samples) < s.capacity {
		s.samples = append(s.samples, d)
		return
	}
	// Reservoir sampling (algorithm R): every success stays with equal probability.
	if j := s.rng.Int64N(s.seen); j < int64(s.capacity) {
		s.samples[j] = d
	}
}

func (s *series) fail(code, msg string) {
	s.requests++
	if s.errors == nil {
		s.errors = map[string]int64{}
		s.errMsg = map[string]string{}
	}
	s.errors[code]++
	if _, ok := s.errMsg[code]; !ok {
		s.errMsg[code] = msg
	}
}

// merge adds o into s; samples are concatenated (the caller bounds their number).
func (s *series) merge(o *series) {
	s.requests += o.requests
	s.seen += o.seen
	if o.max > s.max {
		s.max = o.max
	}
	s.samples = append(s.samples, o.samples...)
	for code, n := range o.errors {
		if s.errors == nil {
			s.errors = map[string]int64{}
			s.errMsg = map[string]string{}
		}
		s.errors[code] += n
		if _, ok := s.errMsg[code]; !ok {
			s.errMsg[code] = o.errMsg[code]
		}
	}
}

// stats turns a merged series into a report row.
func (s *series) stats(name string, proto string, window time.Duration) Stats {
	st := Stats{Method: name, Protocol: proto, Requests: s.requests}
	for _, n := range s.errors {
		st.Errors += n
	}
	if len(s.errors) > 0 {
		st.ErrorsByCode = s.errors
		st.ErrorSamples = s.errMsg
	}
	st.Throughput = float64(s.requests-st.Errors) / window.Seconds()
	samples := slices.Clone(s.samples)
	slices.Sort(samples)
	st.P50 = millis(percentile(samples, 0.50))
	st.P90 = millis(percentile(samples, 0.90))
	st.P99 = millis(percentile(samples, 0.99))
	st.Max = millis(s.max)
	st.Samples = int64(len(samples))
	return st
}

// percentile is the nearest-rank percentile of sorted samples: the smallest sample with
// at least q of all samples at or below it.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
