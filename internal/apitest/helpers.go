package apitest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
)

// Password is a valid password for test accounts.
const Password = "correct horse battery staple"

var emailSeq atomic.Int64

// UniqueEmail returns an e-mail address no other call returns.
func UniqueEmail(prefix string) string {
	return fmt.Sprintf("%s-%d@example.com", prefix, emailSeq.Add(1))
}

// SignUp creates a patient and returns its account and session token.
func (c *Client) SignUp(t testing.TB, name string) (*medjournalv1.Account, string) {
	t.Helper()
	var resp medjournalv1.SignUpResponse
	err := c.Call(context.Background(), medjournalv1connect.AccountServiceSignUpProcedure, "",
		&medjournalv1.SignUpRequest{
			Email: UniqueEmail(strings.ToLower(name)), Password: Password,
			DisplayName: name, TimeZone: "Europe/Berlin",
		}, &resp)
	if err != nil {
		t.Fatalf("sign up %s: %v", name, err)
	}
	return resp.Account, resp.Session.Token
}

// SignIn signs an existing account in and returns its token.
func (c *Client) SignIn(t testing.TB, email, password string) string {
	t.Helper()
	var resp medjournalv1.SignInResponse
	err := c.Call(context.Background(), medjournalv1connect.AccountServiceSignInProcedure, "",
		&medjournalv1.SignInRequest{Email: email, Password: password}, &resp)
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return resp.Session.Token
}

// WantCode fails the test unless err carries the Connect code want.
func WantCode(t testing.TB, err error, want connect.Code) {
	t.Helper()
	if got := connect.CodeOf(err); err == nil || got != want {
		t.Fatalf("err = %v, want code %v", err, want)
	}
}

// WantInvalidField fails the test unless err is invalid_argument and its message names
// the field.
func WantInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	WantCode(t, err, connect.CodeInvalidArgument)
	var ce *connect.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Message(), field) {
		t.Fatalf("invalid_argument message %q does not name %q", errMessage(err), field)
	}
}

func errMessage(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return fmt.Sprint(err)
}

// CreateStaff creates a clinician or admin account the way the operator command does,
// directly in the store, and signs it in over this client's protocol.
func (c *Client) CreateStaff(t testing.TB, role medjournalv1.Role, name string) (*medjournalv1.Account, string) {
	t.Helper()
	hash, err := FastHasher().Hash(context.Background(), Password)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := c.env.Store.CreateAccount(context.Background(), &medjournalv1.Account{
		Email: UniqueEmail(strings.ToLower(name)), DisplayName: name, Role: role, TimeZone: "UTC",
	}, hash)
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	return acct, c.SignIn(t, acct.Email, Password)
}
