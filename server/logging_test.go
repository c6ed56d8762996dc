package server_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/server"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogsHoldNoSecretsOrJournalText: one line per request, and never a token, password or
// anything the patient wrote, even at debug level and even for failing requests.
func TestLogsHoldNoSecretsOrJournalText(t *testing.T) {
	var logs syncBuffer
	env := apitest.Start(t, func(c *server.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Private")
		secretText := "my-secret-diary-" + p.account.Id[:8]
		e := p.createEntry(t, note(at("2026-03-03T08:00:00Z"), secretText))
		e.Comment = secretText
		_ = p.call(mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{Entry: e}, &medjournalv1.UpdateEntryResponse{})
		// A failing request with the text in it.
		_ = p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{
			Entry: symptom(at("2026-03-03T08:00:00Z"), secretText, medjournalv1.Severity_SEVERITY_MILD)}, &medjournalv1.CreateEntryResponse{})
		_ = c.Call(t.Context(), mj.AccountServiceSignInProcedure, "", &medjournalv1.SignInRequest{Email: p.account.Email, Password: "wrong-" + apitest.Password}, &medjournalv1.SignInResponse{})
		var link medjournalv1.CreateShareLinkResponse
		_ = p.call(mj.ExportServiceCreateShareLinkProcedure, &medjournalv1.CreateShareLinkRequest{}, &link)

		out := logs.String()
		for what, secret := range map[string]string{"token": p.token, "password": apitest.Password, "journal text": secretText} {
			if strings.Contains(out, secret) {
				t.Errorf("the log holds the %s", what)
			}
		}
		if url := link.GetShareLink().GetUrl(); url != "" && strings.Contains(out, url[strings.LastIndex(url, "/")+1:]) {
			t.Errorf("the log holds a share token")
		}
		if n := strings.Count(out, `"msg":"request"`); n < 5 {
			t.Errorf("%d request lines, want one per request", n)
		}
	})
}
