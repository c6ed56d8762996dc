package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
)

// requestLog collects what the request log line says about one request. Middleware creates
// it; the auth gate and the logging interceptor fill in what only they know.
type requestLog struct {
	code      connect.Code
	hasCode   bool
	accountID string
}

type requestLogKey struct{}

func noteCode(ctx context.Context, code connect.Code) {
	if rl, ok := ctx.Value(requestLogKey{}).(*requestLog); ok {
		rl.code, rl.hasCode = code, true
	}
}

// noteResult records an RPC's outcome; code 0 stands for OK, which connect.Code lacks.
func noteResult(ctx context.Context, err error) {
	if err == nil {
		noteCode(ctx, 0)
		return
	}
	noteCode(ctx, connect.CodeOf(err))
}

func noteCaller(ctx context.Context, accountID string) {
	if rl, ok := ctx.Value(requestLogKey{}).(*requestLog); ok {
		rl.accountID = accountID
	}
}

// statusRecorder remembers the HTTP status and size of a response. It forwards Flush and
// Unwrap so streaming and http.ResponseController keep working through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests writes one structured line per request. It logs the path, never the query
// string (share tokens and GET-encoded messages live there) nor any header or body, so
// tokens, passwords and journal text cannot reach the log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rl := &requestLog{}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestLogKey{}, rl)))
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", logPath(r)),
			slog.String("proto", r.Proto),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		}
		if rl.hasCode {
			attrs = append(attrs, slog.String("code", codeString(rl.code)))
		}
		if rl.accountID != "" {
			attrs = append(attrs, slog.String("account", rl.accountID))
		}
		level := slog.LevelInfo
		if rec.status >= 500 || (rl.hasCode && rl.code == connect.CodeInternal) {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// logPath hides the secret part of share-link paths.
func logPath(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, sharePathPrefix) {
		return sharePathPrefix + "…"
	}
	return r.URL.Path
}

func codeString(c connect.Code) string {
	if c == 0 {
		return "ok"
	}
	return c.String()
}

// loggingInterceptor records each RPC's outcome for the request log.
type loggingInterceptor struct{}

func (loggingInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		resp, err := next(ctx, req)
		noteResult(ctx, err)
		return resp, err
	}
}

func (loggingInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (loggingInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		err := next(ctx, conn)
		noteResult(ctx, err)
		return err
	}
}
