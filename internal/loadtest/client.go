package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// caller sends one unary call. Errors carry a Connect code (see codeOf) whatever the
// protocol.
type caller interface {
	call(ctx context.Context, procedure, token string, req, resp proto.Message) error
	// stream calls a server-streaming procedure, handing each message to onMsg until it
	// returns false, the stream ends (nil) or fails.
	stream(ctx context.Context, procedure, token string, req proto.Message,
		newResp func() proto.Message, onMsg func(proto.Message) bool) error
}

// grpcCaller speaks gRPC through grpc-go's ClientConn.Invoke, without generated stubs.
type grpcCaller struct{ conn *grpc.ClientConn }

func dialGRPC(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
			return loopbackDialer.DialContext(ctx, "tcp", a)
		}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
	)
}

func (g grpcCaller) call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	if err := g.conn.Invoke(ctx, procedure, req, resp); err != nil {
		return grpcToConnect(err)
	}
	return nil
}

func (g grpcCaller) stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	s, err := g.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, procedure)
	if err != nil {
		return grpcToConnect(err)
	}
	if err := s.SendMsg(req); err != nil && !errors.Is(err, io.EOF) {
		return grpcToConnect(err)
	}
	if err := s.CloseSend(); err != nil {
		return grpcToConnect(err)
	}
	for {
		msg := newResp()
		if err := s.RecvMsg(msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return grpcToConnect(err)
		}
		if !onMsg(msg) {
			return nil
		}
	}
}

func grpcToConnect(err error) error {
	st := status.Convert(err)
	return connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
}

// jsonUnmarshal ignores fields and enum names it does not know, as connect-web does, so a
// newer server does not break the load.
var jsonUnmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}

// connectCaller speaks Connect with JSON messages over net/http (HTTP/1.1), as a browser
// running connect-web does.
type connectCaller struct {
	base string
	http *http.Client
}

func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         loopbackDialer.DialContext,
		MaxIdleConns:        conns + 8,
		MaxIdleConnsPerHost: conns + 8, // one kept-alive connection per worker, no churn
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}}
}

func (c connectCaller) call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	body, err := protojson.Marshal(req)
	if err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("encode request: %w", err))
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+procedure, bytes.NewReader(body))
	if err != nil {
		return connect.NewError(connect.CodeInternal, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("Connect-Protocol-Version", "1")
	if token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+token)
	}
	httpResp, err := c.http.Do(httpReq)
	if err != nil {
		return transportError(ctx, err)
	}
	defer httpResp.Body.Close()
	data, err := io.ReadAll(httpResp.Body)
	if err != nil {
		return transportError(ctx, err)
	}
	if httpResp.StatusCode != http.StatusOK {
		return decodeConnectError(httpResp.StatusCode, data)
	}
	if err := jsonUnmarshal.Unmarshal(data, resp); err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("decode response: %w", err))
	}
	return nil
}

// stream speaks the Connect streaming protocol with JSON messages: envelopes of one flags
// byte and a 4-byte big-endian length; the last (flag 2) carries the end-of-stream JSON.
func (c connectCaller) stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	body, err := protojson.Marshal(req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteByte(0)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(body)))
	buf.Write(body)
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+procedure, &buf)
	if err != nil {
		return err
	}
	httpReq.Header.Set("Content-Type", "application/connect+json")
	httpReq.Header.Set("Connect-Protocol-Version", "1")
	if token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(httpReq)
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
		if err := jsonUnmarshal.Unmarshal(data, msg); err != nil {
			return connect.NewError(connect.CodeInternal, fmt.Errorf("decode message: %w", err))
		}
		if !onMsg(msg) {
			return nil
		}
	}
}

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

// codeOf names an error's Connect code, e.g. "unavailable".
func codeOf(err error) string {
	return connect.CodeOf(err).String()
}

// messageOf is an error's message without the code prefix.
func messageOf(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return err.Error()
}

type protoMessage = proto.Message
