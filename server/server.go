// Package server serves the medjournal.v1 API over gRPC, gRPC-Web and Connect on one
// handler, plus the HTTP pages for share links.
//
// Handlers are short: authorize the caller, call the workflow (flagging), the storage or
// the rule engine, map the error. Authentication runs as a Connect request gate, before a request body is decoded.
package server

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"buf.build/go/protovalidate"
	"connectrpc.com/grpchealth"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/auth"
	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	"github.com/medjournal/medjournal/internal/tz"
	"github.com/medjournal/medjournal/rules"
)

// Config tunes a Server. The zero value of each field means its default.
type Config struct {
	// SessionTTL is the longest a session lasts (default 30 days).
	SessionTTL time.Duration
	// SessionIdle ends a session unused for this long (default 7 days).
	SessionIdle time.Duration
	// CORSOrigins are the browser origins allowed to call the API ("*" for any).
	CORSOrigins []string
	// MaxMessageBytes limits one request message (default 4 MiB).
	MaxMessageBytes int
	// Logger receives request logs and errors (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Hasher hashes passwords (default argon2id with OWASP parameters, 4 at a time).
	Hasher *auth.Hasher
	// BodyReadTimeout bounds how long a client may take to send a unary request's body
	// (default 30 s), and ResponseTimeout how long it may take to read the answer (default
	// 2 min), so slow clients cannot hold connections. Streams are exempt.
	BodyReadTimeout time.Duration
	ResponseTimeout time.Duration
	// WriteRate is the most writes per second one session may make; 0 turns the limit off.
	// (The serve command defaults to 20.)
	WriteRate float64
	// PublicURL is where browsers reach this server, for share links
	// (e.g. https://journal.example.org); default http://localhost:8080.
	PublicURL string
	// NoEncodingCache encodes every answered entry afresh instead of reusing the encoding
	// of the same entry object (a cached first page's). The answers are the same.
	NoEncodingCache bool
	// CheckCaches verifies every cached encoding against its entry when it is reused and
	// fails the request if they differ: for tests, to catch a handler that changes an
	// entry other requests share.
	CheckCaches bool
}

func (c *Config) setDefaults() {
	if c.SessionTTL == 0 {
		c.SessionTTL = 30 * 24 * time.Hour
	}
	if c.SessionIdle == 0 {
		c.SessionIdle = 7 * 24 * time.Hour
	}
	if c.BodyReadTimeout == 0 {
		c.BodyReadTimeout = 30 * time.Second
	}
	if c.ResponseTimeout == 0 {
		c.ResponseTimeout = 2 * time.Minute
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = 4 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.Hasher == nil {
		c.Hasher = auth.NewHasher(auth.OWASPParams, 4)
	}
}

// Server holds what the handlers share.
type Server struct {
	cfg     Config
	store   Storage
	flags   *flagging.Service // entries' writes and flags: the workflow
	catalog *catalog.Catalog
	log     *slog.Logger
	health  *grpchealth.StaticChecker
	// validator checks requests against the rules in the .proto files.
	validator protovalidate.Validator

	engine   *rules.Engine
	sessions *sessionCache
	zones    tz.Cache // patients' time zones, for day views and exports
	// entryJSON and entryProto hold answered entries' encodings, for the codecs.
	entryJSON  *entryEncodingCache
	entryProto *entryEncodingCache
	// Abuse limits.
	signInByAccount *failureThrottle
	signInByAddress *failureThrottle
	writes          *writeLimiters // nil when WriteRate is 0
	watchers        watchers       // clinicians watching flags live
	stopping        chan struct{}  // closed by BeginShutdown
	stopOnce        sync.Once
}

// New returns a Server over a storage backend, the journal and flag workflow running on
// it, the loaded catalog and the rule engine. It subscribes to the workflow's flag
// changes, for WatchFlags.
func New(st Storage, flags *flagging.Service, cat *catalog.Catalog, engine *rules.Engine, cfg Config) (*Server, error) {
	cfg.setDefaults()
	v, err := newValidator(func() *timestamppb.Timestamp { return timestamppb.New(cfg.Now()) })
	if err != nil {
		return nil, err
	}
	s := &Server{
		signInByAccount: newFailureThrottle(accountFailureLimit, failureWindow),
		signInByAddress: newFailureThrottle(addressFailureLimit, failureWindow),
		engine:          engine,
		sessions:        newSessionCache(),
		entryJSON:       newEntryEncodingCache(marshalEntryJSON, cfg),
		entryProto:      newEntryEncodingCache(marshalEntry, cfg),
		validator:       v,
		cfg:             cfg,
		store:           st,
		flags:           flags,
		catalog:         cat,
		log:             cfg.Logger,
		health:          grpchealth.NewStaticChecker(serviceNames...),

		stopping: make(chan struct{}),
	}
	if cfg.WriteRate > 0 {
		s.writes = newWriteLimiters(cfg.WriteRate)
	}
	flags.Events().Subscribe(s.watchers.publish)
	return s, nil
}

// SetServing switches the health check between SERVING and NOT_SERVING, so load
// balancers stop sending traffic while the server shuts down.
func (s *Server) SetServing(serving bool) {
	status := grpchealth.StatusNotServing
	if serving {
		status = grpchealth.StatusServing
	}
	s.health.SetStatus("", status)
	for _, name := range serviceNames {
		s.health.SetStatus(name, status)
	}
}

// BeginShutdown tells long-lived streams to end, so a graceful shutdown does not wait for
// clients that would listen forever. Safe to call more than once.
func (s *Server) BeginShutdown() {
	s.stopOnce.Do(func() { close(s.stopping) })
}
