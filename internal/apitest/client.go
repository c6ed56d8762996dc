package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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
	http     *http.Client
	grpc     *grpc.ClientConn
}

// Client returns a client for the protocol, closed when the test ends.
func (e *Env) Client(t testing.TB, p Protocol) *Client {
	t.Helper()
	c := &Client{Protocol: p, env: e, http: &http.Client{}}
	if p == GRPC {
		conn, err := grpc.NewClient(e.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatalf("grpc client: %v", err)
		}
		t.Cleanup(func() { conn.Close() })
		c.grpc = conn
	}
	return c
}

// Call sends req to procedure (e.g. "/medjournal.v1.AccountService/SignUp") with the
// bearer token, if any, and fills resp.
func (c *Client) Call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	if c.Protocol == GRPC {
		if token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
		}
		err := c.grpc.Invoke(ctx, procedure, req, resp)
		if err == nil {
			return nil
		}
		st := status.Convert(err)
		return connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
	}
	body, err := protojson.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.env.URL+procedure, bytes.NewReader(body))
	if err != nil {
		return err
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+token)
	}
	httpResp, err := c.http.Do(httpReq)
	if err != nil {
		return err
	}
	defer httpResp.Body.Close()
	data, err := io.ReadAll(httpResp.Body)
	if err != nil {
		return err
	}
	if httpResp.StatusCode != http.StatusOK {
		return decodeConnectError(httpResp.StatusCode, data)
	}
	return protojson.Unmarshal(data, resp)
}

// decodeConnectError reads the Connect protocol's JSON error body.
func decodeConnectError(status int, data []byte) error {
	var wire struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(data, &wire); err != nil || wire.Code == "" {
		return fmt.Errorf("HTTP %d without a Connect error body: %s", status, data)
	}
	var code connect.Code
	if err := code.UnmarshalText([]byte(wire.Code)); err != nil {
		return fmt.Errorf("HTTP %d with unknown code %q", status, wire.Code)
	}
	return connect.NewError(code, errors.New(wire.Message))
}
