package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/auth"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// accountService implements medjournal.v1.AccountService.
type accountService struct{ *Server }

func (s *accountService) SignUp(ctx context.Context, req *medjournalv1.SignUpRequest) (*medjournalv1.SignUpResponse, error) {
	if err := validateTimeZone("time_zone", req.GetTimeZone()); err != nil {
		return nil, err
	}
	if err := s.validateProfile("profile", req.GetProfile()); err != nil {
		return nil, err
	}
	hash, err := s.cfg.Hasher.Hash(ctx, req.GetPassword())
	if err != nil {
		return nil, s.toConnectError(ctx, "sign up", err)
	}
	acct, err := s.store.CreateAccount(ctx, &medjournalv1.Account{
		Email:       req.GetEmail(),
		DisplayName: req.GetDisplayName(),
		Role:        medjournalv1.Role_ROLE_PATIENT,
		TimeZone:    req.GetTimeZone(),
		Profile:     req.GetProfile(),
	}, hash)
	if errors.Is(err, storage.ErrAlreadyExists) {
		return nil, connect.NewError(connect.CodeAlreadyExists, errors.New("email: an account with this e-mail address exists; sign in instead"))
	}
	if err != nil {
		return nil, s.toConnectError(ctx, "sign up", err)
	}
	sess, err := s.startSession(ctx, acct.Id)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "account created", slog.String("account", acct.Id), slog.String("role", acct.Role.String()))
	return &medjournalv1.SignUpResponse{Account: acct, Session: sess}, nil
}

func (s *accountService) SignIn(ctx context.Context, req *medjournalv1.SignInRequest) (*medjournalv1.SignInResponse, error) {
	accountKey, addressKey := storage.NormalizeEmail(req.GetEmail()), clientAddress(ctx)
	now := time.Now()
	if wait := max(s.signInByAccount.blockedFor(accountKey, now), s.signInByAddress.blockedFor(addressKey, now)); wait > 0 {
		return nil, tooMany("too many failed sign-ins", wait)
	}
	acct, hash, err := s.store.Credentials(ctx, req.GetEmail())
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, s.toConnectError(ctx, "sign in", err)
	}
	// An unknown address is verified against a dummy hash, so it takes as long as a wrong
	// password and answers the same.
	if err := s.cfg.Hasher.Verify(ctx, req.GetPassword(), hash); err != nil {
		if errors.Is(err, auth.ErrMismatch) {
			s.signInByAccount.fail(accountKey, now)
			s.signInByAddress.fail(addressKey, now)
			return nil, unauthenticated("e-mail address or password is wrong")
		}
		return nil, s.toConnectError(ctx, "sign in", err)
	}
	s.signInByAccount.reset(accountKey)
	sess, err := s.startSession(ctx, acct.Id)
	if err != nil {
		return nil, err
	}
	return &medjournalv1.SignInResponse{Account: acct, Session: sess}, nil
}

func (s *accountService) SignOut(ctx context.Context, _ *medjournalv1.SignOutRequest) (*medjournalv1.SignOutResponse, error) {
	c := callerFrom(ctx)
	s.sessions.dropSession(c.sessionID)
	if err := s.store.DeleteSession(ctx, c.id(), c.sessionID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, s.toConnectError(ctx, "sign out", err)
	}
	return &medjournalv1.SignOutResponse{}, nil
}

func (s *accountService) GetAccount(ctx context.Context, _ *medjournalv1.GetAccountRequest) (*medjournalv1.GetAccountResponse, error) {
	return &medjournalv1.GetAccountResponse{Account: callerFrom(ctx).account}, nil
}

func (s *accountService) UpdateProfile(ctx context.Context, req *medjournalv1.UpdateProfileRequest) (*medjournalv1.UpdateProfileResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	if err := s.validateProfile("profile", req.GetProfile()); err != nil {
		return nil, err
	}
	paths := maskOrAll(req.GetUpdateMask().GetPaths(), profileFields)
	p, err := s.store.UpdateProfile(ctx, c.id(), func(p *medjournalv1.Profile) error {
		applyMask(p, req.GetProfile(), paths)
		return nil
	})
	if err != nil {
		return nil, s.toConnectError(ctx, "update profile", err)
	}
	s.sessions.dropAccount(c.id()) // cached sessions carry the account and its profile
	return &medjournalv1.UpdateProfileResponse{Profile: p}, nil
}

func (s *accountService) ListSessions(ctx context.Context, _ *medjournalv1.ListSessionsRequest) (*medjournalv1.ListSessionsResponse, error) {
	c := callerFrom(ctx)
	sessions, err := s.store.SessionsOf(ctx, c.id())
	if err != nil {
		return nil, s.toConnectError(ctx, "list sessions", err)
	}
	resp := &medjournalv1.ListSessionsResponse{}
	for _, sess := range sessions {
		resp.Sessions = append(resp.Sessions, &medjournalv1.Session{
			Id:          sess.ID,
			CreateTime:  timestamppb.New(sess.CreateTime),
			ExpireTime:  timestamppb.New(sess.ExpireTime),
			LastUseTime: timestamppb.New(sess.LastUsedTime),
			UserAgent:   sess.UserAgent,
			Current:     sess.ID == c.sessionID,
		})
	}
	return resp, nil
}

func (s *accountService) RevokeSession(ctx context.Context, req *medjournalv1.RevokeSessionRequest) (*medjournalv1.RevokeSessionResponse, error) {
	c := callerFrom(ctx)
	if err := s.store.DeleteSession(ctx, c.id(), req.GetSessionId()); err != nil {
		return nil, s.toConnectError(ctx, "revoke session", err)
	}
	s.sessions.dropSession(req.GetSessionId())
	return &medjournalv1.RevokeSessionResponse{}, nil
}

// profileFields are the profile's updatable fields, which an empty mask means.
var profileFields = []string{"birth_year", "sex", "smoking_status", "risk_factors"}

// validateProfile checks what protovalidate cannot: a birth year not in the future and
// risk factors from the catalog.
func (s *Server) validateProfile(field string, p *medjournalv1.Profile) error {
	if y := p.GetBirthYear(); y != 0 && int(y) > s.cfg.Now().Year() {
		return invalidArgument(field+".birth_year", "%d is in the future", y)
	}
	for i, code := range p.GetRiskFactors() {
		if _, ok := s.catalog.RiskFactor(code); !ok {
			return invalidArgument(fmt.Sprintf("%s.risk_factors[%d]", field, i),
				"%q is not a risk factor code; see CatalogService.ListRiskFactors", code)
		}
	}
	return nil
}

// validateTimeZone accepts IANA zone names the binary's embedded zone database knows.
func validateTimeZone(field, name string) error {
	if name == "Local" {
		return invalidArgument(field, "give an IANA time zone such as Europe/Berlin")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return invalidArgument(field, "%q is not an IANA time zone such as Europe/Berlin", name)
	}
	return nil
}

// startSession creates a session and returns it with its token, which is shown only now.
func (s *Server) startSession(ctx context.Context, accountID string) (*medjournalv1.Session, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, s.toConnectError(ctx, "start session", err)
	}
	ua := ""
	if info, ok := connect.CallInfoForHandlerContext(ctx); ok {
		ua = info.RequestHeader().Get("User-Agent")
	}
	sess, err := s.store.CreateSession(ctx, accountID, hash, s.cfg.SessionTTL, truncate(ua, 200))
	if err != nil {
		return nil, s.toConnectError(ctx, "start session", err)
	}
	return &medjournalv1.Session{
		Id:         sess.ID,
		Token:      token,
		CreateTime: timestamppb.New(sess.CreateTime),
		ExpireTime: timestamppb.New(sess.ExpireTime),
	}, nil
}

// clientAddress is the caller's IP address, without the port.
func clientAddress(ctx context.Context) string {
	info, ok := connect.CallInfoForHandlerContext(ctx)
	if !ok {
		return ""
	}
	host, _, err := net.SplitHostPort(info.Peer().Addr)
	if err != nil {
		return info.Peer().Addr
	}
	return host
}

// truncate shortens s to at most n bytes of valid UTF-8: a User-Agent is client input,
// and a string cut inside a character (or sent invalid) would make the session unreadable
// by ListSessions, since protobuf refuses to encode invalid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) { // the cut split the last character: drop its start
		s = s[:len(s)-1]
	}
	return s
}
