package rpcclient

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// ConnectJSON speaks the Connect protocol with JSON messages over net/http, as a browser
// running connect-web does: a unary call is a POST of application/json, a
// server-streaming call a POST of application/connect+json enveloped messages.
type ConnectJSON struct {
	// BaseURL is the server's scheme and authority, e.g. "http://127.0.0.1:8080"; the
	// procedure is appended to it.
	BaseURL string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Unmarshal decodes response messages. The zero value refuses fields and enum names
	// it does not know; DiscardUnknown ignores them, as connect-web does.
	Unmarshal protojson.UnmarshalOptions
}

// Call implements Caller.
func (c ConnectJSON) Call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	httpReq, err := c.newRequest(ctx, procedure, token, "application/json", req, false)
	if err != nil {
		return err
	}
	httpResp, err := c.client().Do(httpReq)
	if err != nil {
		return transportError(ctx, err)
	}
	defer httpResp.Body.Close()
	// The request asked for gzip itself, so net/http hands the body over as it came and
	// it is inflated only when it will be read: an answer whose message is not wanted is
	// received whole but not decompressed.
	data, err := io.ReadAll(httpResp.Body)
	if err != nil {
		return transportError(ctx, err)
	}
	if httpResp.StatusCode == http.StatusOK && resp == nil {
		return nil
	}
	if data, err = inflate(httpResp.Header.Get("Content-Encoding"), data); err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("decompress response: %w", err))
	}
	if httpResp.StatusCode != http.StatusOK {
		return decodeConnectError(httpResp.StatusCode, data)
	}
	if err := c.Unmarshal.Unmarshal(data, resp); err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("decode response: %w", err))
	}
	return nil
}

// Stream implements Caller with the Connect streaming protocol: each message is an
// envelope of one flags byte and a 4-byte big-endian length; the last envelope (flag 2)
// carries the end-of-stream JSON with any error.
func (c ConnectJSON) Stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	httpReq, err := c.newRequest(ctx, procedure, token, "application/connect+json", req, true)
	if err != nil {
		return err
	}
	resp, err := c.client().Do(httpReq)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return decodeConnectError(resp.StatusCode, data)
	}
	r := bufio.NewReader(resp.Body)
	for {
		var head [5]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return transportError(ctx, err)
		}
		data := make([]byte, binary.BigEndian.Uint32(head[1:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return transportError(ctx, err)
		}
		if head[0]&2 != 0 {
			return endOfStreamError(data)
		}
		msg := newResp()
		if err := c.Unmarshal.Unmarshal(data, msg); err != nil {
			return connect.NewError(connect.CodeInternal, fmt.Errorf("decode message: %w", err))
		}
		if !onMsg(msg) {
			return nil
		}
	}
}

// newRequest encodes req as the POST of procedure, in one envelope if enveloped.
func (c ConnectJSON) newRequest(ctx context.Context, procedure, token, contentType string,
	req proto.Message, enveloped bool) (*http.Request, error) {
	body, err := protojson.Marshal(req)
	if err != nil {
		return nil, connect.NewError(connect.CodeInternal, fmt.Errorf("encode request: %w", err))
	}
	if enveloped {
		var buf bytes.Buffer
		buf.WriteByte(0)
		_ = binary.Write(&buf, binary.BigEndian, uint32(len(body)))
		buf.Write(body)
		body = buf.Bytes()
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+procedure, bytes.NewReader(body))
	if err != nil {
		return nil, connect.NewError(connect.CodeInternal, err)
	}
	httpReq.Header.Set("Content-Type", contentType)
	if !enveloped {
		// Unary answers only; streams use Connect-Content-Encoding, which is not asked for.
		httpReq.Header.Set("Accept-Encoding", "gzip")
	}
	httpReq.Header.Set("Connect-Protocol-Version", "1")
	if token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+token)
	}
	return httpReq, nil
}

func (c ConnectJSON) client() *http.Client {
	if c.HTTP == nil {
		return http.DefaultClient
	}
	return c.HTTP
}

// endOfStreamError reads the end-of-stream message: nil, or the error it carries.
func endOfStreamError(data []byte) error {
	var end struct {
		Error *json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(data, &end); err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("decode end of stream: %w", err))
	}
	if end.Error == nil {
		return nil
	}
	return decodeConnectError(http.StatusOK, *end.Error)
}

// transportError gives a network failure a code: the context's if it ended, else
// unavailable.
func transportError(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	case ctx.Err() != nil:
		return connect.NewError(connect.CodeCanceled, err)
	}
	return connect.NewError(connect.CodeUnavailable, err)
}

// decodeConnectError reads the Connect protocol's JSON error body; without one, the code
// follows from the HTTP status the way the Connect protocol maps it.
func decodeConnectError(status int, data []byte) error {
	var wire struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(data, &wire); err == nil && wire.Code != "" {
		var code connect.Code
		if code.UnmarshalText([]byte(wire.Code)) == nil {
			return connect.NewError(code, errors.New(wire.Message))
		}
	}
	code := connect.CodeUnknown
	switch status {
	case http.StatusBadRequest:
		code = connect.CodeInternal
	case http.StatusUnauthorized:
		code = connect.CodeUnauthenticated
	case http.StatusForbidden:
		code = connect.CodePermissionDenied
	case http.StatusNotFound:
		code = connect.CodeUnimplemented
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		code = connect.CodeUnavailable
	}
	msg := string(data)
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return connect.NewError(code, fmt.Errorf("HTTP %d: %s", status, msg))
}

// inflate undoes a response's Content-Encoding: none or gzip, the only one asked for.
func inflate(encoding string, data []byte) ([]byte, error) {
	switch encoding {
	case "", "identity":
		return data, nil
	case "gzip":
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	return nil, fmt.Errorf("content encoding %q was not asked for", encoding)
}
