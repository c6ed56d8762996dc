package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/server"
	"github.com/medjournal/medjournal/storage"
)

const (
	signUp        = medjournalv1connect.AccountServiceSignUpProcedure
	signIn        = medjournalv1connect.AccountServiceSignInProcedure
	signOut       = medjournalv1connect.AccountServiceSignOutProcedure
	getAccount    = medjournalv1connect.AccountServiceGetAccountProcedure
	updateProfile = medjournalv1connect.AccountServiceUpdateProfileProcedure
)

// forEachProtocol runs the test body once per client protocol against one server.
func forEachProtocol(t *testing.T, env *apitest.Env, body func(t *testing.T, c *apitest.Client)) {
	for _, p := range apitest.Protocols {
		t.Run(string(p), func(t *testing.T) { body(t, env.Client(t, p)) })
	}
}

func TestSignUpAndSignIn(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		email := apitest.UniqueEmail("Ada")
		var up medjournalv1.SignUpResponse
		err := c.Call(ctx, signUp, "", &medjournalv1.SignUpRequest{
			Email: email, Password: apitest.Password, DisplayName: "Ada", TimeZone: "America/New_York",
			Profile: &medjournalv1.Profile{BirthYear: 1961, SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER},
		}, &up)
		if err != nil {
			t.Fatalf("sign up: %v", err)
		}
		if up.Account.Role != medjournalv1.Role_ROLE_PATIENT || up.Account.Id == "" || up.Session.Token == "" {
			t.Fatalf("sign up answered %v", &up)
		}
		if got, want := up.Account.Email, strings.ToLower(email); got != want {
			t.Errorf("email = %q, want %q", got, want)
		}
		if up.Session.ExpireTime.AsTime().Before(env.Clock.Now().Add(29 * 24 * time.Hour)) {
			t.Errorf("session expires at %v, want about 30 days ahead", up.Session.ExpireTime.AsTime())
		}

		// The new session works.
		var got medjournalv1.GetAccountResponse
		if err := c.Call(ctx, getAccount, up.Session.Token, &medjournalv1.GetAccountRequest{}, &got); err != nil {
			t.Fatalf("get account: %v", err)
		}
		if got.Account.Id != up.Account.Id || got.Account.Profile.BirthYear != 1961 {
			t.Errorf("get account = %v, want %v", got.Account, up.Account)
		}

		// Signing in again, with the address in another case, gives a second session.
		token := c.SignIn(t, "  "+strings.ToUpper(email), apitest.Password)
		if token == up.Session.Token {
			t.Error("sign in returned the sign-up token")
		}

		var in medjournalv1.SignInResponse
		err = c.Call(ctx, signIn, "", &medjournalv1.SignInRequest{Email: email, Password: apitest.Password + "x"}, &in)
		apitest.WantCode(t, err, connect.CodeUnauthenticated)
		err = c.Call(ctx, signIn, "", &medjournalv1.SignInRequest{Email: "nobody-" + email, Password: apitest.Password}, &in)
		apitest.WantCode(t, err, connect.CodeUnauthenticated)
	})
}

func TestSignUpRejectsBadInputAndWritesNothing(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()
	valid := func() *medjournalv1.SignUpRequest {
		return &medjournalv1.SignUpRequest{Email: apitest.UniqueEmail("bad"), Password: apitest.Password,
			DisplayName: "B", TimeZone: "Europe/Berlin"}
	}
	cases := []struct {
		name  string
		edit  func(*medjournalv1.SignUpRequest)
		field string
	}{
		{"short password", func(r *medjournalv1.SignUpRequest) { r.Password = "elevenchars" }, "password"},
		{"no email", func(r *medjournalv1.SignUpRequest) { r.Email = "" }, "email"},
		{"not an email", func(r *medjournalv1.SignUpRequest) { r.Email = "ada at example" }, "email"},
		{"no name", func(r *medjournalv1.SignUpRequest) { r.DisplayName = "" }, "display_name"},
		{"unknown zone", func(r *medjournalv1.SignUpRequest) { r.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"local zone", func(r *medjournalv1.SignUpRequest) { r.TimeZone = "Local" }, "time_zone"},
		{"birth year too old", func(r *medjournalv1.SignUpRequest) { r.Profile = &medjournalv1.Profile{BirthYear: 1800} }, "profile.birth_year"},
		{"birth year ahead", func(r *medjournalv1.SignUpRequest) {
			r.Profile = &medjournalv1.Profile{BirthYear: int32(env.Clock.Now().Year() + 1)}
		}, "profile.birth_year"},
		{"undefined smoking status", func(r *medjournalv1.SignUpRequest) {
			r.Profile = &medjournalv1.Profile{SmokingStatus: 42}
		}, "profile.smoking_status"},
	}
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req := valid()
				tc.edit(req)
				err := c.Call(ctx, signUp, "", req, &medjournalv1.SignUpResponse{})
				apitest.WantInvalidField(t, err, tc.field)
				if _, _, err := env.Store.Credentials(ctx, req.Email); req.Email != "" && !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("refused sign-up left an account behind: %v", err)
				}
			})
		}
	})
}

func TestSignUpDuplicateEmail(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		acct, _ := c.SignUp(t, "Twin")
		err := c.Call(context.Background(), signUp, "", &medjournalv1.SignUpRequest{
			Email: strings.ToUpper(acct.Email), Password: apitest.Password, DisplayName: "Other", TimeZone: "UTC",
		}, &medjournalv1.SignUpResponse{})
		apitest.WantCode(t, err, connect.CodeAlreadyExists)
	})
}

func TestTokens(t *testing.T) {
	env := apitest.Start(t, func(c *server.Config) {
		c.SessionTTL = 48 * time.Hour
		c.SessionIdle = 3 * time.Hour
	})
	ctx := context.Background()
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		get := func(token string) error {
			return c.Call(ctx, getAccount, token, &medjournalv1.GetAccountRequest{}, &medjournalv1.GetAccountResponse{})
		}
		t.Run("missing", func(t *testing.T) {
			apitest.WantCode(t, get(""), connect.CodeUnauthenticated)
		})
		t.Run("garbage", func(t *testing.T) {
			apitest.WantCode(t, get("not-a-token"), connect.CodeUnauthenticated)
		})
		t.Run("signed out", func(t *testing.T) {
			_, token := c.SignUp(t, "Out")
			if err := get(token); err != nil {
				t.Fatal(err)
			}
			if err := c.Call(ctx, signOut, token, &medjournalv1.SignOutRequest{}, &medjournalv1.SignOutResponse{}); err != nil {
				t.Fatalf("sign out: %v", err)
			}
			apitest.WantCode(t, get(token), connect.CodeUnauthenticated)
		})
		t.Run("idle", func(t *testing.T) {
			_, token := c.SignUp(t, "Idle")
			env.Clock.Advance(2 * time.Hour)
			if err := get(token); err != nil { // use renews the idle window
				t.Fatalf("token used within the idle window: %v", err)
			}
			env.Clock.Advance(2 * time.Hour)
			if err := get(token); err != nil {
				t.Fatalf("token used within the renewed idle window: %v", err)
			}
			env.Clock.Advance(3 * time.Hour)
			apitest.WantCode(t, get(token), connect.CodeUnauthenticated)
		})
		t.Run("absolute", func(t *testing.T) {
			_, token := c.SignUp(t, "Old")
			for range 20 { // used every 2.5 hours, never idle, until the 48 hours are over
				env.Clock.Advance(150 * time.Minute)
				if err := get(token); err != nil {
					if connect.CodeOf(err) != connect.CodeUnauthenticated {
						t.Fatalf("unexpected error: %v", err)
					}
					return
				}
			}
			t.Fatal("token still works after 50 hours; want it expired after 48")
		})
	})
}

func TestUpdateProfile(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		_, token := c.SignUp(t, "Profile")
		update := func(p *medjournalv1.Profile, paths ...string) (*medjournalv1.Profile, error) {
			var resp medjournalv1.UpdateProfileResponse
			req := &medjournalv1.UpdateProfileRequest{Profile: p}
			if paths != nil {
				req.UpdateMask = &fieldmaskpb.FieldMask{Paths: paths}
			}
			err := c.Call(ctx, updateProfile, token, req, &resp)
			return resp.Profile, err
		}
		p, err := update(&medjournalv1.Profile{BirthYear: 1970, Sex: medjournalv1.Sex_SEX_FEMALE,
			SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT, RiskFactors: []string{"diabetes"}})
		if err != nil {
			t.Fatalf("update whole profile: %v", err)
		}
		if p.BirthYear != 1970 || len(p.RiskFactors) != 1 {
			t.Fatalf("profile = %v", p)
		}
		// With a mask only the named field changes, though the others are sent empty.
		p, err = update(&medjournalv1.Profile{SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER}, "smoking_status")
		if err != nil {
			t.Fatalf("masked update: %v", err)
		}
		if p.SmokingStatus != medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER || p.BirthYear != 1970 ||
			p.Sex != medjournalv1.Sex_SEX_FEMALE || len(p.RiskFactors) != 1 {
			t.Fatalf("masked update changed other fields: %v", p)
		}
		var acct medjournalv1.GetAccountResponse
		if err := c.Call(ctx, getAccount, token, &medjournalv1.GetAccountRequest{}, &acct); err != nil {
			t.Fatal(err)
		}
		if acct.Account.Profile.SmokingStatus != medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER {
			t.Errorf("stored profile = %v", acct.Account.Profile)
		}

		_, err = update(&medjournalv1.Profile{}, "email")
		apitest.WantInvalidField(t, err, "update_mask")
		_, err = update(&medjournalv1.Profile{RiskFactors: []string{"Not A Code"}}, "risk_factors")
		apitest.WantInvalidField(t, err, "profile.risk_factors")
		if err := c.Call(ctx, getAccount, token, &medjournalv1.GetAccountRequest{}, &acct); err != nil {
			t.Fatal(err)
		}
		if acct.Account.Profile.RiskFactors[0] != "diabetes" {
			t.Errorf("refused update wrote %v", acct.Account.Profile)
		}
	})
}
