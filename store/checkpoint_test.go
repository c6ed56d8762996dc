package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"
)

// TestCheckpointerCopiesTheWAL: a few writes, far below the writer's own checkpoint
// threshold, reach the database file itself within moments, copied by the checkpointer.
// The file is read with immutable=1, which makes SQLite ignore the WAL.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	s, path := openTemp(t)
	p := createPatient(t, s, "ckpt@example.com")
	for i := range 20 {
		insertEntries(t, s, p, note(i))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := entriesInDatabaseFile(path, p)
		if err == nil && n == 20 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file holds %d of 20 entries (err %v) 10 s after they were written", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// entriesInDatabaseFile counts the patient's entries in the database file alone: immutable=1
// makes SQLite ignore the WAL. Each look opens its own connection, since an immutable one
// never reads the file again.
func entriesInDatabaseFile(path, patientID string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM entries WHERE patient_id = ?`, patientID).Scan(&n)
	return n, err
}

// TestWALStaysBoundedUnderContinuousWrites: with writes arriving all the time the
// checkpointer never finds the WAL still, so on its own it never lets the writer start the
// WAL over; the writer's own checkpoint past its threshold does. Without it the WAL grew
// by a hundred megabytes a second under the load test.
func TestWALStaysBoundedUnderContinuousWrites(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	var wg sync.WaitGroup
	for w := range 16 {
		p := createPatient(t, s, fmt.Sprintf("wal%d@example.com", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				if err := writeEntries(ctx, s, p, note(i)); err != nil {
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
