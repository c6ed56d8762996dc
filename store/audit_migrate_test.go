package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// TestAuditLegacyChainVerifiesAfterMigration: a trail written as one chain across all
// patients (before migration 11) still verifies as it was chained once events chain per
// patient; each patient's first new event chains to its last old one; and verify names the
// first tampered event whether it is old or new, including the old chain's last event,
// whose patient wrote nothing since.
func TestAuditLegacyChainVerifiesAfterMigration(t *testing.T) {
	// Seqs 1-7 are written as one chain, 8-11 per patient: A's first new event follows
	// A's seq 5, B's follows B's seq 6, D's follows nothing; C, whose event ends the old
	// chain, writes nothing since.
	legacy := []string{"pa", "pb", "pa", "pc", "pa", "pb", "pc"}
	later := []string{"pa", "pd", "pb", "pa"}
	for _, tc := range []struct {
		name    string
		tamper  string // SQL run with the append-only triggers dropped
		intact  int    // events verified before the break
		message string
	}{
		{"intact", "", len(legacy) + len(later), ""},
		{"old event changed", `UPDATE audit_events SET method = '/x' WHERE seq = 2`, 1, "event 2 (seq 2) was changed"},
		{"old event removed", `DELETE FROM audit_events WHERE seq = 3`, 2, "event 3 (seq 4) does not follow"},
		{"old chain's last event removed", `DELETE FROM audit_events WHERE seq = 7`, 6, "end at event 6"},
		{"old chain's last event changed", `UPDATE audit_events SET actor_id = 'x' WHERE seq = 7`, 6, "event 7 (seq 7) was changed"},
		{"a patient's last old event removed", `DELETE FROM audit_events WHERE seq = 6`, 5, "event 6 (seq 7) does not follow"},
		{"new event changed", `UPDATE audit_events SET method = '/x' WHERE seq = 9`, 8, "event 9 (seq 9) was changed"},
		{"new event removed", `DELETE FROM audit_events WHERE seq = 8`, 9, "event 10 (seq 11) does not follow"},
		{"the boundary removed", `DELETE FROM audit_chain`, 0, "per-patient chains begin was removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "v10.db")
			db := databaseAt(t, path, 10)
			for i, p := range legacy {
				appendGlobalAudit(t, db, storage.AuditRecord{PatientID: p, ActorID: "clinician", Method: fmt.Sprintf("/old/%d", i),
					Action: medjournalv1.AuditAction_AUDIT_ACTION_READ})
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i, p := range later {
				if err := s.RecordAudit(ctx, storage.AuditRecord{PatientID: p, ActorID: "clinician", Method: fmt.Sprintf("/new/%d", i),
					Action: medjournalv1.AuditAction_AUDIT_ACTION_CHANGE}); err != nil {
					t.Fatal(err)
				}
			}
			hashes := auditHashes(t, s.reader)
			for seq, want := range map[int64][]byte{8: hashes[5].hash, 9: {}, 10: hashes[6].hash, 11: hashes[8].hash} {
				if got := hashes[seq].prevHash; !bytes.Equal(got, want) {
					t.Errorf("event seq %d chains to %x, want %x", seq, got, want)
				}
			}
			if tc.tamper != "" {
				raw, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer raw.Close()
				for _, stmt := range []string{
					`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`,
					`DROP TRIGGER audit_chain_no_delete`, tc.tamper,
				} {
					if _, err := raw.Exec(stmt); err != nil {
						t.Fatal(err)
					}
				}
			}
			n, err := s.VerifyAudit(ctx)
			if tc.message == "" {
				if err != nil || n != tc.intact {
					t.Fatalf("verify: %d events, %v; want %d intact", n, err, tc.intact)
				}
				return
			}
			if !errors.Is(err, storage.ErrAuditTampered) || n != tc.intact || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("verify: %d intact, %v; want %d intact and %q", n, err, tc.intact, tc.message)
			}
		})
	}
}

// TestAuditChainBoundaryIsAppendOnly: the record of where per-patient chains begin cannot
// be changed or removed through SQL while its triggers stand, and holds one row.
func TestAuditChainBoundaryIsAppendOnly(t *testing.T) {
	s, path := openTemp(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`UPDATE audit_chain SET per_patient_from = 5`,
		`DELETE FROM audit_chain`,
		`INSERT INTO audit_chain (id, per_patient_from, legacy_head) VALUES (2, 1, x'')`,
	} {
		if _, err := db.Exec(stmt); err == nil {
			t.Errorf("%s: succeeded", stmt)
		}
	}
	if n, err := s.VerifyAudit(context.Background()); err != nil || n != 0 {
		t.Errorf("verify an empty trail: %d, %v", n, err)
	}
}

// appendGlobalAudit appends rec as medjournal did before migration 11: chained to the
// newest event of all patients.
func appendGlobalAudit(t *testing.T, db *sql.DB, rec storage.AuditRecord) {
	t.Helper()
	prev := []byte{}
	err := db.QueryRow(`SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	row := auditRow{id: uuid.NewString(), rec: rec, createTime: 1_700_000_000_000}
	if _, err := db.Exec(`INSERT INTO audit_events (id, patient_id, actor_id, share_link_id, method, action,
		create_time, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.id, rec.PatientID, rec.ActorID, rec.ShareLinkID, rec.Method, int32(rec.Action), row.createTime,
		prev, row.hash(prev)); err != nil {
		t.Fatal(err)
	}
}

type chainLink struct{ prevHash, hash []byte }

// auditHashes maps each event's seq to its chain link.
func auditHashes(t *testing.T, db *sql.DB) map[int64]chainLink {
	t.Helper()
	rows, err := db.Query(`SELECT seq, prev_hash, hash FROM audit_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]chainLink{}
	for rows.Next() {
		var seq int64
		var l chainLink
		if err := rows.Scan(&seq, &l.prevHash, &l.hash); err != nil {
			t.Fatal(err)
		}
		out[seq] = l
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
