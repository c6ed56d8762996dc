// Package apitest runs a real medjournal server on 127.0.0.1 over a real SQLite file and
// calls it the way clients do: Connect-JSON over net/http and gRPC over grpc-go. Tests in
// several packages share it so every API test can run against every protocol.
package apitest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/medjournal/medjournal/auth"
	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/server"
	"github.com/medjournal/medjournal/store"
)

// Clock is a settable clock shared by the store and the server, so tests can move time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Env is a running server with its store.
type Env struct {
	URL    string // http://127.0.0.1:PORT
	Addr   string // 127.0.0.1:PORT
	Store  *store.Store
	Server *server.Server
	Clock  *Clock
	DBPath string
}

// FastHasher keeps tests quick; production uses auth.OWASPParams.
func FastHasher() *auth.Hasher {
	return auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}, 4)
}

// Start runs a server on 127.0.0.1 with a fresh database in t.TempDir(). change, if given,
// edits the server configuration first. Everything stops when the test ends.
func Start(t testing.TB, change ...func(*server.Config)) *Env {
	t.Helper()
	clock := NewClock(time.Now().UTC().Truncate(time.Millisecond))
	dbPath := filepath.Join(t.TempDir(), "medjournal.db")
	cat, err := catalog.Load()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	engine, err := rules.Load(cat)
	if err != nil {
		t.Fatalf("load rules: %v", err)
	}
	st, err := store.Open(context.Background(), dbPath, store.WithClock(clock.Now), store.WithCacheChecks())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	cfg := server.Config{
		// Every API test checks that no handler changes an entry other requests share.
		CheckCaches: true,
		Now:         clock.Now,
		Hasher:      FastHasher(),
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	// The listener comes first, so share links carry this server's real address.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	cfg.PublicURL = "http://" + ln.Addr().String()
	for _, c := range change {
		c(&cfg)
	}
	flags := flagging.New(st, flagging.RuleEvaluator(engine), flagging.Config{Now: clock.Now})
	srv, err := server.New(st, flags, cat, engine, cfg)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	hs := &http.Server{Handler: srv.Handler(), Protocols: protocols, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	srv.SetServing(true)
	t.Cleanup(func() {
		srv.BeginShutdown()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	addr := ln.Addr().String()
	return &Env{URL: "http://" + addr, Addr: addr, Store: st, Server: srv, Clock: clock, DBPath: dbPath}
}
