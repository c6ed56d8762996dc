package server_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/server"
)

// TestMessageSizeLimit: a message over the limit is refused with resource_exhausted over
// every protocol, and nothing is written.
func TestMessageSizeLimit(t *testing.T) {
	env := apitest.Start(t, func(c *server.Config) { c.MaxMessageBytes = 4 << 10 })
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Verbose")
		big := note(at("2026-03-01T08:00:00Z"), strings.Repeat("x", 8000))
		err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: big}, &medjournalv1.CreateEntryResponse{})
		if code := connect.CodeOf(err); code != connect.CodeResourceExhausted {
			t.Fatalf("oversized message: %v, want resource_exhausted", err)
		}
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 0 {
			t.Errorf("an oversized message wrote %d entries", n)
		}
	})
}

// TestSlowClientIsCutOff: a client that sends its headers and then trickles, or stops
// sending, its body does not hold the connection beyond the body timeout.
func TestSlowClientIsCutOff(t *testing.T) {
	env := apitest.Start(t, func(c *server.Config) { c.BodyReadTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", env.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = conn.Write([]byte("POST " + mj.AccountServiceSignInProcedure + " HTTP/1.1\r\nHost: x\r\n" +
		"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\":"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := bufio.NewReader(conn).ReadString('\n')
	elapsed := time.Since(start)
	if elapsed > 5*time.Second {
		t.Fatalf("the stalled request held the connection for %v", elapsed)
	}
	if err == nil && strings.Contains(resp, " 200 ") {
		t.Fatalf("a stalled body was answered %q", resp)
	}
}
