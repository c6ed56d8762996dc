package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"connectrpc.com/connect"

	"github.com/medjournal/medjournal/storage"
)

// toConnectError maps an error from the store or the engine to the code a client sees.
// Internal details (SQL, file paths) are logged, never sent: the client gets a generic
// message for anything that is not its own fault.
func (s *Server) toConnectError(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	case errors.Is(err, storage.ErrNotFound):
		return connect.NewError(connect.CodeNotFound, fmt.Errorf("%s: not found", op))
	case errors.Is(err, storage.ErrAlreadyExists):
		return connect.NewError(connect.CodeAlreadyExists, fmt.Errorf("%s: already exists", op))
	case errors.Is(err, storage.ErrFailedPrecondition):
		return connect.NewError(connect.CodeFailedPrecondition, fmt.Errorf("%s: %s", op, publicReason(err)))
	case errors.Is(err, storage.ErrStorageFull):
		s.log.ErrorContext(ctx, "storage full", slog.String("op", op), slog.Any("err", err))
		return connect.NewError(connect.CodeResourceExhausted, fmt.Errorf("%s: the server's storage is full; nothing was saved, try again later", op))
	case errors.Is(err, storage.ErrBusy), errors.Is(err, storage.ErrIO):
		s.log.ErrorContext(ctx, "storage unavailable", slog.String("op", op), slog.Any("err", err))
		return connect.NewError(connect.CodeUnavailable, fmt.Errorf("%s: storage is unavailable; nothing was saved, try again", op))
	}
	s.log.ErrorContext(ctx, "internal error", slog.String("op", op), slog.Any("err", err))
	return connect.NewError(connect.CodeInternal, fmt.Errorf("%s: internal error", op))
}

// publicReason is the message of a store error meant for clients: the store words its
// precondition failures (publicError) for people; anything else stays generic.
func publicReason(err error) string {
	var pe interface{ Public() string }
	if errors.As(err, &pe) {
		return pe.Public()
	}
	return "the request does not fit the current state"
}

// invalidArgument is an invalid_argument error naming the field, in the same "field: message"
// form the protovalidate interceptor uses.
func invalidArgument(field, format string, args ...any) error {
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

func unauthenticated(msg string) error {
	return connect.NewError(connect.CodeUnauthenticated, errors.New(msg))
}

func permissionDenied(msg string) error {
	return connect.NewError(connect.CodePermissionDenied, errors.New(msg))
}
