package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// TestAuditChainsPerPatient: each event chains to the previous event of the same patient,
// however the patients' events interleave, so writers of different patients never need the
// same row. Verify checks every patient's chain and names the first event, in the order
// written, that was changed or follows a removed one.
func TestAuditChainsPerPatient(t *testing.T) {
	s, path := mustOpen(t)
	ctx := context.Background()
	patients := []string{"patient-a", "patient-b", "patient-c"}
	record := func(patient string, i int) {
		if err := s.RecordAudit(ctx, storage.AuditRecord{PatientID: patient, ActorID: "clinician-1",
			Method: fmt.Sprintf("/a/Get%d", i), Action: medjournalv1.AuditAction_AUDIT_ACTION_READ}); err != nil {
			t.Error(err)
		}
	}
	// Three rounds taking turns, then concurrent writers.
	const each = 20
	for i := range 3 {
		for _, p := range patients {
			record(p, i)
		}
	}
	var wg sync.WaitGroup
	for _, p := range patients {
		for i := 3; i < each; i++ {
			wg.Go(func() { record(p, i) })
		}
	}
	wg.Wait()
	if n, err := s.VerifyAudit(ctx); err != nil || n != len(patients)*each {
		t.Fatalf("verify: %d events, %v; want %d intact", n, err, len(patients)*each)
	}

	db := rawDB(t, path)
	type event struct {
		seq            int64
		patient        string
		prevHash, hash []byte
	}
	var events []event
	rows, err := db.Query(`SELECT seq, patient_id, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e event
		if err := rows.Scan(&e.seq, &e.patient, &e.prevHash, &e.hash); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	rows.Close()
	last := map[string][]byte{}
	for _, e := range events {
		if want := last[e.patient]; !bytes.Equal(e.prevHash, want) {
			t.Errorf("event seq %d of %s chains to %x, want its patient's previous event %x", e.seq, e.patient, e.prevHash, want)
		}
		last[e.patient] = e.hash
	}

	// A changed event is named by its place in the whole trail.
	if _, err := db.Exec(`DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete`); err != nil {
		t.Fatal(err)
	}
	changed := 4 // patient-b's second event, in the rounds taking turns
	if _, err := db.Exec(`UPDATE audit_events SET method = '/a/Other' WHERE seq = ?`, events[changed].seq); err != nil {
		t.Fatal(err)
	}
	n, err := s.VerifyAudit(ctx)
	if !errors.Is(err, storage.ErrAuditTampered) || n != changed || !strings.Contains(err.Error(), fmt.Sprintf("event %d (seq %d) was changed", changed+1, events[changed].seq)) {
		t.Fatalf("verify after an edit: %d intact, %v; want the break at event %d", n, err, changed+1)
	}
	if _, err := db.Exec(`DELETE FROM audit_events WHERE seq = ?`, events[changed].seq); err != nil {
		t.Fatal(err)
	}
	// A removed event is found at its patient's next event, not at the next of the trail.
	next := changed + len(patients)
	n, err = s.VerifyAudit(ctx)
	if !errors.Is(err, storage.ErrAuditTampered) || n != next-1 || !strings.Contains(err.Error(), fmt.Sprintf("event %d (seq %d) does not follow", next, events[next].seq)) {
		t.Fatalf("verify after a deletion: %d intact, %v; want the break at seq %d, %s's next event", n, err, events[next].seq, events[changed].patient)
	}
}
