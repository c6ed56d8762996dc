package rpcclient_test

import (
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/medjournal/medjournal/internal/rpcclient"
)

const (
	checkProcedure = "/grpc.health.v1.Health/Check"
	watchProcedure = "/grpc.health.v1.Health/Watch"
)

func wantCode(t *testing.T, err error, want connect.Code) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != want {
		t.Fatalf("err = %v, want a *connect.Error with code %v", err, want)
	}
}

// checkCallContract checks what every Caller does against a health service that wants the
// token "tok" and refuses others with the message "who are you": a call fills the answer;
// a refusal is a *connect.Error with the server's code and message; without a response
// message the answer's status is still checked.
func checkCallContract(t *testing.T, c rpcclient.Caller) {
	t.Helper()
	ctx := context.Background()
	var resp healthpb.HealthCheckResponse
	if err := c.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("status = %v", resp.Status)
	}
	err := c.Call(ctx, checkProcedure, "", &healthpb.HealthCheckRequest{}, &resp)
	wantCode(t, err, connect.CodeUnauthenticated)
	if msg := err.(*connect.Error).Message(); msg != "who are you" {
		t.Errorf("message = %q", msg)
	}
	if err := c.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, nil); err != nil {
		t.Errorf("undecoded call: %v", err)
	}
	wantCode(t, c.Call(ctx, checkProcedure, "", &healthpb.HealthCheckRequest{}, nil), connect.CodeUnauthenticated)
}

func TestConnectJSONCall(t *testing.T) {
	reply := `{"status":"SERVING"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodPost || r.URL.Path != checkProcedure:
			http.Error(w, "wrong request "+r.Method+" "+r.URL.Path, http.StatusTeapot)
		case r.Header.Get("Content-Type") != "application/json":
			http.Error(w, "content type "+r.Header.Get("Content-Type"), http.StatusTeapot)
		case r.Header.Get("Authorization") != "Bearer tok":
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":"unauthenticated","message":"who are you"}`))
		default:
			_, _ = w.Write([]byte(reply))
		}
	}))
	defer srv.Close()
	c := rpcclient.ConnectJSON{BaseURL: srv.URL, HTTP: srv.Client()}
	ctx := context.Background()

	checkCallContract(t, c)

	// A body without a Connect error takes its code from the HTTP status.
	var resp healthpb.HealthCheckResponse
	err := c.Call(ctx, "/elsewhere", "tok", &healthpb.HealthCheckRequest{}, &resp)
	wantCode(t, err, connect.CodeUnknown)

	// Unknown fields fail by default and are ignored with DiscardUnknown.
	reply = `{"status":"SERVING","extra":1}`
	wantCode(t, c.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, &resp), connect.CodeInternal)
	c.Unmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}
	if err := c.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, &resp); err != nil {
		t.Fatal(err)
	}

	// A server that is not there is unavailable; an ended context says so.
	srv.Close()
	wantCode(t, c.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, &resp), connect.CodeUnavailable)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	wantCode(t, c.Call(canceled, checkProcedure, "tok", &healthpb.HealthCheckRequest{}, &resp), connect.CodeCanceled)
}

func envelope(flags byte, data string) []byte {
	out := []byte{flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(len(data)))
	return append(out, data...)
}

func TestConnectJSONStream(t *testing.T) {
	end := `{}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/connect+json" || r.Header.Get("Connect-Protocol-Version") != "1" ||
			r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not like that"))
			return
		}
		w.Header().Set("Content-Type", "application/connect+json")
		_, _ = w.Write(envelope(0, `{"status":"NOT_SERVING"}`))
		_, _ = w.Write(envelope(0, `{"status":"SERVING"}`))
		_, _ = w.Write(envelope(2, end))
	}))
	defer srv.Close()
	c := rpcclient.ConnectJSON{BaseURL: srv.URL, HTTP: srv.Client()}
	ctx := context.Background()
	watch := func(token string, hangUpAfter int) ([]healthpb.HealthCheckResponse_ServingStatus, error) {
		var got []healthpb.HealthCheckResponse_ServingStatus
		err := c.Stream(ctx, watchProcedure, token, &healthpb.HealthCheckRequest{},
			func() proto.Message { return &healthpb.HealthCheckResponse{} },
			func(m proto.Message) bool {
				got = append(got, m.(*healthpb.HealthCheckResponse).Status)
				return len(got) < hangUpAfter
			})
		return got, err
	}

	got, err := watch("tok", 10)
	if err != nil || len(got) != 2 || got[1] != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("clean end: %v, %v", got, err)
	}
	if got, err := watch("tok", 1); err != nil || len(got) != 1 {
		t.Fatalf("hang up: %v, %v", got, err)
	}
	end = `{"error":{"code":"permission_denied","message":"revoked"}}`
	got, err = watch("tok", 10)
	wantCode(t, err, connect.CodePermissionDenied)
	if len(got) != 2 || err.(*connect.Error).Message() != "revoked" {
		t.Fatalf("end with an error: %v, %v", got, err)
	}
	_, err = watch("", 10)
	wantCode(t, err, connect.CodeUnavailable)
}

// startGRPC serves the standard health service, refusing calls without the bearer token
// "tok", and returns a connection to it.
func startGRPC(t *testing.T) *grpc.ClientConn {
	t.Helper()
	auth := func(ctx context.Context) error {
		md, _ := metadata.FromIncomingContext(ctx)
		if v := md.Get("authorization"); len(v) != 1 || v[0] != "Bearer tok" {
			return status.Error(codes.Unauthenticated, "who are you")
		}
		return nil
	}
	srv := grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := auth(ctx); err != nil {
				return nil, err
			}
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if err := auth(ss.Context()); err != nil {
				return err
			}
			return h(srv, ss)
		}),
	)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestGRPC(t *testing.T) {
	g := rpcclient.GRPC{Conn: startGRPC(t)}
	ctx := context.Background()

	checkCallContract(t, g)
	var resp healthpb.HealthCheckResponse
	wantCode(t, g.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{Service: "nope"}, &resp), connect.CodeNotFound)
	// Without a response message the request is still sent as protobuf (the server reads
	// its service name).
	wantCode(t, g.Call(ctx, checkProcedure, "tok", &healthpb.HealthCheckRequest{Service: "nope"}, nil), connect.CodeNotFound)

	// Watch never ends by itself: the first message arrives and hanging up is a clean end.
	var got []healthpb.HealthCheckResponse_ServingStatus
	watch := func(token string) error {
		return g.Stream(ctx, watchProcedure, token, &healthpb.HealthCheckRequest{},
			func() proto.Message { return &healthpb.HealthCheckResponse{} },
			func(m proto.Message) bool {
				got = append(got, m.(*healthpb.HealthCheckResponse).Status)
				return false
			})
	}
	if err := watch("tok"); err != nil || len(got) != 1 || got[0] != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch: %v, %v", got, err)
	}
	wantCode(t, watch(""), connect.CodeUnauthenticated)
}

// TestConnectJSONCallInflatesGzip: the client asks for gzip, and inflates an answer,
// success or error, whenever it reads it.
func TestConnectJSONCallInflatesGzip(t *testing.T) {
	gzipped := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		zw := gzip.NewWriter(w)
		_, _ = zw.Write([]byte(body))
		_ = zw.Close()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Accept-Encoding") != "gzip":
			http.Error(w, "gzip was not asked for", http.StatusTeapot)
		case r.Header.Get("Authorization") != "Bearer tok":
			gzipped(w, http.StatusUnauthorized, `{"code":"unauthenticated","message":"who are you"}`)
		default:
			gzipped(w, http.StatusOK, `{"status":"SERVING"}`)
		}
	}))
	defer srv.Close()
	checkCallContract(t, rpcclient.ConnectJSON{BaseURL: srv.URL, HTTP: srv.Client()})
}
