package server_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionalphapb "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"

	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/server"
)

func TestHealthOverEveryProtocol(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()

	t.Run("connect-json", func(t *testing.T) {
		resp, err := http.Post(env.URL+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "SERVING_STATUS_SERVING") {
			t.Fatalf("health over Connect-JSON: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("grpc", func(t *testing.T) {
		conn, err := grpc.NewClient(env.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: medjournalv1connect.JournalServiceName})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("status = %v", resp.Status)
		}
	})
	t.Run("grpc-web", func(t *testing.T) {
		client := connect.NewClient[healthpb.HealthCheckRequest, healthpb.HealthCheckResponse](
			http.DefaultClient, env.URL+"/grpc.health.v1.Health/Check", connect.WithGRPCWeb())
		resp, err := client.CallUnary(ctx, connect.NewRequest(&healthpb.HealthCheckRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Msg.Status != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("status = %v", resp.Msg.Status)
		}
	})
	t.Run("not serving during shutdown", func(t *testing.T) {
		env.Server.SetServing(false)
		defer env.Server.SetServing(true)
		client := connect.NewClient[healthpb.HealthCheckRequest, healthpb.HealthCheckResponse](
			http.DefaultClient, env.URL+"/grpc.health.v1.Health/Check")
		resp, err := client.CallUnary(ctx, connect.NewRequest(&healthpb.HealthCheckRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Msg.Status != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Fatalf("status = %v, want NOT_SERVING", resp.Msg.Status)
		}
	})
}

func TestReflectionListsEveryService(t *testing.T) {
	env := apitest.Start(t)
	conn, err := grpc.NewClient(env.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	want := []string{
		"medjournal.v1.AccountService", "medjournal.v1.AuditService", "medjournal.v1.CareTeamService",
		"medjournal.v1.CatalogService", "medjournal.v1.ExportService", "medjournal.v1.FollowUpService",
		"medjournal.v1.JournalService",
	}
	t.Run("v1", func(t *testing.T) {
		stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&reflectionpb.ServerReflectionRequest{
			MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
		}); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range resp.GetListServicesResponse().GetService() {
			if strings.HasPrefix(s.Name, "medjournal.") {
				got = append(got, s.Name)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("services = %v, want %v", got, want)
		}
	})
	t.Run("v1alpha", func(t *testing.T) {
		stream, err := reflectionalphapb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&reflectionalphapb.ServerReflectionRequest{
			MessageRequest: &reflectionalphapb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "medjournal.v1.JournalService"},
		}); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
			t.Fatalf("no descriptor for JournalService: %v", resp)
		}
	})
}

// TestMethodsNeedAuthentication: every method of every medjournal service, found from the
// generated descriptors, refuses a call without a valid session before anything else,
// except the few public ones, over every protocol.
func TestMethodsNeedAuthentication(t *testing.T) {
	env := apitest.Start(t)
	public := map[string]bool{
		medjournalv1connect.AccountServiceSignUpProcedure: true,
		medjournalv1connect.AccountServiceSignInProcedure: true,
	}
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		for _, m := range apitest.Methods(t) {
			if public[m.Procedure] || m.Service == medjournalv1connect.CatalogServiceName {
				continue
			}
			t.Run(m.Procedure, func(t *testing.T) {
				for _, token := range []string{"", "not-a-session-token"} {
					err := m.Call(context.Background(), c, token, m.NewRequest())
					apitest.WantCode(t, err, connect.CodeUnauthenticated)
				}
			})
		}
	})
}

func TestSecurityHeadersAndCORS(t *testing.T) {
	env := apitest.Start(t, func(c *server.Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	req, _ := http.NewRequest(http.MethodOptions, env.URL+medjournalv1connect.AccountServiceSignInProcedure, nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,connect-protocol-version,content-type") // sorted, as browsers send it
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("preflight Allow-Origin = %q", got)
	}
	if got := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "authorization") {
		t.Errorf("preflight Allow-Headers = %q, want authorization allowed", got)
	}

	req.Header.Set("Origin", "https://evil.example.com")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin allowed: %q", got)
	}

	resp, err = http.Post(env.URL+medjournalv1connect.AccountServiceSignInProcedure, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
}
