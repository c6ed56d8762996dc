package loadtest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/medjournal/medjournal/internal/rpcclient"
)

// caller sends unary and server-streaming calls over one protocol. Errors carry a Connect
// code (see codeOf) whatever the protocol.
type caller = rpcclient.Caller

// dialGRPC connects to addr over the loopback dialer only, for an rpcclient.GRPC.
func dialGRPC(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
			return loopbackDialer.DialContext(ctx, "tcp", a)
		}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
	)
}

// jsonUnmarshal ignores fields and enum names it does not know, as connect-web does, so a
// newer server does not break the load.
var jsonUnmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}

// newHTTPClient is the net/http client of an rpcclient.ConnectJSON: HTTP/1.1 over the
// loopback dialer only, as a browser running connect-web would connect.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         loopbackDialer.DialContext,
		MaxIdleConns:        conns + 8,
		MaxIdleConnsPerHost: conns + 8, // one kept-alive connection per worker, no churn
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}}
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
