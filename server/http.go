package server

import (
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"connectrpc.com/validate"
	"github.com/rs/cors"

	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
)

// serviceNames are the medjournal.v1 services, for health and reflection.
var serviceNames = []string{
	medjournalv1connect.AccountServiceName,
	medjournalv1connect.CareTeamServiceName,
	medjournalv1connect.JournalServiceName,
	medjournalv1connect.FollowUpServiceName,
	medjournalv1connect.CatalogServiceName,
	medjournalv1connect.ExportServiceName,
	medjournalv1connect.AuditServiceName,
}

// catalogPathPrefix is where the public, cacheable catalog lives.
const catalogPathPrefix = "/" + medjournalv1connect.CatalogServiceName + "/"

// sharePathPrefix is where share-link report pages live.
const sharePathPrefix = "/share/"

// Handler returns the whole HTTP API: every service, health, reflection and share pages,
// wrapped in logging, security headers, CORS and size limits.
func (s *Server) Handler() http.Handler {
	opts := []connect.HandlerOption{
		connect.WithRequestGate(s.authenticate),
		connect.WithInterceptors(loggingInterceptor{}, validate.NewInterceptor(validate.WithValidator(s.validator)), auditInterceptor{s}),
		connect.WithReadMaxBytes(s.cfg.MaxMessageBytes),
		connect.WithCompressMinBytes(1024),
		withFastGzip(),
		withJSONCodec(s.entryJSON),
		withProtoCodec(s.entryProto),
		connect.WithRecover(s.recoverPanic),
	}
	mux := http.NewServeMux()
	mux.Handle(medjournalv1connect.NewAccountServiceHandler(&accountService{s}, opts...))
	mux.Handle(medjournalv1connect.NewCareTeamServiceHandler(&careTeamService{s}, opts...))
	mux.Handle(medjournalv1connect.NewJournalServiceHandler(&journalService{s}, opts...))
	mux.Handle(medjournalv1connect.NewFollowUpServiceHandler(&followUpService{s}, opts...))
	mux.Handle(medjournalv1connect.NewCatalogServiceHandler(&catalogService{Server: s}, opts...))
	mux.Handle(medjournalv1connect.NewExportServiceHandler(&exportService{s}, opts...))
	mux.HandleFunc(sharePathPrefix, s.serveShare)
	mux.Handle(medjournalv1connect.NewAuditServiceHandler(&auditService{s}, opts...))

	mux.Handle(grpchealth.NewHandler(s.health))
	reflector := grpcreflect.NewStaticReflector(serviceNames...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))

	var h http.Handler = mux
	h = s.unaryDeadlines(h)
	// The whole body may hold one message plus framing; anything larger is refused before
	// it is buffered.
	h = http.MaxBytesHandler(h, int64(s.cfg.MaxMessageBytes)+64<<10)
	h = s.withCORS(h)
	h = securityHeaders(h)
	return s.logRequests(h)
}

// withCORS lets the configured browser origins call the API, exposing the Connect and
// gRPC-Web headers their clients read. Without configured origins only same-origin pages
// (the share page) use the API, and no CORS headers are sent.
func (s *Server) withCORS(h http.Handler) http.Handler {
	if len(s.cfg.CORSOrigins) == 0 {
		return h
	}
	return cors.New(cors.Options{
		AllowedOrigins: s.cfg.CORSOrigins,
		AllowedMethods: connectcors.AllowedMethods(),
		AllowedHeaders: append(connectcors.AllowedHeaders(), "Authorization"),
		ExposedHeaders: connectcors.ExposedHeaders(),
		MaxAge:         7200,
	}).Handler(h)
}

// securityHeaders sets headers that make every response safe to show in a browser. API
// responses hold health data, so nothing is cached by default.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, catalogPathPrefix) {
			// The catalog is public and changes only with a new release.
			hdr.Set("Cache-Control", "public, max-age=3600")
		} else {
			hdr.Set("Cache-Control", "no-store")
		}
		if !strings.HasPrefix(r.URL.Path, sharePathPrefix) {
			hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		}
		if r.TLS != nil {
			hdr.Set("Strict-Transport-Security", "max-age=63072000")
		}
		h.ServeHTTP(w, r)
	})
}

// streamingProcedures may run for as long as the client listens.
var streamingProcedures = map[string]bool{
	"/" + medjournalv1connect.FollowUpServiceName + "/WatchFlags":    true,
	"/" + medjournalv1connect.ExportServiceName + "/ExportJournal":   true,
	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      true,
	"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": true,
	"/grpc.health.v1.Health/Watch":                                   true,
}

// unaryDeadlines bounds how long a client may take to send a unary request and to read
// its response, so slow clients cannot hold connections and goroutines forever. The
// http.Server's own ReadTimeout and WriteTimeout would also cut long-lived streams.
func (s *Server) unaryDeadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !streamingProcedures[r.URL.Path] {
			rc := http.NewResponseController(w)
			now := time.Now()
			// Errors mean the connection type cannot set deadlines; the server-wide
			// header timeout still applies then.
			_ = rc.SetReadDeadline(now.Add(s.cfg.BodyReadTimeout))
			_ = rc.SetWriteDeadline(now.Add(s.cfg.ResponseTimeout))
		}
		h.ServeHTTP(w, r)
	})
}
