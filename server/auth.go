package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/medjournal/medjournal/auth"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/storage"
)

// publicProcedures need no session: signing up and in, and the catalog.
var publicProcedures = map[string]bool{
	medjournalv1connect.AccountServiceSignUpProcedure:          true,
	medjournalv1connect.AccountServiceSignInProcedure:          true,
	medjournalv1connect.CatalogServiceListDrugsProcedure:       true,
	medjournalv1connect.CatalogServiceListSymptomsProcedure:    true,
	medjournalv1connect.CatalogServiceListVitalsProcedure:      true,
	medjournalv1connect.CatalogServiceListLabTestsProcedure:    true,
	medjournalv1connect.CatalogServiceListRiskFactorsProcedure: true,
	medjournalv1connect.CatalogServiceListRulesProcedure:       true,
}

// touchInterval limits how often a session's last-use time is written: the idle timeout is
// measured in days, so minute precision is plenty and most requests write nothing.
const touchInterval = time.Minute

// caller is the signed-in account making a request.
type caller struct {
	account   *medjournalv1.Account
	sessionID string
}

func (c *caller) id() string              { return c.account.GetId() }
func (c *caller) role() medjournalv1.Role { return c.account.GetRole() }

type callerKey struct{}

// callerFrom returns the authenticated caller. Every non-public procedure has one, because
// the gate rejects requests without a valid session before they reach a handler.
func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// authenticate is the request gate: it resolves the bearer token to a session before the
// request body is read, so an unauthenticated client costs no decoding.
func (s *Server) authenticate(ctx context.Context, spec connect.Spec, _ connect.Peer, header http.Header) (context.Context, error) {
	if publicProcedures[spec.Procedure] {
		return ctx, nil
	}
	token, ok := bearerToken(header)
	if !ok {
		return nil, s.noteAuthFailure(ctx, unauthenticated("missing bearer token: send Authorization: Bearer <session token>"))
	}
	c, err := s.resolveSession(ctx, token)
	if err != nil {
		return nil, s.noteAuthFailure(ctx, err)
	}
	noteCaller(ctx, c.id())
	if s.writes != nil && spec.IdempotencyLevel != connect.IdempotencyNoSideEffects {
		if wait := s.writes.wait(c.sessionID, time.Now()); wait > 0 {
			return nil, s.noteAuthFailure(ctx, tooMany("too many writes from this session", wait))
		}
	}
	return context.WithValue(ctx, callerKey{}, c), nil
}

// resolveSession checks the token's session against its absolute and idle limits.
func (s *Server) resolveSession(ctx context.Context, token string) (*caller, error) {
	hash := auth.HashToken(token)
	now := s.cfg.Now()
	sess, acct, cached := s.sessions.get(hash, now)
	if !cached {
		var err error
		sess, acct, err = s.store.SessionByTokenHash(ctx, hash)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, unauthenticated("session is not valid; sign in again")
		}
		if err != nil {
			return nil, s.toConnectError(ctx, "authenticate", err)
		}
		s.sessions.put(hash, sess, acct, now)
	}
	if !now.Before(sess.ExpireTime) || now.Sub(sess.LastUsedTime) >= s.cfg.SessionIdle {
		return nil, unauthenticated("session expired; sign in again")
	}
	if now.Sub(sess.LastUsedTime) >= touchInterval {
		if err := s.store.TouchSession(ctx, sess.ID); err != nil {
			// The request may still proceed; a missed touch only shortens the idle window.
			s.log.WarnContext(ctx, "touch session", slog.Any("err", err))
		} else {
			s.sessions.touched(hash, now)
		}
	}
	return &caller{account: acct, sessionID: sess.ID}, nil
}

// noteAuthFailure records the rejected call in the request log, since a rejected call
// never reaches the logging interceptor.
func (s *Server) noteAuthFailure(ctx context.Context, err error) error {
	noteCode(ctx, connect.CodeOf(err))
	return err
}

// bearerToken extracts the token from "Authorization: Bearer <token>".
func bearerToken(h http.Header) (string, bool) {
	scheme, token, ok := strings.Cut(h.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// requireRole answers permission_denied unless the caller has one of the roles.
func requireRole(c *caller, roles ...medjournalv1.Role) error {
	for _, r := range roles {
		if c.role() == r {
			return nil
		}
	}
	return permissionDenied("this method is not available to your role")
}
