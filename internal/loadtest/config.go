// Package loadtest drives a running medjournal server with closed-loop load over gRPC
// (grpc-go) and Connect-JSON (net/http), phase by phase, and reports throughput and
// latency percentiles per phase, method and protocol.
//
// It only ever talks to loopback addresses: Config.Validate refuses any other target, and
// every connection it dials checks the resolved address again, so a mistyped --target can
// never put load on a real clinic's server.
package loadtest

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Protocol is a wire protocol the load is sent over.
type Protocol string

// The protocols.
const (
	// GRPC is gRPC over cleartext HTTP/2 with grpc-go, as the phone app sends it.
	GRPC Protocol = "grpc"
	// Connect is Connect-JSON over HTTP/1.1 with net/http, as a browser sends it.
	Connect Protocol = "connect"
)

// Phase names.
const (
	PhaseHealth = "health"
	PhaseCreate = "create"
	PhaseList   = "list"
	PhaseDay    = "day"
	PhaseMixed  = "mixed"
)

// AllPhases is the default phase order.
var AllPhases = []string{PhaseHealth, PhaseCreate, PhaseList, PhaseDay, PhaseMixed}

// Password is the password of every patient the load test signs up.
const Password = "load-test-password-1"

// DefaultMaxSamples bounds the latency samples kept per method, phase and protocol.
const DefaultMaxSamples = 2_000_000

// Config says what load to send where.
type Config struct {
	// Target is the server's base URL, e.g. http://127.0.0.1:8080. Only loopback hosts
	// (127.0.0.0/8, ::1, localhost) are accepted.
	Target string
	// Protocols to send load over; with both, workers alternate between them (half each).
	Protocols []Protocol
	// Concurrency is the number of closed-loop workers, each with one request in flight.
	Concurrency int
	// Duration is how long each phase is measured; Warmup runs before it, unmeasured.
	Duration time.Duration
	Warmup   time.Duration
	// Patients is how many patients are signed up. With more patients than workers, each
	// worker acts as its share of them in turn (patientsOf).
	Patients int
	// Phases to run, in order (see AllPhases).
	Phases []string
	// ClinicianEmail and ClinicianPassword, if set, sign in an existing clinician who
	// accepts every patient's invite and watches their flags (WatchFlags) for the whole run.
	ClinicianEmail    string
	ClinicianPassword string
	// GRPCConns is how many HTTP/2 connections the gRPC workers share; 0 gives every gRPC
	// worker its own connection, as separate phones have.
	GRPCConns int
	// MaxSamples caps the latency samples kept per phase, method and protocol; 0 means
	// DefaultMaxSamples. Counts and the maximum are always exact.
	MaxSamples int
	// RequestTimeout bounds each unary call; 0 means 30s.
	RequestTimeout time.Duration
}

// ParseProtocols reads "grpc", "connect" or "both".
func ParseProtocols(s string) ([]Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "grpc":
		return []Protocol{GRPC}, nil
	case "connect":
		return []Protocol{Connect}, nil
	case "both", "":
		return []Protocol{GRPC, Connect}, nil
	}
	return nil, fmt.Errorf("protocol %q: use grpc, connect or both", s)
}

// ParsePhases reads a comma-separated phase list.
func ParsePhases(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if !knownPhase(p) {
			return nil, fmt.Errorf("unknown phase %q: use %s", p, strings.Join(AllPhases, ", "))
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, errors.New("no phases given")
	}
	return out, nil
}

func knownPhase(p string) bool {
	for _, k := range AllPhases {
		if p == k {
			return true
		}
	}
	return false
}

// Validate checks the configuration, fills defaults for zero optional fields, and
// refuses a target that is not a loopback address.
func (c *Config) Validate() error {
	if _, err := CheckTarget(c.Target); err != nil {
		return err
	}
	if len(c.Protocols) == 0 {
		c.Protocols = []Protocol{GRPC, Connect}
	}
	for _, p := range c.Protocols {
		if p != GRPC && p != Connect {
			return fmt.Errorf("protocol %q: use grpc or connect", p)
		}
	}
	if c.Concurrency < len(c.Protocols) {
		return fmt.Errorf("concurrency %d: need at least one worker per protocol", c.Concurrency)
	}
	if c.Duration <= 0 {
		return errors.New("duration must be positive")
	}
	if c.Warmup < 0 {
		return errors.New("warmup must not be negative")
	}
	if c.Patients < 1 {
		return errors.New("patients must be at least 1")
	}
	if len(c.Phases) == 0 {
		c.Phases = append([]string(nil), AllPhases...)
	}
	for _, p := range c.Phases {
		if !knownPhase(p) {
			return fmt.Errorf("unknown phase %q: use %s", p, strings.Join(AllPhases, ", "))
		}
	}
	if (c.ClinicianEmail == "") != (c.ClinicianPassword == "") {
		return errors.New("clinician e-mail and password go together")
	}
	if c.GRPCConns < 0 {
		return errors.New("grpc-conns must not be negative")
	}
	if c.MaxSamples <= 0 {
		c.MaxSamples = DefaultMaxSamples
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	return nil
}

// CheckTarget parses a target URL and refuses anything but plain http:// to a loopback
// host: 127.0.0.0/8, ::1 or localhost. It returns the host:port to dial.
func CheckTarget(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("target %q: %w", target, err)
	}
	if u.Scheme != "http" {
		return "", fmt.Errorf("target %q: only http:// (cleartext h2c and HTTP/1.1 on loopback) is supported", target)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("target %q: give only scheme, host and port, e.g. http://127.0.0.1:8080", target)
	}
	host := u.Hostname()
	if !loopbackHost(host) {
		return "", fmt.Errorf("target %q: refusing a host that is not a loopback address (127.0.0.0/8, ::1 or localhost); the load test never sends traffic elsewhere", target)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	return net.JoinHostPort(host, port), nil
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackDialer dials only loopback addresses: it checks the address after name
// resolution, just before connect(2), so even a "localhost" that resolves elsewhere is
// refused.
var loopbackDialer = &net.Dialer{
	Timeout:   10 * time.Second,
	KeepAlive: 30 * time.Second,
	Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("loadtest: refusing to connect to %s: not a loopback address", address)
		}
		return nil
	},
}
