package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// TestCheckpointerCopiesTheWAL: a few writes, far below the writer's own checkpoint
// threshold, reach the database file itself within moments, copied by the checkpointer.
// The file is read with immutable=1, which makes SQLite ignore the WAL.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := createPatient(t, s, "ckpt@example.com")
	for i := range 20 {
		if _, _, err := s.CreateEntry(ctx, p, note(i)); err != nil {
			t.Fatal(err)
		}
	}
	mainFile, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer mainFile.Close()
	mainFile.SetMaxOpenConns(1)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		// A new connection each time: an immutable one never looks again.
		err := mainFile.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE patient_id = ?`, p).Scan(&n)
		if err == nil && n == 20 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file holds %d of 20 entries (err %v) 10 s after they were written", n, err)
		}
		time.Sleep(20 * time.Millisecond)
		mainFile.SetMaxIdleConns(0)
		mainFile.SetMaxIdleConns(1)
	}
}

// TestWALStaysBoundedUnderContinuousWrites: with writes arriving all the time the
// checkpointer never finds the WAL still, so on its own it never lets the writer start the
// WAL over; the writer's own checkpoint past its threshold does. Without it the WAL grew
// by a hundred megabytes a second under the load test.
func TestWALStaysBoundedUnderContinuousWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for w := range 16 {
		p := createPatient(t, s, fmt.Sprintf("wal%d@example.com", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				if _, _, err := s.CreateEntry(ctx, p, note(i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	info, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	const bound = 2 * writerCheckpointFrames * 4096
	t.Logf("WAL %d bytes after 4000 concurrent writes", info.Size())
	if info.Size() > bound {
		t.Errorf("WAL is %d bytes after 4000 concurrent writes, want at most %d", info.Size(), bound)
	}
}

func createPatient(t *testing.T, s *Store, email string) string {
	t.Helper()
	p, err := s.CreateAccount(context.Background(), &medjournalv1.Account{Email: email, DisplayName: "P",
		Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	return p.Id
}

func note(i int) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(time.Now().Add(-time.Duration(i) * time.Minute)),
		Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: fmt.Sprintf("note %d, long enough to fill pages a little faster", i)}}}
}
