package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Stream calls a server-streaming procedure and hands each response to onMsg, which
// returns false to hang up. newResp makes an empty response message. It returns the
// stream's final error (nil at a clean end or when onMsg hung up).
func (c *Client) Stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if c.Protocol == GRPC {
		return c.grpcStream(ctx, procedure, token, req, newResp, onMsg)
	}
	return c.connectStream(ctx, procedure, token, req, newResp, onMsg)
}

func (c *Client) grpcStream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	stream, err := c.grpc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, procedure)
	if err != nil {
		return grpcToConnect(err)
	}
	if err := stream.SendMsg(req); err != nil && !errors.Is(err, io.EOF) {
		return grpcToConnect(err)
	}
	if err := stream.CloseSend(); err != nil {
		return grpcToConnect(err)
	}
	for {
		msg := newResp()
		if err := stream.RecvMsg(msg); err != nil {
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

// connectStream speaks the Connect streaming protocol with JSON messages: each message is
// an envelope of one flags byte and a 4-byte length; the last envelope (flag 2) carries
// the end-of-stream JSON with any error.
func (c *Client) connectStream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	body, err := protojson.Marshal(req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteByte(0)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(body)))
	buf.Write(body)
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.env.URL+procedure, &buf)
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
		return err
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
			return fmt.Errorf("read envelope: %w", err)
		}
		data := make([]byte, binary.BigEndian.Uint32(head[1:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return fmt.Errorf("read message: %w", err)
		}
		if head[0]&2 != 0 {
			return endOfStreamError(data)
		}
		msg := newResp()
		if err := protojson.Unmarshal(data, msg); err != nil {
			return fmt.Errorf("decode message: %w", err)
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
		return fmt.Errorf("decode end of stream: %w", err)
	}
	if end.Error == nil {
		return nil
	}
	return decodeConnectError(http.StatusOK, *end.Error)
}
