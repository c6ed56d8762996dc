// Package rpcclient calls medjournal procedures by name, without generated stubs: over
// Connect-JSON with net/http (unary calls and the Connect streaming envelope protocol)
// and over gRPC with grpc-go. Errors come back as *connect.Error whatever the protocol:
// with the code and message the server sent, or with a code chosen here for failures the
// server did not describe (unavailable for a broken connection, canceled or
// deadline_exceeded when the context ended, internal for a message that cannot be
// encoded or decoded). The API tests and the load generator share it.
package rpcclient

import (
	"context"

	"google.golang.org/protobuf/proto"
)

// Caller calls procedures (e.g. "/medjournal.v1.AccountService/SignUp") by name over one
// protocol, sending token, if any, as a bearer token.
type Caller interface {
	// Call sends one unary request and fills resp. With a nil resp the answer is received
	// and its status checked, but the message is not decoded.
	Call(ctx context.Context, procedure, token string, req, resp proto.Message) error
	// Stream calls a server-streaming procedure and hands each response, made by newResp,
	// to onMsg, which returns false to hang up. It returns the stream's final error: nil
	// at a clean end or when onMsg hung up.
	Stream(ctx context.Context, procedure, token string, req proto.Message,
		newResp func() proto.Message, onMsg func(proto.Message) bool) error
}

var (
	_ Caller = GRPC{}
	_ Caller = ConnectJSON{}
)
