package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/medjournal/medjournal/storage"
)

// TestJournalVersionsMoveOutOfAccounts: a database made before migration 8, with patients'
// versions in the accounts row, keeps every version when it moves to journal_versions, and
// the next change counts on from there.
func TestJournalVersionsMoveOutOfAccounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v7.db")
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:7] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
	}
	for _, stmt := range []string{
		`PRAGMA user_version = 7`,
		`INSERT INTO accounts (id, email, display_name, role, time_zone, password_hash, create_time, update_time, journal_version)
			VALUES ('p-busy', 'busy@example.com', 'B', 1, 'UTC', 'h', 0, 0, 41), ('p-new', 'new@example.com', 'N', 1, 'UTC', 'h', 0, 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for patient, want := range map[string]storage.JournalVersion{"p-busy": 41, "p-new": 0} {
		if got, err := s.journalVersionNow(ctx, patient); err != nil || got != want {
			t.Errorf("%s: version %d (%v), want %d", patient, got, err, want)
		}
	}
	for patient, want := range map[string]storage.JournalVersion{"p-busy": 42, "p-new": 1} {
		var got storage.JournalVersion
		err := s.write(ctx, func(tx *Tx) error {
			var err error
			got, err = bumpJournalVersionTo(ctx, tx, patient)
			return err
		})
		if err != nil || got != want {
			t.Errorf("%s: bumped to %d (%v), want %d", patient, got, err, want)
		}
	}
}
