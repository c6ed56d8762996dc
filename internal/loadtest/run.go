package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/structpb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/rpcclient"
)

const healthCheckProcedure = "/grpc.health.v1.Health/Check"

var procedures = [numMethods]string{
	mHealth:      healthCheckProcedure,
	mCreateEntry: medjournalv1connect.JournalServiceCreateEntryProcedure,
	mListEntries: medjournalv1connect.JournalServiceListEntriesProcedure,
	mGetDay:      medjournalv1connect.JournalServiceGetDayProcedure,
	mListFlags:   medjournalv1connect.FollowUpServiceListFlagsProcedure,
}

// listPageSize is the ListEntries page the list phase asks for.
const listPageSize = 50

// checkEvery is how often, one in so many, a read's answer is decoded and checked.
const checkEvery = 16

// worker is one closed-loop client: one protocol, one request in flight, acting as its
// patients in turn.
type worker struct {
	protocol Protocol
	c        caller
	patients []*patient
}

// patientsOf are the patients worker i of n acts as: with fewer patients than workers,
// patient i mod patients (shared with other workers); with more, every patient j with
// j mod n = i, so that every patient signed up gets requests.
func patientsOf(i, n int, patients []*patient) []*patient {
	if len(patients) <= n {
		return []*patient{patients[i%len(patients)]}
	}
	var out []*patient
	for j := i; j < len(patients); j += n {
		out = append(out, patients[j])
	}
	return out
}

type runner struct {
	cfg      Config
	workers  []worker
	watch    *watcher
	seed     uint64
	protos   []string
	capacity map[Protocol]int // samples kept per worker and method
}

// Run signs up the patients, runs the phases one after another and reports what it
// measured. logf, if not nil, gets progress lines. When ctx ends mid-run, Run returns the
// phases finished so far (Report.Complete false) with ctx's error.
func Run(ctx context.Context, cfg Config, logf func(format string, args ...any)) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	addr, err := CheckTarget(cfg.Target)
	if err != nil {
		return nil, err
	}

	// Workers alternate between the protocols, so "both" is half each.
	count := map[Protocol]int{}
	protoOf := make([]Protocol, cfg.Concurrency)
	for i := range protoOf {
		protoOf[i] = cfg.Protocols[i%len(cfg.Protocols)]
		count[protoOf[i]]++
	}
	callers := map[Protocol][]caller{}
	var report Report
	for _, p := range cfg.Protocols {
		switch p {
		case Connect:
			hc := newHTTPClient(count[Connect] + 2)
			defer hc.CloseIdleConnections()
			callers[Connect] = []caller{rpcclient.ConnectJSON{BaseURL: "http://" + addr, HTTP: hc, Unmarshal: jsonUnmarshal}}
			report.Workers = append(report.Workers, Workers{Protocol: string(p), Workers: count[p], Connections: count[p]})
		case GRPC:
			n := cfg.GRPCConns
			if n == 0 || n > count[GRPC] {
				n = count[GRPC]
			}
			for range n {
				conn, err := dialGRPC(addr)
				if err != nil {
					return nil, fmt.Errorf("grpc client: %w", err)
				}
				defer func(conn *grpc.ClientConn) { conn.Close() }(conn)
				callers[GRPC] = append(callers[GRPC], rpcclient.GRPC{Conn: conn})
			}
			report.Workers = append(report.Workers, Workers{Protocol: string(p), Workers: count[p], Connections: n})
		}
	}
	setupCaller := callers[cfg.Protocols[0]][0]

	report.RunID = newRunID()
	report.Target = cfg.Target
	report.Concurrency = cfg.Concurrency
	report.DurationSeconds = cfg.Duration.Seconds()
	report.WarmupSeconds = cfg.Warmup.Seconds()
	report.StartTime = time.Now().UTC()
	report.NumCPU = runtime.NumCPU()
	for _, p := range cfg.Protocols {
		report.Protocols = append(report.Protocols, string(p))
	}

	// A clear message if nothing is listening, before any setup.
	for _, p := range cfg.Protocols {
		if err := checkHealth(ctx, p, callers[p][0], 5*time.Second); err != nil {
			return nil, fmt.Errorf("%s health check on %s failed (is `medjournal serve` running there?): %w", p, cfg.Target, err)
		}
	}

	logf("run %s: signing up %d patients with %d entries each", report.RunID, cfg.Patients, setupEntriesPerPatient)
	setupStart := time.Now()
	patients, entries, err := signUpPatients(ctx, setupCaller, report.RunID, cfg.Patients, cfg.RequestTimeout)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	logf("%d patients signed up with their entries in %s", len(patients), time.Since(setupStart).Round(time.Millisecond))
	report.Setup = SetupReport{Patients: len(patients), EntriesPerPatient: setupEntriesPerPatient, Entries: entries}

	r := &runner{cfg: cfg, seed: uint64(time.Now().UnixNano()), protos: report.Protocols, capacity: map[Protocol]int{}}
	for p, n := range count {
		r.capacity[p] = max(1, cfg.MaxSamples/n)
	}
	next := map[Protocol]int{}
	for i, p := range protoOf {
		cs := callers[p]
		r.workers = append(r.workers, worker{protocol: p, c: cs[next[p]%len(cs)], patients: patientsOf(i, len(protoOf), patients)})
		next[p]++
	}

	if cfg.ClinicianEmail != "" {
		linkStart := time.Now()
		token, err := linkClinician(ctx, setupCaller, cfg.ClinicianEmail, cfg.ClinicianPassword, patients, cfg.RequestTimeout)
		if err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
		report.Setup.Clinician = cfg.ClinicianEmail
		// A clinician's dashboard is a browser: watch over Connect when it runs.
		wp := cfg.Protocols[len(cfg.Protocols)-1]
		r.watch = &watcher{protocol: wp, c: callers[wp][0], token: token, perPhase: map[string]int64{}, phase: "setup"}
		watchCtx, stopWatch := context.WithCancel(ctx)
		ready := make(chan error, 1)
		done := make(chan struct{})
		go func() { defer close(done); r.watch.run(watchCtx, ready) }()
		defer func() { stopWatch(); <-done }()
		select {
		case err := <-ready:
			if err != nil {
				return nil, fmt.Errorf("setup: %w", err)
			}
		case <-time.After(cfg.RequestTimeout):
			return nil, errors.New("setup: WatchFlags sent no caught_up message")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		logf("clinician %s linked to %d patients and watching over %s in %s", cfg.ClinicianEmail, len(patients), wp,
			time.Since(linkStart).Round(time.Millisecond))
	}
	report.Setup.Seconds = time.Since(setupStart).Seconds()
	logf("setup done in %s", time.Since(setupStart).Round(time.Millisecond))

	for _, name := range cfg.Phases {
		logf("phase %s: %s warm-up, then %s measured, %d workers", name, cfg.Warmup, cfg.Duration, cfg.Concurrency)
		pr := r.runPhase(ctx, name)
		if ctx.Err() != nil {
			break
		}
		report.Phases = append(report.Phases, pr)
		logf("phase %s: %d requests, %.1f req/s, p50 %s p99 %s, %d errors", name,
			pr.Total.Requests, pr.Total.Throughput, ms(pr.Total.P50), ms(pr.Total.P99), pr.Total.Errors)
	}
	if r.watch != nil {
		r.watch.setPhase("done")
		report.Watcher = r.watch.report()
	}
	report.computeRatios()
	if err := ctx.Err(); err != nil {
		return &report, err
	}
	report.Complete = true
	return &report, nil
}

func checkHealth(ctx context.Context, p Protocol, c caller, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp := newHealthResponse(p)
	if err := c.Call(ctx, healthCheckProcedure, "", &healthpb.HealthCheckRequest{}, resp); err != nil {
		return err
	}
	return servingError(resp)
}

// newHealthResponse is the message a health answer is decoded into. Over Connect-JSON it
// is read as a plain JSON object: connect-go's grpchealth names the enum values
// SERVING_STATUS_SERVING, which the grpc.health.v1 JSON mapping ("SERVING") does not know.
func newHealthResponse(p Protocol) protoMessage {
	if p == Connect {
		return &structpb.Struct{}
	}
	return &healthpb.HealthCheckResponse{}
}

// servingError is nil if a health answer says SERVING.
func servingError(resp protoMessage) error {
	var status string
	switch r := resp.(type) {
	case *healthpb.HealthCheckResponse:
		status = r.GetStatus().String()
	case *structpb.Struct:
		status = r.GetFields()["status"].GetStringValue()
	}
	if status == "SERVING" || status == "SERVING_STATUS_SERVING" {
		return nil
	}
	return connect.NewError(connect.CodeUnavailable, fmt.Errorf("health status %q", status))
}

// workerResult is what one worker measured in one phase.
type workerResult struct {
	series  [numMethods]*series
	flagged int64
}

// runPhase runs every worker, closed loop, for the warm-up and the measured window. A
// request counts when it completes inside the window.
func (r *runner) runPhase(ctx context.Context, name string) PhaseReport {
	start := time.Now()
	winStart := start.Add(r.cfg.Warmup)
	winEnd := winStart.Add(r.cfg.Duration)
	if r.watch != nil {
		r.watch.setPhase(name)
	}

	usageCh := make(chan usage, 1)
	go func() { usageCh <- usageInWindow(ctx, winStart, winEnd) }()

	results := make([]workerResult, len(r.workers))
	var wg sync.WaitGroup
	for i := range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx, name, i, winStart, winEnd, &results[i])
		}()
	}
	wg.Wait()

	u := <-usageCh
	pr := PhaseReport{Name: name, Seconds: r.cfg.Duration.Seconds(),
		LoadToolCPU: u.self, MachineBusy: u.busy, MachineIOWait: u.iowait, LoadAverage: u.loadAvg}
	total := &series{}
	protoTotals := map[string]*series{}
	for _, p := range r.protos {
		protoTotals[p] = &series{}
	}
	for m := range numMethods {
		all := &series{}
		per := map[string]*series{}
		seen := false
		for i, w := range r.workers {
			s := results[i].series[m]
			if s == nil {
				continue
			}
			seen = true
			if per[string(w.protocol)] == nil {
				per[string(w.protocol)] = &series{}
			}
			per[string(w.protocol)].merge(s)
			all.merge(s)
			protoTotals[string(w.protocol)].merge(s)
			total.merge(s)
		}
		if !seen {
			continue
		}
		if len(r.protos) > 1 {
			pr.Methods = append(pr.Methods, all.stats(m.String(), "all", r.cfg.Duration))
		}
		for _, p := range r.protos {
			if s := per[p]; s != nil {
				pr.Methods = append(pr.Methods, s.stats(m.String(), p, r.cfg.Duration))
			}
		}
	}
	proto := r.protos[0]
	if len(r.protos) > 1 {
		proto = "all"
		for _, p := range r.protos {
			pr.ProtocolTotals = append(pr.ProtocolTotals, protoTotals[p].stats("(all methods)", p, r.cfg.Duration))
		}
	}
	pr.Total = total.stats("(all methods)", proto, r.cfg.Duration)
	for i := range results {
		pr.FlaggedEntries += results[i].flagged
	}
	return pr
}

// usageInWindow measures this process's and the machine's CPU between from and to.
func usageInWindow(ctx context.Context, from, to time.Time) usage {
	u := usage{self: -1, busy: -1, iowait: -1, loadAvg: -1}
	sleepUntil := func(t time.Time) bool {
		timer := time.NewTimer(time.Until(t))
		defer timer.Stop()
		select {
		case <-timer.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !sleepUntil(from) {
		return u
	}
	self0 := cpuSeconds()
	total0, busy0, io0, ok0 := machineTicks()
	if !sleepUntil(to) {
		return u
	}
	self1 := cpuSeconds()
	total1, busy1, io1, ok1 := machineTicks()
	if self0 >= 0 && self1 >= 0 {
		u.self = (self1 - self0) / to.Sub(from).Seconds()
	}
	if ok0 && ok1 && total1 > total0 {
		u.busy = float64(busy1-busy0) / float64(total1-total0)
		u.iowait = float64(io1-io0) / float64(total1-total0)
	}
	u.loadAvg = loadAverage()
	return u
}

// work is one worker's closed loop: send, wait for the answer, record, repeat.
func (r *runner) work(ctx context.Context, phase string, i int, winStart, winEnd time.Time, res *workerResult) {
	w := r.workers[i]
	rng := rand.New(rand.NewPCG(r.seed, uint64(i)))
	for k := 0; ctx.Err() == nil; k++ {
		now := time.Now()
		if !now.Before(winEnd) {
			return
		}
		p := w.patients[k%len(w.patients)]
		m := pick(phase, rng)
		token := p.token
		var req, resp protoMessage
		switch m {
		case mHealth:
			token = ""
			req, resp = &healthpb.HealthCheckRequest{}, newHealthResponse(w.protocol)
		case mCreateEntry:
			req, resp = &medjournalv1.CreateEntryRequest{Entry: newEntry(rng, p, now)}, &medjournalv1.CreateEntryResponse{}
		case mListEntries:
			req, resp = &medjournalv1.ListEntriesRequest{PageSize: listPageSize}, &medjournalv1.ListEntriesResponse{}
		case mGetDay:
			req, resp = &medjournalv1.GetDayRequest{Date: recentDate(rng, p, now)}, &medjournalv1.GetDayResponse{}
		case mListFlags:
			req, resp = &medjournalv1.ListFlagsRequest{PageSize: 20}, &medjournalv1.ListFlagsResponse{}
		}
		// Reads are answered in full either way; decoding every answer would spend a core
		// of the machine the server shares on protojson alone (the load tool's profile,
		// list phase), so most are only checked by status and a sample is decoded and
		// checked by content. Health and CreateEntry answers are always decoded: they are
		// small, and the report reads them.
		decoded := m == mHealth || m == mCreateEntry || rng.IntN(checkEvery) == 0
		callResp := resp
		if !decoded {
			callResp = nil
		}
		cctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
		t0 := time.Now()
		err := w.c.Call(cctx, procedures[m], token, req, callResp)
		t1 := time.Now()
		cancel()
		if ctx.Err() != nil {
			return // interrupted: the answer says nothing about the server
		}
		if t1.Before(winStart) || t1.After(winEnd) {
			continue // warm-up, or finished after the window closed
		}
		if err == nil && m == mHealth {
			err = servingError(resp)
		}
		if err == nil && decoded && m == mListEntries {
			err = fullPageError(resp.(*medjournalv1.ListEntriesResponse))
		}
		s := res.series[m]
		if s == nil {
			s = newSeries(r.capacity[w.protocol], rng)
			res.series[m] = s
		}
		if err != nil {
			s.fail(codeOf(err), messageOf(err))
			continue
		}
		s.ok(t1.Sub(t0))
		if m == mCreateEntry && len(resp.(*medjournalv1.CreateEntryResponse).GetEntry().GetFlagIds()) > 0 {
			res.flagged++
		}
	}
}

// pick chooses the next method for a phase.
func pick(phase string, rng *rand.Rand) method {
	switch phase {
	case PhaseHealth:
		return mHealth
	case PhaseCreate:
		return mCreateEntry
	case PhaseList:
		return mListEntries
	case PhaseDay:
		return mGetDay
	}
	// mixed: 70% CreateEntry, 15% ListEntries, 10% GetDay, 5% ListFlags.
	switch n := rng.IntN(100); {
	case n < 70:
		return mCreateEntry
	case n < 85:
		return mListEntries
	case n < 95:
		return mGetDay
	}
	return mListFlags
}

// fullPageError fails a ListEntries answer that is not a full page: every load-test patient
// starts with more entries than a page holds.
func fullPageError(resp *medjournalv1.ListEntriesResponse) error {
	if n := len(resp.GetEntries()); n != listPageSize {
		return connect.NewError(connect.CodeDataLoss, fmt.Errorf("a page of %d entries, want %d", n, listPageSize))
	}
	return nil
}
