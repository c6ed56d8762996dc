package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// mustOpen opens a fresh database file in a temporary directory, closed when the test ends.
func mustOpen(tb testing.TB, opts ...store.Option) (*store.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "medjournal test.db") // a space, to test DSN escaping
	s, err := store.Open(context.Background(), path, opts...)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s, path
}

func TestOpenMigratesEmptyDatabase(t *testing.T) {
	s, path := mustOpen(t)
	ctx := context.Background()
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if current != latest || latest < 1 {
		t.Fatalf("schema version = %d, latest %d; want equal and at least 1", current, latest)
	}
	if err := s.CheckIntegrity(ctx); err != nil {
		t.Fatal(err)
	}
	// Opening again is a no-op migration.
	s2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	s2.Close()

	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var strict int
	if err := db.QueryRow(`SELECT strict FROM pragma_table_list WHERE name = 'accounts'`).Scan(&strict); err != nil {
		t.Fatal(err)
	}
	if strict != 1 {
		t.Errorf("accounts is not a STRICT table")
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := mustOpen(t)
	_, latest, err := s.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(context.Background(), path)
	if !errors.Is(err, storage.ErrSchemaTooNew) {
		t.Fatalf("open newer database: err = %v, want ErrSchemaTooNew", err)
	}
	if latest >= 9999 {
		t.Fatal("test needs a version above the latest")
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	acct, err := s.CreateAccount(ctx, &medjournalv1.Account{
		Email: "Backup@Example.com", DisplayName: "B", Role: medjournalv1.Role_ROLE_PATIENT,
		TimeZone: "UTC",
	}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file succeeded; want an error")
	}
	restored, err := store.Open(ctx, dest)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer restored.Close()
	if err := restored.CheckIntegrity(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := restored.Account(ctx, acct.Id)
	if err != nil {
		t.Fatalf("account in backup: %v", err)
	}
	if got.Email != "backup@example.com" {
		t.Errorf("email in backup = %q", got.Email)
	}
}

func TestCreateAccountRejectsDuplicateEmail(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	a := &medjournalv1.Account{Email: "dup@example.com", DisplayName: "D",
		Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}
	if _, err := s.CreateAccount(ctx, a, "h"); err != nil {
		t.Fatal(err)
	}
	a.Email = "DUP@example.com "
	if _, err := s.CreateAccount(ctx, a, "h"); !errors.Is(err, storage.ErrAlreadyExists) {
		t.Fatalf("duplicate e-mail: err = %v, want ErrAlreadyExists", err)
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	s, _ := mustOpen(t, store.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	acct, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: "s@example.com",
		DisplayName: "S", Role: medjournalv1.Role_ROLE_CLINICIAN, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	hash := []byte("0123456789abcdef0123456789abcdef")
	sess, err := s.CreateSession(ctx, acct.Id, hash, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sess.ExpireTime, now.Add(time.Hour); !got.Equal(want) {
		t.Errorf("expire time = %v, want %v", got, want)
	}
	got, gotAcct, err := s.SessionByTokenHash(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sess.ID || gotAcct.Id != acct.Id || gotAcct.Role != medjournalv1.Role_ROLE_CLINICIAN {
		t.Errorf("session lookup = %+v, %v", got, gotAcct)
	}
	if err := s.DeleteSession(ctx, "someone-else", sess.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("delete another account's session: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx, acct.Id, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByTokenHash(ctx, hash); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleted session: err = %v, want ErrNotFound", err)
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
