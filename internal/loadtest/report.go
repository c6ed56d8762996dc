package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Report is what a run measured.
type Report struct {
	RunID           string    `json:"runId"`
	Target          string    `json:"target"`
	Protocols       []string  `json:"protocols"`
	Concurrency     int       `json:"concurrency"`
	Workers         []Workers `json:"workers"`
	DurationSeconds float64   `json:"durationSeconds"`
	WarmupSeconds   float64   `json:"warmupSeconds"`
	StartTime       time.Time `json:"startTime"`
	NumCPU          int       `json:"numCpu"`
	// Complete is false when the run was interrupted; the phases listed finished.
	Complete bool           `json:"complete"`
	Setup    SetupReport    `json:"setup"`
	Phases   []PhaseReport  `json:"phases"`
	Ratios   []Ratio        `json:"ratios,omitempty"`
	Watcher  *WatcherReport `json:"watcher,omitempty"`
}

// Workers says how many workers used a protocol, over how many connections.
type Workers struct {
	Protocol    string `json:"protocol"`
	Workers     int    `json:"workers"`
	Connections int    `json:"connections"`
}

// SetupReport describes the data the load ran against.
type SetupReport struct {
	Patients          int     `json:"patients"`
	EntriesPerPatient int     `json:"entriesPerPatient"`
	Entries           int64   `json:"entries"`
	Seconds           float64 `json:"seconds"`
	Clinician         string  `json:"clinician,omitempty"`
}

// PhaseReport is one phase's measurements.
type PhaseReport struct {
	Name string `json:"name"`
	// Seconds is the measured window; requests completing in it count.
	Seconds float64 `json:"seconds"`
	// Total covers every method and protocol of the phase.
	Total Stats `json:"total"`
	// ProtocolTotals cover every method, per protocol (only when more than one ran).
	ProtocolTotals []Stats `json:"protocolTotals,omitempty"`
	// Methods has, per method, a row over all protocols (when more than one ran) and a
	// row per protocol.
	Methods []Stats `json:"methods"`
	// FlaggedEntries counts CreateEntry answers whose entry raised or joined a flag.
	FlaggedEntries int64 `json:"flaggedEntries"`
	// LoadToolCPU is the CPU (in cores) this process used in the measured window; the
	// server shares the machine, so it is what the load itself took away. -1 if unknown.
	LoadToolCPU float64 `json:"loadToolCpuCores"`
	// MachineBusy and MachineIOWait are the fractions of all the machine's CPU time that
	// were busy and waiting for I/O in the window (Linux; -1 elsewhere), and LoadAverage
	// the one-minute load average at its end: other work on the machine shows here.
	MachineBusy   float64 `json:"machineBusy"`
	MachineIOWait float64 `json:"machineIowait"`
	LoadAverage   float64 `json:"loadAverage"`
}

// Stats is one row: a method (or all of a phase's methods) over one protocol or all.
type Stats struct {
	Method   string `json:"method"`
	Protocol string `json:"protocol"` // "grpc", "connect" or "all"
	// Requests completed in the measured window, errors included.
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`
	// Throughput is successful requests per second.
	Throughput float64 `json:"throughput"`
	// Latencies of the successful requests, in milliseconds.
	P50 float64 `json:"p50Ms"`
	P90 float64 `json:"p90Ms"`
	P99 float64 `json:"p99Ms"`
	Max float64 `json:"maxMs"`
	// Samples is how many latencies the percentiles were taken from.
	Samples      int64             `json:"samples"`
	ErrorsByCode map[string]int64  `json:"errorsByCode,omitempty"`
	ErrorSamples map[string]string `json:"errorSamples,omitempty"`
}

// Ratio is a phase's throughput divided by the health phase's, over the same protocol(s).
type Ratio struct {
	Phase    string  `json:"phase"`
	Protocol string  `json:"protocol"`
	Value    float64 `json:"value"`
}

// WatcherReport describes the clinician's WatchFlags stream.
type WatcherReport struct {
	Protocol string `json:"protocol"`
	Opened   bool   `json:"opened"`
	// Initial counts the flags in the opening lists (sent again after each reconnect).
	Initial int64 `json:"initial"`
	// Delivered counts the live flag messages (raised or changed) after caught_up.
	Delivered  int64            `json:"delivered"`
	PerPhase   map[string]int64 `json:"perPhase,omitempty"`
	Reconnects int64            `json:"reconnects"`
	LastError  string           `json:"lastError,omitempty"`
}

// Phase returns the named phase's report, or nil.
func (r *Report) Phase(name string) *PhaseReport {
	for i := range r.Phases {
		if r.Phases[i].Name == name {
			return &r.Phases[i]
		}
	}
	return nil
}

// Ratio returns phase/health throughput for a protocol ("all" for the whole phase).
func (r *Report) Ratio(phase, protocol string) (float64, bool) {
	for _, x := range r.Ratios {
		if x.Phase == phase && x.Protocol == protocol {
			return x.Value, true
		}
	}
	return 0, false
}

// totalFor returns the phase's total over one protocol, or over all.
func (p *PhaseReport) totalFor(protocol string) *Stats {
	if protocol == "all" {
		return &p.Total
	}
	for i := range p.ProtocolTotals {
		if p.ProtocolTotals[i].Protocol == protocol {
			return &p.ProtocolTotals[i]
		}
	}
	if len(p.ProtocolTotals) == 0 && p.Total.Protocol == protocol {
		return &p.Total
	}
	return nil
}

// computeRatios fills r.Ratios: every non-health phase against the health phase.
func (r *Report) computeRatios() {
	r.Ratios = nil
	health := r.Phase(PhaseHealth)
	if health == nil {
		return
	}
	protos := []string{"all"}
	if len(r.Protocols) > 1 {
		protos = append(protos, r.Protocols...)
	}
	for i := range r.Phases {
		p := &r.Phases[i]
		if p.Name == PhaseHealth {
			continue
		}
		for _, proto := range protos {
			h, s := health.totalFor(proto), p.totalFor(proto)
			if h == nil || s == nil || h.Throughput == 0 {
				continue
			}
			r.Ratios = append(r.Ratios, Ratio{Phase: p.Name, Protocol: proto, Value: s.Throughput / h.Throughput})
		}
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as a table for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	var ws []string
	for _, x := range r.Workers {
		ws = append(ws, fmt.Sprintf("%d %s on %d conn", x.Workers, x.Protocol, x.Connections))
	}
	fmt.Fprintf(&b, "medjournal load test %s against %s: %d workers (%s), %s per phase after %s warm-up\n",
		r.RunID, r.Target, r.Concurrency, strings.Join(ws, ", "), secs(r.DurationSeconds), secs(r.WarmupSeconds))
	fmt.Fprintf(&b, "setup: %d patients with %d entries each (%d in all) in %s",
		r.Setup.Patients, r.Setup.EntriesPerPatient, r.Setup.Entries, secs(r.Setup.Seconds))
	if r.Setup.Clinician != "" {
		fmt.Fprintf(&b, "; clinician %s linked to all", r.Setup.Clinician)
	}
	b.WriteString("\n")
	if !r.Complete {
		b.WriteString("INTERRUPTED: only the phases below finished\n")
	}
	b.WriteString("req/s counts successful requests; latencies are of successful requests, closed loop\n")
	fmt.Fprintf(&b, "every answer is received in full; reads are decoded and checked one in %d (a ListEntries page must be full), health and CreateEntry always\n\n", checkEvery)

	mw := len("method")
	for _, p := range r.Phases {
		for _, s := range p.Methods {
			mw = max(mw, len(s.Method))
		}
	}
	line := func(phase string, s Stats) {
		fmt.Fprintf(&b, "%-7s %-*s %-8s %9d %9.1f %9s %9s %9s %9s  %s\n", phase, mw, s.Method, s.Protocol,
			s.Requests, s.Throughput, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max), errorsCell(s))
	}
	fmt.Fprintf(&b, "%-7s %-*s %-8s %9s %9s %9s %9s %9s %9s  %s\n", "phase", mw, "method", "proto",
		"requests", "req/s", "p50", "p90", "p99", "max", "errors")
	for _, p := range r.Phases {
		methods := map[string]bool{}
		for _, s := range p.Methods {
			methods[s.Method] = true
		}
		name := p.Name
		if len(methods) > 1 {
			line(name, p.Total)
			for _, s := range p.ProtocolTotals {
				line("", s)
			}
			name = ""
		}
		for _, s := range p.Methods {
			line(name, s)
			name = ""
		}
	}

	if len(r.Ratios) > 0 {
		b.WriteString("\nthroughput relative to the health phase (same protocol):\n")
		for _, p := range r.Phases {
			all, ok := r.Ratio(p.Name, "all")
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "  %-13s = %.2f", p.Name+"/health", all)
			var per []string
			for _, proto := range r.Protocols {
				if v, ok := r.Ratio(p.Name, proto); ok && len(r.Protocols) > 1 {
					per = append(per, fmt.Sprintf("%s %.2f", proto, v))
				}
			}
			if len(per) > 0 {
				fmt.Fprintf(&b, "  (%s)", strings.Join(per, ", "))
			}
			b.WriteString("\n")
		}
	}

	var flagged []string
	for _, p := range r.Phases {
		if p.FlaggedEntries > 0 {
			flagged = append(flagged, fmt.Sprintf("%s %d", p.Name, p.FlaggedEntries))
		}
	}
	if len(flagged) > 0 || r.Watcher != nil {
		b.WriteString("\nflags:\n")
	}
	if len(flagged) > 0 {
		fmt.Fprintf(&b, "  created entries that raised or joined a flag: %s\n", strings.Join(flagged, ", "))
	}
	if wr := r.Watcher; wr != nil {
		fmt.Fprintf(&b, "  clinician's WatchFlags stream (%s): %d live flag messages delivered", wr.Protocol, wr.Delivered)
		var per []string
		for _, p := range r.Phases {
			if n := wr.PerPhase[p.Name]; n > 0 {
				per = append(per, fmt.Sprintf("%s %d", p.Name, n))
			}
		}
		if len(per) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(per, ", "))
		}
		fmt.Fprintf(&b, ", %d in opening lists, %d reconnects", wr.Initial, wr.Reconnects)
		if wr.LastError != "" {
			fmt.Fprintf(&b, "; last drop: %s", wr.LastError)
		}
		b.WriteString("\n")
	}

	if len(r.Phases) > 0 {
		fmt.Fprintf(&b, "\nmachine (%d CPUs), in each measured window: load tool CPU in cores (taken from the server), machine busy and iowait, load average;\n"+
			"the rest of the machine's CPU (the server's, and any other work's) in cores, per request, and against the load tool's per request\n", r.NumCPU)
		for _, p := range r.Phases {
			fmt.Fprintf(&b, "  %-7s load tool %s, machine busy %s, iowait %s, load %s", p.Name,
				orUnknown(p.LoadToolCPU, "%.2f"), orUnknown(100*p.MachineBusy, "%.0f%%"),
				orUnknown(100*p.MachineIOWait, "%.0f%%"), orUnknown(p.LoadAverage, "%.1f"))
			if rest, vsTool, ok := p.restOfMachine(r.NumCPU); ok && p.Total.Throughput > 0 {
				fmt.Fprintf(&b, "; the rest %.2f, %.0f µs a request, %.2f× the tool's", rest, rest/p.Total.Throughput*1e6, vsTool)
			}
			b.WriteString("\n")
		}
	}

	var errs []string
	rateLimited := false
	for _, p := range r.Phases {
		for _, s := range p.Methods {
			codes := make([]string, 0, len(s.ErrorsByCode))
			for code := range s.ErrorsByCode {
				codes = append(codes, code)
			}
			slices.Sort(codes)
			for _, code := range codes {
				errs = append(errs, fmt.Sprintf("  %s %s %s: %s ×%d, e.g. %q", p.Name, s.Method, s.Protocol,
					code, s.ErrorsByCode[code], s.ErrorSamples[code]))
				rateLimited = rateLimited || code == "resource_exhausted"
			}
		}
	}
	if len(errs) > 0 {
		b.WriteString("\nerrors:\n" + strings.Join(errs, "\n") + "\n")
	}
	if rateLimited {
		b.WriteString("  hint: resource_exhausted on writes is the server's per-session write limit; serve with --write-rate 0 for load tests\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// restOfMachine is the CPU, in cores, that the rest of the machine (the server, and any
// other work on it) used in the phase's window, and that per request against the load
// tool's own per request. The tool does the same work for a request whatever the server
// build, so when the machine's speed changes between runs (on a shared host, a fifth
// either way) both move together and vsTool does not: it compares server builds where
// throughput cannot. ok is false when either figure is unknown.
func (p *PhaseReport) restOfMachine(numCPU int) (rest, vsTool float64, ok bool) {
	if p.LoadToolCPU <= 0 || p.MachineBusy < 0 || numCPU <= 0 {
		return 0, 0, false
	}
	rest = max(0, p.MachineBusy*float64(numCPU)-p.LoadToolCPU)
	return rest, rest / p.LoadToolCPU, true
}

func errorsCell(s Stats) string {
	if s.Errors == 0 {
		return "0"
	}
	codes := make([]string, 0, len(s.ErrorsByCode))
	for code := range s.ErrorsByCode {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s:%d", code, s.ErrorsByCode[code])
	}
	return fmt.Sprintf("%d (%s)", s.Errors, strings.Join(parts, " "))
}

// ms formats milliseconds with three significant-ish digits.
func ms(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.2fms", v)
	case v < 100:
		return fmt.Sprintf("%.1fms", v)
	}
	return fmt.Sprintf("%.0fms", v)
}

func orUnknown(v float64, format string) string {
	if v < 0 {
		return "?"
	}
	return fmt.Sprintf(format, v)
}

func secs(v float64) string {
	return time.Duration(v * float64(time.Second)).Round(time.Millisecond).String()
}
