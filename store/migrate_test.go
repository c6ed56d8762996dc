package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medjournal/medjournal/storage"
)

// TestJournalVersionsMoveOutOfAccounts: a database made before migration 8, with patients'
// versions in the accounts row, keeps every version when it moves to journal_versions, and
// the next change counts on from there.
func TestJournalVersionsMoveOutOfAccounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v7.db")
	db := databaseAt(t, path, 7)
	for _, stmt := range []string{
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
		err := s.write(ctx, func(tx *dbTx) error {
			var err error
			got, err = bumpJournalVersionTo(ctx, tx, patient)
			return err
		})
		if err != nil || got != want {
			t.Errorf("%s: bumped to %d (%v), want %d", patient, got, err, want)
		}
	}
}

// TestMigrationWithForeignKeysOffIsChecked: a migration that runs with foreign key
// enforcement off is checked before it commits, and enforcement is back on after it,
// whether it failed or not.
func TestMigrationWithForeignKeysOffIsChecked(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if want := m.version == 10; m.foreignKeysOff != want {
			t.Errorf("migration %s: foreign keys off %v, want %v", m.name, m.foreignKeysOff, want)
		}
	}
	current, _, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dangling := migration{version: current, name: "dangling", foreignKeysOff: true,
		sql: `INSERT INTO flag_evidence (flag_id, entry_id) VALUES ('no-such-flag', 'no-such-entry')`}
	if err := s.applyMigration(ctx, dangling); err == nil || !strings.Contains(err.Error(), "foreign key check") {
		t.Errorf("a migration leaving a dangling reference: err = %v, want the foreign key check to refuse it", err)
	}
	var rows, enforced int
	if err := s.reader.QueryRow(`SELECT COUNT(*) FROM flag_evidence`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d evidence rows after the refused migration (%v), want none", rows, err)
	}
	if err := s.writer.QueryRow(`PRAGMA foreign_keys`).Scan(&enforced); err != nil || enforced != 1 {
		t.Errorf("foreign_keys = %d (%v) on the writer after the migration, want 1", enforced, err)
	}
}

// databaseAt makes a database at path as a binary that knew migrations up to version
// would have left it, for upgrade tests to fill with rows as that binary wrote them and
// then open. The caller closes it before opening the store.
func databaseAt(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, m := range ms[:version] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		t.Fatal(err)
	}
	return db
}
