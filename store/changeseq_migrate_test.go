package store

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// TestChangeSeqPerPatientMigration: a database whose change_seq was counted across all
// patients (before migration 10) keeps every entry, number, index, trigger and evidence
// link when the numbers become per patient; each patient counts on from its own highest,
// and a cursor a phone held from before gets exactly the changes made after it.
func TestChangeSeqPerPatientMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v9.db")
	db := databaseAt(t, path, 9)
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for _, stmt := range []string{
		`INSERT INTO accounts (id, email, display_name, role, time_zone, password_hash, create_time, update_time)
			VALUES ('pa', 'a@example.com', 'A', 1, 'UTC', 'h', 0, 0), ('pb', 'b@example.com', 'B', 1, 'UTC', 'h', 0, 0)`,
		`INSERT INTO medications (id, patient_id, body, create_time, update_time) VALUES ('med-a', 'pa', x'', 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	// The two journals' changes as the global counter numbered them, interleaved.
	legacy := []legacyChange{
		{"pa", "a1", 1, "create"}, {"pb", "b1", 2, "create"}, {"pa", "a2", 3, "create"},
		{"pb", "b2", 4, "create"}, {"pa", "a3", 5, "create"}, {"pb", "b3", 6, "create"},
		{"pa", "a1", 7, "edit"}, {"pb", "b1", 8, "delete"}, {"pb", "b4", 9, "create"},
		{"pb", "b5", 10, "create"},
	}
	for _, c := range legacy {
		var err error
		switch c.change {
		case "create":
			e := mildSymptom("headache", at.Add(time.Duration(c.seq)*time.Hour))
			if c.id == "a1" {
				e.Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: "med-a", Amount: 1, Unit: "mg"}}
			}
			cols, cerr := entryIndexColumns(e)
			if cerr != nil {
				t.Fatal(cerr)
			}
			_, err = db.Exec(`INSERT INTO entries (id, patient_id, kind, occurred_time, code, value, medication_id,
				body, create_time, update_time, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`,
				c.id, c.patient, cols.kind, cols.occurred, cols.code, cols.value, cols.medicationID, cols.body, c.seq)
		case "edit":
			_, err = db.Exec(`UPDATE entries SET update_time = 1, change_seq = ? WHERE id = ?`, c.seq, c.id)
		case "delete":
			_, err = db.Exec(`UPDATE entries SET delete_time = 1, change_seq = ? WHERE id = ?`, c.seq, c.id)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", c.change, c.id, err)
		}
	}
	for _, stmt := range []string{
		`INSERT INTO flags (id, patient_id, rule_id, category, urgency, status, title, patient_advice,
			clinician_summary, source, episode_ms, last_evidence_time, create_time, update_time)
			VALUES ('flag-a', 'pa', 'r', 1, 1, 1, 't', 'p', 'c', x'', 0, 0, 0, 0)`,
		`INSERT INTO flag_evidence (flag_id, entry_id) VALUES ('flag-a', 'a2'), ('flag-a', 'a3')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	before := schemaOf(t, db, "entries")
	versionsBefore := journalVersionsIn(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// The entry workflow, without rules: what these tests write and sync goes through it.
	workflow := flagging.New(s, nil, flagging.Config{})
	defer s.Close()
	if err := s.CheckIntegrity(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx, func(tx *dbTx) error { return checkForeignKeys(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	// The same indexes and trigger, the Sync index now unique; nothing unique on the
	// number alone.
	after := schemaOf(t, s.reader, "entries")
	before["entries_by_patient_change"] = strings.Replace(before["entries_by_patient_change"], "CREATE INDEX", "CREATE UNIQUE INDEX", 1)
	for name, def := range before {
		if name == "entries" {
			continue // the table's own definition is what changed
		}
		if after[name] != def {
			t.Errorf("%s after the migration: %q, want %q", name, after[name], def)
		}
	}
	if len(after) != len(before)-1 { // the column's automatic unique index is gone
		t.Errorf("entries has %d schema objects after the migration, want %d: %v", len(after), len(before)-1, after)
	}
	if got := journalVersionsIn(t, s.reader); !maps.Equal(got, versionsBefore) {
		t.Errorf("journal versions after the migration = %v, want %v as before", got, versionsBefore)
	}
	for _, c := range legacy {
		var seq int64
		if err := s.reader.QueryRow(`SELECT change_seq FROM entries WHERE id = ?`, c.id).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if want := lastSeqOf(legacy, c.id); seq != want {
			t.Errorf("entry %s has change_seq %d after the migration, want %d", c.id, seq, want)
		}
	}
	// The evidence's reference to entries still holds and is enforced again.
	err = s.write(ctx, func(tx *dbTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO flag_evidence (flag_id, entry_id) VALUES ('flag-a', 'no-such-entry')`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("evidence for a missing entry: err = %v, want a foreign key failure", err)
	}

	// Patient A counts on from its own highest (7), not the highest of all (10).
	created, _, err := workflow.CreateEntry(ctx, "pa", mildSymptom("cough", at.AddDate(0, 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.UpdateEntry(ctx, "pa", "a2", func(e *medjournalv1.Entry) error {
		e.OccurredTime = timestamppb.New(at.Add(-time.Hour))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.DeleteEntry(ctx, "pa", "a3"); err != nil {
		t.Fatal(err)
	}
	createdB, _, err := workflow.CreateEntry(ctx, "pb", mildSymptom("cough", at.AddDate(0, 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int64{created.Id: 8, "a2": 9, "a3": 10, createdB.Id: 11} {
		var seq int64
		if err := s.reader.QueryRow(`SELECT change_seq FROM entries WHERE id = ?`, id).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if seq != want {
			t.Errorf("entry %s changed after the migration has change_seq %d, want %d", id, seq, want)
		}
	}

	// Phones that held cursors from before get exactly what changed after them.
	for _, tc := range []struct {
		patient     string
		cursor      int64
		wantChanged []string
		wantDeleted []string
		wantCursor  int64
	}{
		{"pa", 5, []string{"a1", created.Id, "a2"}, []string{"a3"}, 10},
		{"pa", 7, []string{created.Id, "a2"}, []string{"a3"}, 10},
		{"pa", 10, nil, nil, 10},
		{"pb", 8, []string{"b4", "b5", createdB.Id}, nil, 11},
		{"pb", 0, []string{"b2", "b3", "b4", "b5", createdB.Id}, []string{"b1"}, 11},
	} {
		res, err := workflow.Sync(ctx, flagging.SyncBatch{PatientID: tc.patient, Since: tc.cursor, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var changed []string
		for _, e := range res.Changes {
			changed = append(changed, e.Id)
		}
		if !slices.Equal(changed, tc.wantChanged) || !slices.Equal(res.DeletedIDs, tc.wantDeleted) || res.Cursor != tc.wantCursor {
			t.Errorf("%s syncing from %d: changed %v, deleted %v, cursor %d; want %v, %v, %d",
				tc.patient, tc.cursor, changed, res.DeletedIDs, res.Cursor, tc.wantChanged, tc.wantDeleted, tc.wantCursor)
		}
	}

	// A number is unique within its patient's journal only.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	insert := `INSERT INTO entries (id, patient_id, kind, occurred_time, body, create_time, update_time, change_seq)
		VALUES (?, 'pb', 5, 0, x'', 0, 0, 7)`
	if _, err := raw.Exec(insert, "b-at-7"); err != nil {
		t.Errorf("patient B taking patient A's number: %v", err)
	}
	if _, err := raw.Exec(insert, "b-at-7-again"); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("patient B taking its own number twice: err = %v, want a uniqueness failure", err)
	}
}

// schemaOf maps the names of a table's schema objects (itself, its indexes and triggers)
// to their SQL.
func schemaOf(t *testing.T, db *sql.DB, table string) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name, COALESCE(sql, '') FROM sqlite_schema WHERE tbl_name = ?`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func journalVersionsIn(t *testing.T, db *sql.DB) map[string]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT patient_id, version FROM journal_versions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var v int64
		if err := rows.Scan(&p, &v); err != nil {
			t.Fatal(err)
		}
		out[p] = v
	}
	return out
}

// legacyChange is a change to an entry as the global counter numbered it.
type legacyChange struct {
	patient, id string
	seq         int64
	change      string // create, edit or delete
}

// lastSeqOf is the number of the entry's last change.
func lastSeqOf(legacy []legacyChange, id string) int64 {
	var seq int64
	for _, c := range legacy {
		if c.id == id {
			seq = c.seq
		}
	}
	return seq
}
