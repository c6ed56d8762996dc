package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/server"
	"github.com/medjournal/medjournal/store"
)

// serveConfig is what the serve command's flags set.
type serveConfig struct {
	addr            string
	db              string
	tlsCert         string
	tlsKey          string
	corsOrigins     string
	logLevel        string
	logFormat       string
	writeRate       float64
	sessionTTL      time.Duration
	sessionIdle     time.Duration
	maxMessageBytes int
	shutdownTimeout time.Duration
	publicURL       string
	maxDBBytes      int64
	debugAddr       string
	caches          bool
}

func serve(ctx context.Context, e env, args []string) error {
	var c serveConfig
	fs := newFlagSet(e, "serve", "serve [--addr HOST:PORT] [--db PATH] [flags]")
	fs.StringVar(&c.addr, "addr", "localhost:8080", "address to listen on [MEDJOURNAL_ADDR]")
	fs.StringVar(&c.db, "db", "medjournal.db", "SQLite database file, created if missing [MEDJOURNAL_DB]")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); serves HTTPS and h2 when set with --tls-key [MEDJOURNAL_TLS_CERT]")
	fs.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM) [MEDJOURNAL_TLS_KEY]")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "comma-separated browser origins allowed to call the API, e.g. https://app.example.com [MEDJOURNAL_CORS_ORIGINS]")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error [MEDJOURNAL_LOG_LEVEL]")
	fs.StringVar(&c.logFormat, "log-format", "json", "json or text [MEDJOURNAL_LOG_FORMAT]")
	fs.Float64Var(&c.writeRate, "write-rate", 20, "most writes per second one session may make; 0 turns the limit off [MEDJOURNAL_WRITE_RATE]")
	fs.DurationVar(&c.sessionTTL, "session-ttl", 30*24*time.Hour, "longest a session lasts [MEDJOURNAL_SESSION_TTL]")
	fs.DurationVar(&c.sessionIdle, "session-idle", 7*24*time.Hour, "a session unused this long ends [MEDJOURNAL_SESSION_IDLE]")
	fs.IntVar(&c.maxMessageBytes, "max-message-bytes", 4<<20, "largest request message accepted [MEDJOURNAL_MAX_MESSAGE_BYTES]")
	fs.StringVar(&c.publicURL, "public-url", "", "where browsers reach this server, for share links, e.g. https://journal.example.org; default http://ADDR [MEDJOURNAL_PUBLIC_URL]")
	fs.Int64Var(&c.maxDBBytes, "max-db-bytes", 0, "cap the database file at this size; past it writes fail with resource_exhausted and reads go on; 0 for no cap [MEDJOURNAL_MAX_DB_BYTES]")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "serve Go's pprof profiles on this address, e.g. 127.0.0.1:6060; keep it private [MEDJOURNAL_DEBUG_ADDR]")
	fs.BoolVar(&c.caches, "caches", true, "keep recent journals, first pages and their encodings in memory; false reads and encodes every answer afresh, with the same answers, to rule the caches out when diagnosing [MEDJOURNAL_CACHES]")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to let requests finish on SIGTERM [MEDJOURNAL_SHUTDOWN_TIMEOUT]")
	if err := parseWithEnv(e, fs, args); err != nil {
		return err
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return errors.New("serve: --tls-cert and --tls-key go together")
	}
	if c.writeRate < 0 {
		return errors.New("serve: --write-rate must not be negative")
	}
	logger, err := newLogger(e, c.logLevel, c.logFormat)
	if err != nil {
		return err
	}
	return runServer(ctx, e, c, logger)
}

func runServer(ctx context.Context, e env, c serveConfig, logger *slog.Logger) error {
	// The catalog and the rules are checked before the database is touched: a bad catalog
	// or a rule that does not compile is a bad build.
	cat, err := catalog.Load()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	engine, err := rules.Load(cat)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	var storeOpts []store.Option
	if !c.caches {
		storeOpts = append(storeOpts, store.WithoutPageCache())
	}
	st, err := store.Open(ctx, c.db, storeOpts...)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer st.Close()
	if c.maxDBBytes > 0 {
		if err := st.SetSizeLimit(ctx, c.maxDBBytes); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}

	flags := flagging.New(st, flagging.RuleEvaluator(engine), flagging.Config{NoRuleCache: !c.caches})
	srv, err := server.New(st, flags, cat, engine, server.Config{
		SessionTTL:      c.sessionTTL,
		SessionIdle:     c.sessionIdle,
		CORSOrigins:     splitList(c.corsOrigins),
		MaxMessageBytes: c.maxMessageBytes,
		Logger:          logger,
		PublicURL:       publicURL(c),
		WriteRate:       c.writeRate,
		NoEncodingCache: !c.caches,
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	// gRPC clients without TLS (phones in development, load tools, sidecars behind a TLS
	// proxy) speak HTTP/2 with prior knowledge.
	protocols.SetUnencryptedHTTP2(true)
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		Protocols:         protocols,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// ReadTimeout and WriteTimeout stay 0: they would cut long-lived streams
		// (WatchFlags). Unary calls get per-request deadlines in the handler instead.
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if e.onListen != nil {
		e.onListen(ln.Addr())
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("db", c.db),
		slog.Bool("tls", c.tlsCert != ""))

	go cleanSessions(ctx, st, c.sessionIdle, logger)
	if c.debugAddr != "" {
		go serveDebug(ctx, c.debugAddr, logger)
	}

	serveErr := make(chan error, 1)
	go func() {
		if c.tlsCert != "" {
			serveErr <- httpServer.ServeTLS(ln, c.tlsCert, c.tlsKey)
		} else {
			serveErr <- httpServer.Serve(ln)
		}
	}()
	srv.SetServing(true)

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	srv.SetServing(false)
	srv.BeginShutdown() // ends long-lived streams so Shutdown need not wait for them
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	// Shutdown waits for in-flight requests, so every write a client was told succeeded
	// is committed before the database closes.
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown incomplete", slog.Any("err", err))
		_ = httpServer.Close()
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// cleanSessions deletes ended sessions every hour so the table does not grow forever.
func cleanSessions(ctx context.Context, st *store.Store, idle time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n, err := st.DeleteExpiredSessions(ctx, time.Now().Add(-idle))
			if err != nil {
				logger.Warn("clean sessions", slog.Any("err", err))
			} else if n > 0 {
				logger.Info("cleaned sessions", slog.Int64("deleted", n))
			}
		}
	}
}

func newLogger(e env, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("serve: --log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("serve: --log-format %q: use json or text", format)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// publicURL is the --public-url, or the listen address as a URL.
func publicURL(c serveConfig) string {
	if c.publicURL != "" {
		return c.publicURL
	}
	scheme := "http"
	if c.tlsCert != "" {
		scheme = "https"
	}
	return scheme + "://" + c.addr
}
