package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/medjournal/medjournal/internal/loadtest"
)

// loadTest runs `medjournal loadtest`: closed-loop load against a server on this machine,
// phase by phase, with a table of throughput and latency percentiles on stdout.
func loadTest(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "loadtest", "loadtest [--target http://127.0.0.1:8080] [--protocol grpc|connect|both] [flags]\n\n"+
		"Sends load to a running `medjournal serve` (start it with --write-rate 0). Only loopback\n"+
		"targets are accepted. It signs up --patients patients with a random run id, then runs\n"+
		"each phase for --warmup unmeasured and --duration measured, every worker busy.")
	target := fs.String("target", "http://127.0.0.1:8080", "server base URL; must be loopback: 127.0.0.0/8, [::1] or localhost [MEDJOURNAL_TARGET]")
	protocol := fs.String("protocol", "both", "grpc (grpc-go, HTTP/2), connect (Connect-JSON, HTTP/1.1) or both (half the workers each) [MEDJOURNAL_PROTOCOL]")
	concurrency := fs.Int("concurrency", 64, "closed-loop workers, each with one request in flight [MEDJOURNAL_CONCURRENCY]")
	duration := fs.Duration("duration", 10*time.Second, "measured time per phase [MEDJOURNAL_DURATION]")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before each phase's measurement [MEDJOURNAL_WARMUP]")
	patients := fs.Int("patients", 64, "patients to sign up; with more patients than streams, each stream acts as its share of them in turn [MEDJOURNAL_PATIENTS]")
	phases := fs.String("phases", "health,create,list,day,mixed", "comma-separated phases to run in order: health, create, list, day, mixed [MEDJOURNAL_PHASES]")
	jsonOut := fs.Bool("json", false, "print the report as JSON on stdout, and the table on stderr [MEDJOURNAL_JSON]")
	clinicianEmail := fs.String("clinician-email", "", "an existing clinician (medjournal account create) who accepts every patient's invite and watches flags during the run [MEDJOURNAL_CLINICIAN_EMAIL]")
	clinicianPassword := fs.String("clinician-password", "", "that clinician's password; prefer the environment variable, which stays out of the process list [MEDJOURNAL_CLINICIAN_PASSWORD]")
	cpuProfile := fs.String("cpuprofile", "", "write the load tool's own CPU profile to this file, to see what the tool costs the machine [MEDJOURNAL_CPUPROFILE]")
	grpcConns := fs.Int("grpc-conns", 0, "HTTP/2 connections the gRPC workers share; 0 gives each worker its own, like separate phones [MEDJOURNAL_GRPC_CONNS]")
	if err := parseWithEnv(e, fs, args); err != nil {
		return err
	}
	protos, err := loadtest.ParseProtocols(*protocol)
	if err != nil {
		return fmt.Errorf("loadtest: --%w", err)
	}
	phaseList, err := loadtest.ParsePhases(*phases)
	if err != nil {
		return fmt.Errorf("loadtest: --phases: %w", err)
	}
	cfg := loadtest.Config{
		Target:            *target,
		Protocols:         protos,
		Concurrency:       *concurrency,
		Duration:          *duration,
		Warmup:            *warmup,
		Patients:          *patients,
		Phases:            phaseList,
		ClinicianEmail:    *clinicianEmail,
		ClinicianPassword: *clinicianPassword,
		GRPCConns:         *grpcConns,
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(e.stderr, "%s loadtest: %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
		defer stop()
	}
	report, runErr := loadtest.Run(ctx, cfg, logf)
	if report != nil {
		table := e.stdout
		if *jsonOut {
			table = e.stderr
		}
		if err := report.WriteText(table); err != nil {
			return err
		}
		if *jsonOut {
			if err := report.WriteJSON(e.stdout); err != nil {
				return err
			}
		}
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) && report != nil {
			return errors.New("loadtest: interrupted; the report above covers the phases that finished")
		}
		return fmt.Errorf("loadtest: %w", runErr)
	}
	return nil
}

// startCPUProfile profiles this process into path until the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
