package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
)

// setupEntriesPerPatient is how many entries each patient starts with: more than one
// ListEntries page of 50.
const setupEntriesPerPatient = 60

// setupParallelism bounds concurrent sign-ups: each costs the server an argon2id hash.
const setupParallelism = 4

func newRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// signUpPatients creates the patients, each with an upadacitinib prescription and a
// Sync of setupEntriesPerPatient entries over the last days.
func signUpPatients(ctx context.Context, c caller, runID string, n int, timeout time.Duration) ([]*patient, int64, error) {
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		loc = time.UTC
	}
	patients := make([]*patient, n)
	var entries atomic.Int64
	err = forEach(ctx, n, func(ctx context.Context, i int) error {
		p := &patient{email: fmt.Sprintf("load-%s-%d@example.com", runID, i), loc: loc}
		call := func(procedure, token string, req, resp protoMessage) error {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return c.Call(cctx, procedure, token, req, resp)
		}
		var up medjournalv1.SignUpResponse
		if err := call(medjournalv1connect.AccountServiceSignUpProcedure, "", &medjournalv1.SignUpRequest{
			Email: p.email, Password: Password, DisplayName: fmt.Sprintf("Load Patient %d", i), TimeZone: timeZone,
		}, &up); err != nil {
			return fmt.Errorf("sign up %s: %w", p.email, err)
		}
		p.accountID, p.token = up.GetAccount().GetId(), up.GetSession().GetToken()
		now := time.Now()
		var med medjournalv1.CreateMedicationResponse
		if err := call(medjournalv1connect.JournalServiceCreateMedicationProcedure, p.token, &medjournalv1.CreateMedicationRequest{
			Medication: &medjournalv1.Medication{
				DrugCode: "upadacitinib", DisplayName: "Rinvoq 15 mg", DoseAmount: 15, DoseUnit: "mg",
				Route: "oral", Schedule: "once daily", StartDate: now.AddDate(0, -2, 0).In(loc).Format(time.DateOnly),
			},
		}, &med); err != nil {
			return fmt.Errorf("create medication for %s: %w", p.email, err)
		}
		p.medicationID = med.GetMedication().GetId()
		rng := mrand.New(mrand.NewPCG(uint64(i), uint64(now.UnixNano())))
		var synced medjournalv1.SyncResponse
		if err := call(medjournalv1connect.JournalServiceSyncProcedure, p.token, &medjournalv1.SyncRequest{
			Upserts: setupEntries(rng, p, now, setupEntriesPerPatient),
		}, &synced); err != nil {
			return fmt.Errorf("sync entries for %s: %w", p.email, err)
		}
		entries.Add(setupEntriesPerPatient)
		patients[i] = p
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return patients, entries.Load(), nil
}

// linkClinician signs the clinician in and has every patient invite them.
func linkClinician(ctx context.Context, c caller, email, password string, patients []*patient, timeout time.Duration) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var in medjournalv1.SignInResponse
	if err := c.Call(cctx, medjournalv1connect.AccountServiceSignInProcedure, "",
		&medjournalv1.SignInRequest{Email: email, Password: password}, &in); err != nil {
		return "", fmt.Errorf("sign in clinician %s: %w", email, err)
	}
	if role := in.GetAccount().GetRole(); role != medjournalv1.Role_ROLE_CLINICIAN {
		return "", fmt.Errorf("clinician %s has role %v; create one with `medjournal account create --role clinician`", email, role)
	}
	token := in.GetSession().GetToken()
	err := forEach(ctx, len(patients), func(ctx context.Context, i int) error {
		p := patients[i]
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var inv medjournalv1.CreateInviteResponse
		if err := c.Call(cctx, medjournalv1connect.CareTeamServiceCreateInviteProcedure, p.token,
			&medjournalv1.CreateInviteRequest{}, &inv); err != nil {
			return fmt.Errorf("invite from %s: %w", p.email, err)
		}
		var acc medjournalv1.AcceptInviteResponse
		if err := c.Call(cctx, medjournalv1connect.CareTeamServiceAcceptInviteProcedure, token,
			&medjournalv1.AcceptInviteRequest{Code: inv.GetCode()}, &acc); err != nil {
			return fmt.Errorf("accept invite of %s: %w", p.email, err)
		}
		return nil
	})
	return token, err
}

// forEach runs f for 0..n-1, setupParallelism at a time, and returns the first error;
// after an error the remaining calls see a cancelled context.
func forEach(ctx context.Context, n int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, setupParallelism)
	var wg sync.WaitGroup
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// watcher keeps one WatchFlags stream open for the whole run, reconnecting after a drop,
// and counts the flag messages it is sent.
type watcher struct {
	protocol Protocol
	c        caller
	token    string

	opened     atomic.Bool
	initial    atomic.Int64 // flags in the opening lists, before caught_up
	delivered  atomic.Int64 // live flag messages after caught_up
	reconnects atomic.Int64

	mu       sync.Mutex
	phase    string
	perPhase map[string]int64
	lastErr  string
}

func (w *watcher) setPhase(name string) {
	w.mu.Lock()
	w.phase = name
	w.mu.Unlock()
}

func (w *watcher) run(ctx context.Context, ready chan<- error) {
	first := true
	for ctx.Err() == nil {
		caughtUp := false
		err := w.c.Stream(ctx, medjournalv1connect.FollowUpServiceWatchFlagsProcedure, w.token,
			&medjournalv1.WatchFlagsRequest{}, func() protoMessage { return new(medjournalv1.WatchFlagsResponse) },
			func(m protoMessage) bool {
				msg := m.(*medjournalv1.WatchFlagsResponse)
				switch {
				case msg.GetCaughtUp():
					caughtUp = true
					if first {
						first = false
						w.opened.Store(true)
						ready <- nil
					}
				case msg.GetFlag() != nil && caughtUp:
					w.delivered.Add(1)
					w.mu.Lock()
					w.perPhase[w.phase]++
					w.mu.Unlock()
				case msg.GetFlag() != nil:
					w.initial.Add(1)
				}
				return true
			})
		if ctx.Err() != nil {
			return
		}
		if first {
			ready <- fmt.Errorf("open WatchFlags: %w", orEOF(err))
			return
		}
		w.mu.Lock()
		w.lastErr = fmt.Sprint(orEOF(err))
		w.mu.Unlock()
		w.reconnects.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func orEOF(err error) error {
	if err == nil {
		return fmt.Errorf("the server ended the stream")
	}
	return err
}

func (w *watcher) report() *WatcherReport {
	w.mu.Lock()
	defer w.mu.Unlock()
	per := map[string]int64{}
	for k, v := range w.perPhase {
		per[k] = v
	}
	return &WatcherReport{
		Protocol:   string(w.protocol),
		Opened:     w.opened.Load(),
		Initial:    w.initial.Load(),
		Delivered:  w.delivered.Load(),
		PerPhase:   per,
		Reconnects: w.reconnects.Load(),
		LastError:  w.lastErr,
	}
}
