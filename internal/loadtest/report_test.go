package loadtest

import (
	"strings"
	"testing"
)

// TestReportSetsTheServersCPUAgainstTheTools: the machine line of a phase gives the rest of
// the machine's CPU (busy cores less the load tool's), per request, and against the tool's
// own per request, the figure that compares server builds across runs of a shared machine;
// and gives none of them when a figure it needs is unknown.
func TestReportSetsTheServersCPUAgainstTheTools(t *testing.T) {
	r := &Report{Complete: true, NumCPU: 2, Phases: []PhaseReport{
		{Name: "create", LoadToolCPU: 0.40, MachineBusy: 0.87, MachineIOWait: 0.04, LoadAverage: 2.6,
			Total: Stats{Method: "(all methods)", Protocol: "all", Throughput: 3600}},
		{Name: "list", LoadToolCPU: 0.67, MachineBusy: -1, MachineIOWait: -1, LoadAverage: -1,
			Total: Stats{Method: "(all methods)", Protocol: "all", Throughput: 6000}},
	}}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	// 0.87 × 2 − 0.40 = 1.34 cores; over 3,600 requests a second, 372 µs each; 1.34 / 0.40.
	if want := "create  load tool 0.40, machine busy 87%, iowait 4%, load 2.6; the rest 1.34, 372 µs a request, 3.35× the tool's\n"; !strings.Contains(text, want) {
		t.Errorf("report lacks %q:\n%s", want, text)
	}
	if want := "list    load tool 0.67, machine busy ?, iowait ?, load ?\n"; !strings.Contains(text, want) {
		t.Errorf("with the machine's figures unknown, report lacks %q:\n%s", want, text)
	}
}
