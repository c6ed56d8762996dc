package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medjournal/medjournal/auth"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// testEnv returns an env with the given stdin and environment variables, capturing output.
func testEnv(stdin string, vars map[string]string) (env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return env{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	}, &stdout, &stderr
}

// startServe runs `medjournal serve` in-process and returns its address and a function
// that stops it the way SIGTERM does and returns serve's result.
func startServe(t *testing.T, e env, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrCh := make(chan string, 1)
	e.onListen = func(a net.Addr) { addrCh <- a.String() }
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, append([]string{"serve"}, args...)) }()
	select {
	case addr := <-addrCh:
		return addr, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not listen within 30s")
	}
	return "", nil
}

func TestServeCreatesDatabaseAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the default --db is ./medjournal.db
	e, _, stderr := testEnv("", nil)
	addr, stop := startServe(t, e, "--addr", "127.0.0.1:0")

	resp, err := http.Post("http://"+addr+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: HTTP %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(dir, "medjournal.db")); err != nil {
		t.Fatalf("default database not created: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after a graceful stop", err)
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"request"`, `"path":"/grpc.health.v1.Health/Check"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func TestServeReadsEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "from-env.db")
	e, _, _ := testEnv("", map[string]string{"MEDJOURNAL_DB": db, "MEDJOURNAL_ADDR": "127.0.0.1:0"})
	_, stop := startServe(t, e)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("MEDJOURNAL_DB not used: %v", err)
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--tls-cert", "c.pem"},
		{"serve", "--write-rate", "-1"},
		{"serve", "--log-level", "loud"},
		{"serve", "extra"},
		{"nonsense"},
	} {
		e, _, _ := testEnv("", nil)
		if err := run(context.Background(), e, args); err == nil {
			t.Errorf("run %v succeeded; want an error", args)
		}
	}
}

func TestAccountCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	e, stdout, _ := testEnv("a clinician's passphrase\n", nil)
	err := run(context.Background(), e, []string{"account", "create", "--db", db, "--role", "clinician",
		"--email", "Dr.Who@Example.com", "--name", "Dr Who", "--password-stdin"})
	if err != nil {
		t.Fatalf("account create: %v", err)
	}
	id := strings.TrimSpace(stdout.String())

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acct, hash, err := st.Credentials(context.Background(), "dr.who@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if acct.Id != id || acct.Role != medjournalv1.Role_ROLE_CLINICIAN || acct.DisplayName != "Dr Who" {
		t.Errorf("created %v, printed id %q", acct, id)
	}
	if err := auth.NewHasher(auth.OWASPParams, 1).Verify(context.Background(), "a clinician's passphrase", hash); err != nil {
		t.Errorf("password from stdin does not verify: %v", err)
	}

	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"short password": {"short\n", []string{"--email", "x@example.com", "--password-stdin"}, "at least 12"},
		"no stdin flag":  {"long enough password\n", []string{"--email", "x@example.com"}, "--password-stdin"},
		"patient role":   {"long enough password\n", []string{"--role", "patient", "--email", "x@example.com", "--password-stdin"}, "sign up"},
		"taken address":  {"long enough password\n", []string{"--email", "DR.WHO@example.com", "--password-stdin"}, "exists"},
	} {
		e, _, _ := testEnv(tc.stdin, nil)
		err := run(context.Background(), e, append([]string{"account", "create", "--db", db}, tc.args...))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tc.want)
		}
	}
}

func TestBackupAndMigrateCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	e, stdout, _ := testEnv("", nil)
	if err := run(context.Background(), e, []string{"migrate", "--db", db}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.Contains(stdout.String(), "schema version") {
		t.Errorf("migrate printed %q", stdout.String())
	}
	e, _, _ = testEnv("patient passphrase\n", nil)
	if err := run(context.Background(), e, []string{"account", "create", "--db", db, "--role", "admin",
		"--email", "admin@example.com", "--password-stdin"}); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, "copy.db")
	e, _, _ = testEnv("", nil)
	if err := run(context.Background(), e, []string{"backup", "--db", db, "--to", to}); err != nil {
		t.Fatalf("backup: %v", err)
	}
	st, err := store.Open(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Credentials(context.Background(), "admin@example.com"); err != nil {
		t.Fatalf("account missing from backup: %v", err)
	}
	e, _, _ = testEnv("", nil)
	if err := run(context.Background(), e, []string{"backup", "--db", db}); err == nil {
		t.Error("backup without --to succeeded")
	}
	if err := run(context.Background(), e, []string{"backup", "--db", db, "--to", to}); err == nil {
		t.Error("backup over an existing file succeeded")
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "audit.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := st.RecordAudit(context.Background(), storage.AuditRecord{PatientID: "p", ActorID: "c",
			Method: "/x", Action: medjournalv1.AuditAction_AUDIT_ACTION_READ}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	e, stdout, _ := testEnv("", nil)
	if err := run(context.Background(), e, []string{"audit", "verify", "--db", db}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !strings.Contains(stdout.String(), "3 events") {
		t.Errorf("verify printed %q", stdout.String())
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_events_no_update; UPDATE audit_events SET method = '/y' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	e, _, _ = testEnv("", nil)
	if err := run(context.Background(), e, []string{"audit", "verify", "--db", db}); err == nil || !strings.Contains(err.Error(), "event 2") {
		t.Fatalf("verify of a tampered trail: %v, want it to name event 2", err)
	}
}

// TestServeWithCachesOff: MEDJOURNAL_CACHES=false (or --caches=false) serves with every
// in-memory cache off, and a fever is flagged and listed as with them on.
func TestServeWithCachesOff(t *testing.T) {
	flagged := map[string]int{}
	for _, caches := range []string{"true", "false"} {
		e, _, _ := testEnv("", map[string]string{"MEDJOURNAL_CACHES": caches, "MEDJOURNAL_WRITE_RATE": "0",
			"MEDJOURNAL_DB": filepath.Join(t.TempDir(), "caches-"+caches+".db")})
		addr, stop := startServe(t, e, "--addr", "127.0.0.1:0")
		call := func(method, token, body string) map[string]any {
			t.Helper()
			req, err := http.NewRequest("POST", "http://"+addr+"/medjournal.v1."+method, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d, %v, %v", method, resp.StatusCode, out, err)
			}
			return out
		}
		signUp := call("AccountService/SignUp", "", `{"email":"ada@example.com","password":"correct horse battery","displayName":"Ada","timeZone":"Europe/Berlin"}`)
		token := signUp["session"].(map[string]any)["token"].(string)
		call("JournalService/CreateMedication", token, `{"medication":{"drugCode":"tofacitinib","startDate":"2025-01-01"}}`)
		at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		call("JournalService/CreateEntry", token, `{"entry":{"occurredTime":"`+at+`","vital":{"code":"body_temperature","value":39.4,"unit":"Cel"}}}`)
		for range 2 { // the second read is the cached first page, when caches are on
			page := call("JournalService/ListEntries", token, `{}`)
			entries, _ := page["entries"].([]any)
			if len(entries) != 1 {
				t.Fatalf("caches %s: %d entries listed, want 1", caches, len(entries))
			}
			ids, _ := entries[0].(map[string]any)["flagIds"].([]any)
			flagged[caches] = len(ids)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
	if flagged["true"] == 0 || flagged["true"] != flagged["false"] {
		t.Fatalf("fever flagged by %d flags with caches, %d without; want the same, at least one", flagged["true"], flagged["false"])
	}
}
