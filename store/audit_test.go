package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

func TestAuditTrailIsAppendOnlyAndTamperEvident(t *testing.T) {
	s, path := mustOpen(t)
	ctx := context.Background()
	for i, method := range []string{"/a/GetEntry", "/a/ListEntries", "GET /share", "/a/GetDay"} {
		err := s.RecordAudit(ctx, storage.AuditRecord{PatientID: "patient-1", ActorID: "clinician-1",
			Method: method, Action: medjournalv1.AuditAction(1 + i%2)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 4 {
		t.Fatalf("verify fresh trail: %d events, %v", n, err)
	}
	events, _, err := s.ListAuditEvents(ctx, storage.AuditFilter{PatientID: "patient-1", Limit: 10})
	if err != nil || len(events) != 4 || events[0].Method != "/a/GetDay" {
		t.Fatalf("list = %v, %v; want 4 events newest first", events, err)
	}

	db := rawDB(t, path)
	// SQL cannot change or remove events while the triggers stand.
	if _, err := db.Exec(`UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of an audit event: err = %v, want refused", err)
	}
	if _, err := db.Exec(`DELETE FROM audit_events WHERE seq = 2`); err == nil {
		t.Fatal("delete of an audit event succeeded")
	}

	// Someone with the file drops the triggers and rewrites history: verify finds where.
	if _, err := db.Exec(`DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	n, err := s.VerifyAudit(ctx)
	if !errors.Is(err, storage.ErrAuditTampered) || n != 1 || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("verify after an edit: %d intact, %v; want the break at event 2", n, err)
	}
	if _, err := db.Exec(`UPDATE audit_events SET actor_id = 'clinician-1' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("verify after restoring the row: %v", err)
	}
	if _, err := db.Exec(`DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	n, err = s.VerifyAudit(ctx)
	if !errors.Is(err, storage.ErrAuditTampered) || n != 2 || !strings.Contains(err.Error(), "removed") {
		t.Fatalf("verify after a deletion: %d intact, %v; want the break at event 3", n, err)
	}
}
