package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/server"
)

func TestSignInThrottling(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.ConnectJSON)
	victim, _ := c.SignUp(t, "Victim")
	bystander, _ := c.SignUp(t, "Bystander")
	signIn := func(email, password string) error {
		return c.Call(context.Background(), mj.AccountServiceSignInProcedure, "",
			&medjournalv1.SignInRequest{Email: email, Password: password}, &medjournalv1.SignInResponse{})
	}
	for i := range 5 {
		apitest.WantCode(t, signIn(victim.Email, "wrong password "+string(rune('a'+i))), connect.CodeUnauthenticated)
	}
	// The sixth attempt is refused even with the right password, with a retry hint.
	err := signIn(victim.Email, apitest.Password)
	apitest.WantCode(t, err, connect.CodeResourceExhausted)
	if !strings.Contains(err.Error(), "try again in") {
		t.Errorf("throttled message %q lacks the wait", err)
	}
	// Another account from the same address is not locked by the victim's lock.
	if err := signIn(bystander.Email, apitest.Password); err != nil {
		t.Fatalf("bystander: %v", err)
	}
	// Over gRPC the RetryInfo detail arrives too.
	g := env.Client(t, apitest.GRPC)
	err = g.Call(context.Background(), mj.AccountServiceSignInProcedure, "",
		&medjournalv1.SignInRequest{Email: victim.Email, Password: apitest.Password}, &medjournalv1.SignInResponse{})
	apitest.WantCode(t, err, connect.CodeResourceExhausted)

	// Spraying one password over many accounts from one address hits the address limit.
	blocked := false
	for i := range 25 {
		err := signIn(apitest.UniqueEmail("spray"), "password123456")
		if connect.CodeOf(err) == connect.CodeResourceExhausted {
			blocked = i >= 14 // 5 victim failures + 15 more = the address limit of 20
			break
		}
	}
	if !blocked {
		t.Fatal("an address spraying sign-ins over many accounts was never throttled at the limit")
	}
}

func TestRetryInfoDetail(t *testing.T) {
	env := apitest.Start(t)
	client := connect.NewClient[medjournalv1.SignInRequest, medjournalv1.SignInResponse](
		http.DefaultClient, env.URL+mj.AccountServiceSignInProcedure, connect.WithGRPC())
	for range 5 {
		_, _ = client.CallUnary(context.Background(), connect.NewRequest(&medjournalv1.SignInRequest{Email: "x@example.com", Password: "nope"}))
	}
	_, err := client.CallUnary(context.Background(), connect.NewRequest(&medjournalv1.SignInRequest{Email: "x@example.com", Password: "nope"}))
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeResourceExhausted || len(ce.Details()) == 0 {
		t.Fatalf("err = %v, want resource_exhausted with a RetryInfo detail", err)
	}
	if ce.Details()[0].Type() != "google.rpc.RetryInfo" {
		t.Errorf("detail type = %s", ce.Details()[0].Type())
	}
}

func TestWriteRateLimitPerSession(t *testing.T) {
	env := apitest.Start(t, func(c *server.Config) { c.WriteRate = 2 }) // burst 4
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Runaway")
		var limited int
		for range 10 {
			err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: note(at("2026-04-01T00:00:00Z"), "loop")}, &medjournalv1.CreateEntryResponse{})
			if connect.CodeOf(err) == connect.CodeResourceExhausted {
				limited++
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if limited < 5 {
			t.Fatalf("%d of 10 instant writes were limited, want at least 5 with rate 2/s burst 4", limited)
		}
		// Reads are not writes; another session of another patient is unaffected; and a
		// month of entries in one Sync is one write.
		p.mustCall(t, mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{}, &medjournalv1.ListEntriesResponse{})
		q := newPatient(t, c, "Calm")
		var month []*medjournalv1.Entry
		for d := range 30 {
			month = append(month, note(at("2026-05-01T08:00:00Z"), "day "+string(rune('0'+d%10))))
		}
		q.sync(t, &medjournalv1.SyncRequest{Upserts: month})
	})
}

func TestSessionsListAndRevoke(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		acct, phone := c.SignUp(t, "Devices")
		laptop := c.SignIn(t, acct.Email, apitest.Password)
		p := &patient{Client: c, account: acct, token: laptop}
		var list medjournalv1.ListSessionsResponse
		p.mustCall(t, mj.AccountServiceListSessionsProcedure, &medjournalv1.ListSessionsRequest{}, &list)
		if len(list.Sessions) != 2 {
			t.Fatalf("%d sessions, want 2", len(list.Sessions))
		}
		var phoneID string
		for _, s := range list.Sessions {
			if s.Token != "" {
				t.Errorf("ListSessions shows a token")
			}
			if !s.Current {
				phoneID = s.Id
			}
		}
		other := newPatient(t, c, "OtherDevices")
		err := other.call(mj.AccountServiceRevokeSessionProcedure, &medjournalv1.RevokeSessionRequest{SessionId: phoneID}, &medjournalv1.RevokeSessionResponse{})
		apitest.WantCode(t, err, connect.CodeNotFound)
		p.mustCall(t, mj.AccountServiceRevokeSessionProcedure, &medjournalv1.RevokeSessionRequest{SessionId: phoneID}, &medjournalv1.RevokeSessionResponse{})
		err = c.Call(context.Background(), mj.AccountServiceGetAccountProcedure, phone, &medjournalv1.GetAccountRequest{}, &medjournalv1.GetAccountResponse{})
		apitest.WantCode(t, err, connect.CodeUnauthenticated)
		p.mustCall(t, mj.AccountServiceGetAccountProcedure, &medjournalv1.GetAccountRequest{}, &medjournalv1.GetAccountResponse{})
	})
}

// TestSessionsWithLongUnicodeUserAgent: a User-Agent cut to its stored length in the middle
// of a character must not make the session list unreadable.
func TestSessionsWithLongUnicodeUserAgent(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.ConnectJSON)
	acct, _ := c.SignUp(t, "Unicode")
	req, _ := http.NewRequest(http.MethodPost, env.URL+mj.AccountServiceSignInProcedure,
		strings.NewReader(`{"email":"`+acct.Email+`","password":"`+apitest.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", strings.Repeat("a", 199)+"日本語 phone")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: HTTP %d", resp.StatusCode)
	}
	token := c.SignIn(t, acct.Email, apitest.Password)
	var list medjournalv1.ListSessionsResponse
	if err := c.Call(context.Background(), mj.AccountServiceListSessionsProcedure, token, &medjournalv1.ListSessionsRequest{}, &list); err != nil {
		t.Fatalf("list sessions after a long Unicode User-Agent: %v", err)
	}
}
