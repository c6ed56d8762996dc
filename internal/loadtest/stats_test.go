package loadtest

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var samples []time.Duration
	for i := 1; i <= 1000; i++ {
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 500 * time.Millisecond, 0.9: 900 * time.Millisecond, 0.99: 990 * time.Millisecond, 1: time.Second} {
		if got := percentile(samples, q); got != want {
			t.Errorf("p%v = %v, want %v", q*100, got, want)
		}
	}
	if got := percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("one sample: %v", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("no samples: %v", got)
	}
}

func TestSeriesBoundsSamplesButCountsExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := newSeries(1000, rng)
	for i := 1; i <= 100_000; i++ {
		s.ok(time.Duration(i))
	}
	s.fail("unavailable", "connection refused")
	s.fail("unavailable", "later")
	other := newSeries(1000, rng)
	other.ok(time.Duration(200_000))
	other.fail("deadline_exceeded", "slow")
	s.merge(other)
	st := s.stats("m", "grpc", time.Second)
	if st.Requests != 100_004 || st.Errors != 3 || st.Throughput != 100_001 {
		t.Errorf("counts: %+v", st)
	}
	if st.Samples != 1001 {
		t.Errorf("%d samples kept, want 1000+1", st.Samples)
	}
	if st.Max != millis(200_000) {
		t.Errorf("max = %v, want the exact maximum", st.Max)
	}
	// The reservoir is a uniform sample: its median is near the true median (50000ns).
	if st.P50 < millis(40_000) || st.P50 > millis(60_000) {
		t.Errorf("p50 = %vms from the reservoir, want about 0.05ms", st.P50)
	}
	if st.ErrorsByCode["unavailable"] != 2 || st.ErrorSamples["unavailable"] != "connection refused" || st.ErrorsByCode["deadline_exceeded"] != 1 {
		t.Errorf("errors = %v %v", st.ErrorsByCode, st.ErrorSamples)
	}
}

func TestMixedPicksInProportion(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var n [numMethods]int
	const total = 100_000
	for range total {
		n[pick(PhaseMixed, rng)]++
	}
	for m, want := range map[method]float64{mCreateEntry: 0.70, mListEntries: 0.15, mGetDay: 0.10, mListFlags: 0.05} {
		if got := float64(n[m]) / total; got < want-0.01 || got > want+0.01 {
			t.Errorf("%v: %.3f of requests, want %.2f", m, got, want)
		}
	}
	if n[mHealth] != 0 {
		t.Error("mixed sent health checks")
	}
}

func TestEntriesAreValidAndSomeAreWarningSigns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := &patient{medicationID: "0190c0de-0000-7000-8000-000000000001", loc: time.UTC}
	now := time.Now()
	warn := 0
	kinds := map[string]int{}
	for range 10_000 {
		e := newEntry(rng, p, now)
		if e.GetId() == "" || e.GetKind() == nil || e.GetOccurredTime().AsTime().After(now) {
			t.Fatalf("bad entry %v", e)
		}
		if e.GetDose() == nil && now.Sub(e.GetOccurredTime().AsTime()) > entryWindow {
			t.Fatalf("entry %v lies further back than %v", e, entryWindow)
		}
		kinds[e.ProtoReflect().WhichOneof(e.ProtoReflect().Descriptor().Oneofs().ByName("kind")).TextName()]++
		if isWarningSign(e) {
			warn++
		}
	}
	if warn < 800 || warn > 1200 {
		t.Errorf("%d of 10000 entries are warning signs, want about 1 in 10", warn)
	}
	for _, k := range []string{"dose", "symptom", "vital", "lab", "note"} {
		if kinds[k] == 0 {
			t.Errorf("no %s entries: %v", k, kinds)
		}
	}
	for _, e := range setupEntries(rng, p, now, 60) {
		if isWarningSign(e) {
			t.Errorf("setup entry is a warning sign: %v", e)
		}
	}
}

// A once-daily tablet is logged once a day: two doses on one day would each be a warning
// sign (the double-dose rule) and make the load test raise far more flags than patients do.
func TestDosesFallOnDaysOfTheirOwn(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	berlin, err := time.LoadLocation(timeZone)
	if err != nil {
		t.Fatal(err)
	}
	p := &patient{medicationID: "0190c0de-0000-7000-8000-000000000001", loc: berlin}
	now := time.Now()
	entries := setupEntries(rng, p, now, 60)
	for range 2000 {
		entries = append(entries, newEntry(rng, p, now))
	}
	days := map[string]bool{}
	for _, e := range entries {
		if e.GetDose() == nil {
			continue
		}
		at := e.GetOccurredTime().AsTime()
		if at.After(now) {
			t.Fatalf("dose at %v is in the future", at)
		}
		day := at.In(berlin).Format(time.DateOnly)
		if days[day] {
			t.Fatalf("two doses on %s", day)
		}
		days[day] = true
	}
	if len(days) < 300 {
		t.Errorf("%d doses in 2060 entries, want about one in five", len(days))
	}
}
