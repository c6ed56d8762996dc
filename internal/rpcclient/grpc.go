package rpcclient

import (
	"context"
	"errors"
	"io"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/proto" // registers the codec undecodedReplies wraps
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// GRPC speaks gRPC through grpc-go's ClientConn.Invoke and NewStream. The caller dials
// (and closes) Conn, with whatever options it needs.
type GRPC struct {
	Conn *grpc.ClientConn
}

// Call implements Caller.
func (g GRPC) Call(ctx context.Context, procedure, token string, req, resp proto.Message) error {
	var err error
	if resp == nil {
		err = g.Conn.Invoke(withToken(ctx, token), procedure, req, &struct{}{}, grpc.ForceCodecV2(undecodedReplies{}))
	} else {
		err = g.Conn.Invoke(withToken(ctx, token), procedure, req, resp)
	}
	if err != nil {
		return grpcToConnect(err)
	}
	return nil
}

// undecodedReplies is grpc-go's protobuf codec for requests and a no-op for replies, for
// calls whose answer only matters by its status.
type undecodedReplies struct{}

func (undecodedReplies) Marshal(v any) (mem.BufferSlice, error) {
	return encoding.GetCodecV2(protoCodecName).Marshal(v)
}

func (undecodedReplies) Unmarshal(mem.BufferSlice, any) error { return nil }

func (undecodedReplies) Name() string { return protoCodecName }

// protoCodecName is the content subtype of protobuf messages, application/grpc+proto.
const protoCodecName = "proto"

// Stream implements Caller.
func (g GRPC) Stream(ctx context.Context, procedure, token string, req proto.Message,
	newResp func() proto.Message, onMsg func(proto.Message) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := g.Conn.NewStream(withToken(ctx, token), &grpc.StreamDesc{ServerStreams: true}, procedure)
	if err != nil {
		return grpcToConnect(err)
	}
	// SendMsg reports io.EOF when the server has already ended the stream; RecvMsg then
	// returns the real status.
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

// withToken adds the bearer token, if any, to the outgoing metadata.
func withToken(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// grpcToConnect turns a grpc-go error into a *connect.Error with the same code and
// message.
func grpcToConnect(err error) error {
	st := status.Convert(err)
	return connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
}
