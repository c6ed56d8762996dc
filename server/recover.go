package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"

	"connectrpc.com/connect"
)

// recoverPanic turns a handler panic into an internal error for the client and a log line
// with the stack for us; the server keeps serving.
func (s *Server) recoverPanic(ctx context.Context, spec connect.Spec, _ http.Header, p any) error {
	s.log.ErrorContext(ctx, "panic in handler", slog.String("procedure", spec.Procedure),
		slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
	return connect.NewError(connect.CodeInternal, errors.New("internal error"))
}
