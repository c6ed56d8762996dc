package apitest

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	"github.com/medjournal/medjournal/internal/rpcclient"
)

// Protocol is a way a real client talks to the server.
type Protocol string

// The protocols every API test runs over.
const (
	// ConnectJSON is what browsers send: HTTP/1.1 POST with a JSON body.
	ConnectJSON Protocol = "connect-json"
	// GRPC is what the phone app sends: gRPC over HTTP/2 cleartext, with grpc-go.
	GRPC Protocol = "grpc"
)

// Protocols lists them, for t.Run loops.
var Protocols = []Protocol{ConnectJSON, GRPC}

// Client calls procedures by name over one protocol. Errors come back as *connect.Error
// with the code the server sent, whatever the protocol, so tests compare codes directly.
type Client struct {
	Protocol Protocol
	env      *Env
	rpc      rpcclient.Caller
}

// Client returns a client for the protocol, closed when the test ends.
func (e *Env) Client(t testing.TB, p Protocol) *Client {
	t.Helper()
	c := &Client{Protocol: p, env: e}
	if p == GRPC {
		conn, err := grpc.NewClient(e.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatalf("grpc client: %v", err)
		}
		t.Cleanup(func() { conn.Close() })
		c.rpc = rpcclient.GRPC{Conn: conn}
	} else {
		// The zero Unmarshal is strict: a response field or enum name the client does not
		// know fails the call.
		c.rpc = rpcclient.ConnectJSON{BaseURL: e.URL, HTTP: &http.Client{}}
	}
	return c
}

// Call sends req to procedure (e.g. "/medjournal.v1.AccountService/SignUp") with the
// bearer token, if any, and fills resp.
func (c *Client) Call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	return c.rpc.Call(ctx, procedure, token, req, resp)
}

// Stream calls a server-streaming procedure and hands each response to onMsg, which
// returns false to hang up. newResp makes an empty response message. It returns the
// stream's final error (nil at a clean end or when onMsg hung up).
func (c *Client) Stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	return c.rpc.Stream(ctx, procedure, token, req, newResp, onMsg)
}
