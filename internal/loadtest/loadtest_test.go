package loadtest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/internal/loadtest"
)

// startOnMemoryDisk starts the test server with its database on /dev/shm where there is
// one: the server commits with synchronous=FULL, and on a CI disk busy with other jobs a
// single fsync can outlast a one-second phase, which would leave the phase empty. What is
// tested here is the load tool, not the disk.
func startOnMemoryDisk(t *testing.T) *apitest.Env {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		t.Setenv("TMPDIR", "/dev/shm")
	}
	return apitest.Start(t)
}

// TestRunAllPhasesBothProtocols runs a short load test against a real in-process server
// with a clinician watching, and checks the report end to end.
func TestRunAllPhasesBothProtocols(t *testing.T) {
	env := startOnMemoryDisk(t)
	const clinicianEmail, clinicianPassword = "dr-load@example.com", "clinician passphrase"
	hash, err := apitest.FastHasher().Hash(context.Background(), clinicianPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.CreateAccount(context.Background(), &medjournalv1.Account{
		Email: clinicianEmail, DisplayName: "Dr Load", Role: medjournalv1.Role_ROLE_CLINICIAN, TimeZone: "UTC",
	}, hash); err != nil {
		t.Fatal(err)
	}

	cfg := loadtest.Config{
		Target:            env.URL,
		Protocols:         []loadtest.Protocol{loadtest.GRPC, loadtest.Connect},
		Concurrency:       4,
		Duration:          time.Second,
		Warmup:            200 * time.Millisecond,
		Patients:          4,
		Phases:            loadtest.AllPhases,
		ClinicianEmail:    clinicianEmail,
		ClinicianPassword: clinicianPassword,
	}
	report, err := loadtest.Run(context.Background(), cfg, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if !report.Complete || len(report.Phases) != len(loadtest.AllPhases) {
		t.Fatalf("complete=%v with %d phases, want all %d", report.Complete, len(report.Phases), len(loadtest.AllPhases))
	}
	if report.Setup.Patients != 4 || report.Setup.Entries != int64(4*report.Setup.EntriesPerPatient) || report.Setup.EntriesPerPatient < 50 {
		t.Errorf("setup = %+v", report.Setup)
	}

	wantMethods := map[string][]string{
		loadtest.PhaseHealth: {"Health/Check"},
		loadtest.PhaseCreate: {"JournalService/CreateEntry"},
		loadtest.PhaseList:   {"JournalService/ListEntries"},
		loadtest.PhaseDay:    {"JournalService/GetDay"},
		// The rarer methods of the mix may draw no request in a short run on a busy
		// machine; TestMixedPicksInProportion checks the mix itself.
		loadtest.PhaseMixed: {"JournalService/CreateEntry"},
	}
	for i, p := range report.Phases {
		if p.Name != loadtest.AllPhases[i] {
			t.Errorf("phase %d is %q, want %q", i, p.Name, loadtest.AllPhases[i])
		}
		rows := append([]loadtest.Stats{p.Total}, p.ProtocolTotals...)
		rows = append(rows, p.Methods...)
		if len(p.ProtocolTotals) != 2 {
			t.Errorf("%s: %d protocol totals, want grpc and connect", p.Name, len(p.ProtocolTotals))
		}
		for _, s := range rows {
			if s.Requests == 0 || s.Throughput <= 0 {
				t.Errorf("%s %s %s: %d requests, %.1f req/s", p.Name, s.Method, s.Protocol, s.Requests, s.Throughput)
			}
			if s.Errors != 0 {
				t.Errorf("%s %s %s: %d errors: %v %v", p.Name, s.Method, s.Protocol, s.Errors, s.ErrorsByCode, s.ErrorSamples)
			}
			if !(0 < s.P50 && s.P50 <= s.P90 && s.P90 <= s.P99 && s.P99 <= s.Max) {
				t.Errorf("%s %s %s: percentiles out of order: p50 %v p90 %v p99 %v max %v", p.Name, s.Method, s.Protocol, s.P50, s.P90, s.P99, s.Max)
			}
			if s.Samples != s.Requests-s.Errors {
				t.Errorf("%s %s %s: %d samples of %d successes", p.Name, s.Method, s.Protocol, s.Samples, s.Requests-s.Errors)
			}
		}
		seen := map[string]map[string]bool{}
		var sum int64
		for _, s := range p.Methods {
			if seen[s.Method] == nil {
				seen[s.Method] = map[string]bool{}
			}
			seen[s.Method][s.Protocol] = true
			if s.Protocol == "all" {
				sum += s.Requests
			}
		}
		for _, m := range wantMethods[p.Name] {
			if !seen[m]["all"] || !seen[m]["grpc"] || !seen[m]["connect"] {
				t.Errorf("%s: method %s has rows for %v, want all, grpc and connect", p.Name, m, seen[m])
			}
		}
		if sum != p.Total.Requests {
			t.Errorf("%s: methods add up to %d requests, total says %d", p.Name, sum, p.Total.Requests)
		}
	}
	for _, phase := range []string{loadtest.PhaseCreate, loadtest.PhaseList, loadtest.PhaseDay, loadtest.PhaseMixed} {
		for _, proto := range []string{"all", "grpc", "connect"} {
			v, ok := report.Ratio(phase, proto)
			want := report.Phase(phase).Total.Throughput / report.Phase(loadtest.PhaseHealth).Total.Throughput
			if proto != "all" {
				want = v // per protocol: only check it is there and positive
			}
			if !ok || v <= 0 || v != want {
				t.Errorf("ratio %s/health %s = %v (%v), want %v", phase, proto, v, ok, want)
			}
		}
	}
	if p := report.Phase(loadtest.PhaseCreate); p.FlaggedEntries == 0 {
		t.Error("no created entry raised a flag; the warning signs did not fire")
	}
	if w := report.Watcher; w == nil || !w.Opened || w.Delivered == 0 {
		t.Errorf("watcher = %+v, want live flags delivered", w)
	}

	var text bytes.Buffer
	if err := report.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"create/health = ", "list/health   = ", "JournalService/ListEntries", "p99", "WatchFlags"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	t.Logf("report:\n%s", text.String())
	var js bytes.Buffer
	if err := report.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back loadtest.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Phases) != len(report.Phases) || len(back.Ratios) != len(report.Ratios) {
		t.Errorf("JSON does not round-trip: %v", err)
	}
}

func TestRunOneProtocol(t *testing.T) {
	env := startOnMemoryDisk(t)
	report, err := loadtest.Run(context.Background(), loadtest.Config{
		Target: env.URL, Protocols: []loadtest.Protocol{loadtest.GRPC}, Concurrency: 2, GRPCConns: 1,
		Duration: 300 * time.Millisecond, Warmup: 50 * time.Millisecond, Patients: 1,
		Phases: []string{loadtest.PhaseHealth, loadtest.PhaseCreate},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := report.Phase(loadtest.PhaseCreate)
	if p == nil || p.Total.Protocol != "grpc" || len(p.Methods) != 1 || p.Methods[0].Protocol != "grpc" || p.Total.Errors != 0 {
		t.Fatalf("create phase = %+v", p)
	}
	if v, ok := report.Ratio(loadtest.PhaseCreate, "all"); !ok || v <= 0 {
		t.Errorf("create/health = %v, %v", v, ok)
	}
	if len(report.Workers) != 1 || report.Workers[0].Connections != 1 || report.Workers[0].Workers != 2 {
		t.Errorf("workers = %+v", report.Workers)
	}
}

// TestMorePatientsThanStreamsAllGetWrites: with six patients and two streams, each stream
// takes three patients in turn, so every patient's journal grows past what setup wrote.
func TestMorePatientsThanStreamsAllGetWrites(t *testing.T) {
	env := startOnMemoryDisk(t)
	report, err := loadtest.Run(context.Background(), loadtest.Config{
		Target: env.URL, Protocols: []loadtest.Protocol{loadtest.GRPC}, Concurrency: 2, GRPCConns: 1,
		Duration: 500 * time.Millisecond, Warmup: 50 * time.Millisecond, Patients: 6,
		Phases: []string{loadtest.PhaseHealth, loadtest.PhaseCreate},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+env.DBPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT count(*) FROM entries GROUP BY patient_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var counts []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 6 {
		t.Fatalf("%d patients have entries, want 6", len(counts))
	}
	for _, n := range counts {
		if n <= report.Setup.EntriesPerPatient {
			t.Errorf("entries per patient %v: a patient got no writes past the %d of setup", counts, report.Setup.EntriesPerPatient)
			break
		}
	}
}

func TestRefusesNonLoopbackTargets(t *testing.T) {
	for _, target := range []string{
		"http://10.0.0.5:8080",
		"http://192.168.1.10:8080",
		"http://clinic.example.org:8080",
		"http://[2001:db8::1]:8080",
		"http://0.0.0.0:8080",
		"http://localhost.example.org:8080",
		"http://127.0.0.1.nip.io:8080",
		"https://127.0.0.1:8080",
		"grpc://127.0.0.1:8080",
		"127.0.0.1:8080",
		"http://user:pw@127.0.0.1:8080",
		"http://127.0.0.1:8080/api",
	} {
		if _, err := loadtest.CheckTarget(target); err == nil {
			t.Errorf("CheckTarget(%q) accepted it", target)
		}
		_, err := loadtest.Run(context.Background(), loadtest.Config{
			Target: target, Concurrency: 2, Duration: time.Second, Patients: 1,
		}, nil)
		if err == nil {
			t.Errorf("Run(%q) did not refuse it", target)
		}
	}
	if _, err := loadtest.CheckTarget("http://clinic.example.org:8080"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("refusal does not say why: %v", err)
	}
	for _, target := range []string{"http://127.0.0.1:8080", "http://127.9.8.7:1", "http://[::1]:8080", "http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:8080/"} {
		if _, err := loadtest.CheckTarget(target); err != nil {
			t.Errorf("CheckTarget(%q): %v", target, err)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	base := func() loadtest.Config {
		return loadtest.Config{Target: "http://127.0.0.1:1", Concurrency: 2, Duration: time.Second, Patients: 1}
	}
	for name, change := range map[string]func(*loadtest.Config){
		"no workers":         func(c *loadtest.Config) { c.Concurrency = 1 }, // both protocols need one each
		"no duration":        func(c *loadtest.Config) { c.Duration = 0 },
		"negative warmup":    func(c *loadtest.Config) { c.Warmup = -time.Second },
		"no patients":        func(c *loadtest.Config) { c.Patients = 0 },
		"unknown phase":      func(c *loadtest.Config) { c.Phases = []string{"delete"} },
		"password alone":     func(c *loadtest.Config) { c.ClinicianPassword = "x" },
		"unknown protocol":   func(c *loadtest.Config) { c.Protocols = []loadtest.Protocol{"http3"} },
		"negative grpc conn": func(c *loadtest.Config) { c.GRPCConns = -1 },
	} {
		c := base()
		change(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := base()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Protocols) != 2 || len(c.Phases) != len(loadtest.AllPhases) || c.MaxSamples != loadtest.DefaultMaxSamples {
		t.Errorf("defaults not filled: %+v", c)
	}
	if _, err := loadtest.ParsePhases("health, create,MIXED"); err != nil {
		t.Error(err)
	}
	if _, err := loadtest.ParsePhases("health,explode"); err == nil {
		t.Error("ParsePhases accepted an unknown phase")
	}
	for s, n := range map[string]int{"grpc": 1, "connect": 1, "both": 2} {
		if ps, err := loadtest.ParseProtocols(s); err != nil || len(ps) != n {
			t.Errorf("ParseProtocols(%q) = %v, %v", s, ps, err)
		}
	}
	if _, err := loadtest.ParseProtocols("grpc-web"); err == nil {
		t.Error("ParseProtocols accepted grpc-web")
	}
}

func TestRunReportsUnreachableServer(t *testing.T) {
	_, err := loadtest.Run(context.Background(), loadtest.Config{
		Target: "http://127.0.0.1:1", Concurrency: 2, Duration: time.Second, Patients: 1,
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "running") {
		t.Errorf("err = %v, want a hint that no server is running", err)
	}
}
