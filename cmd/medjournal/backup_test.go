package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/medjournal/medjournal/store"
)

// TestBackupUnderLoadAndRestore takes a backup with the real binary while clients write,
// checks the copy is intact and holds every entry acknowledged before the backup began,
// then restores it the way docs/OPERATIONS.md says (stop, copy over, start) and reads
// those entries back through the API.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	proc := startBinary(t, db)
	var up struct {
		Session struct{ Token string } `json:"session"`
	}
	if err := post(context.Background(), proc.url, "/medjournal.v1.AccountService/SignUp", "", map[string]any{
		"email": "backup@example.com", "password": "correct horse battery", "displayName": "B", "timeZone": "UTC",
	}, &up); err != nil {
		t.Fatal(err)
	}
	token := up.Session.Token

	var (
		mu       sync.Mutex
		acked    = map[string]time.Time{}
		wg       sync.WaitGroup
		stop     = make(chan struct{})
		failures int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := uuid.NewString()
				var resp struct{}
				err := post(context.Background(), proc.url, "/medjournal.v1.JournalService/CreateEntry", token, map[string]any{
					"entry": map[string]any{"id": id, "occurredTime": time.Now().Add(-time.Duration(i) * time.Minute).UTC().Format(time.RFC3339Nano),
						"note": map[string]any{"text": "during backup"}},
				}, &resp)
				mu.Lock()
				if err != nil {
					failures++
				} else {
					acked[id] = time.Now()
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := map[string]bool{}
	for id := range acked {
		before[id] = true
	}
	mu.Unlock()

	bin, _ := buildBinary()
	copyPath := filepath.Join(dir, "backup.db")
	out, err := exec.Command(bin, "backup", "--db", db, "--to", copyPath).CombinedOutput()
	if err != nil {
		t.Fatalf("backup under load: %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failures > 0 {
		t.Errorf("%d writes failed while the backup ran", failures)
	}

	st, err := store.Open(context.Background(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CheckIntegrity(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Restore: stop the server, put the copy in place of the live file (and its WAL), start.
	proc.stop(t)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(db + suffix)
	}
	data, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	proc = startBinary(t, db)
	defer proc.stop(t)
	var signIn struct {
		Session struct{ Token string } `json:"session"`
	}
	if err := post(context.Background(), proc.url, "/medjournal.v1.AccountService/SignIn", "", map[string]any{
		"email": "backup@example.com", "password": "correct horse battery"}, &signIn); err != nil {
		t.Fatalf("sign in on the restored database: %v", err)
	}
	for id := range before {
		var e struct{}
		if err := post(context.Background(), proc.url, "/medjournal.v1.JournalService/GetEntry", signIn.Session.Token, map[string]any{"id": id}, &e); err != nil {
			t.Errorf("entry %s acknowledged before the backup is missing after restore: %v", id, err)
		}
	}
	t.Logf("%d entries acknowledged before the backup, %d in all during the test; all present after restore", len(before), len(acked))
	if len(before) == 0 {
		t.Fatal("no writes before the backup; the load did not run")
	}
}
