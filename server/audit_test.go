package server_test

import (
	"testing"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

func (p *patient) auditEvents(t *testing.T, req *medjournalv1.ListAuditEventsRequest) []*medjournalv1.AuditEvent {
	t.Helper()
	var resp medjournalv1.ListAuditEventsResponse
	p.mustCall(t, mj.AuditServiceListAuditEventsProcedure, req, &resp)
	return resp.Events
}

// TestAuditRecordsClinicianAccess: what a clinician reads or changes is in the patient's
// trail, with who, what and how; the patient's own use is not; only the patient and
// admins read the trail.
func TestAuditRecordsClinicianAccess(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Audited")
		clin := newClinician(t, c, "DrAudit")
		grant(t, p, clin)
		entry := p.createEntry(t, fever("2026-09-20T08:00:00Z", 38.6))
		p.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: entry.Id}, &medjournalv1.GetEntryResponse{})
		before := len(p.auditEvents(t, &medjournalv1.ListAuditEventsRequest{}))

		clin.mustCall(t, mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{PatientId: p.account.Id}, &medjournalv1.ListEntriesResponse{})
		clin.mustCall(t, mj.FollowUpServiceAcknowledgeFlagProcedure, &medjournalv1.AcknowledgeFlagRequest{FlagId: entry.FlagIds[0]}, &medjournalv1.AcknowledgeFlagResponse{})
		// A refused call read nothing and is not a read.
		_ = clin.call(mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{PatientId: p.account.Id, Id: "00000000-0000-4000-8000-000000000000"}, &medjournalv1.GetEntryResponse{})

		events := p.auditEvents(t, &medjournalv1.ListAuditEventsRequest{})
		added := events[:len(events)-before]
		if len(added) != 2 {
			t.Fatalf("clinician's calls added %d events, want 2: %v", len(added), added)
		}
		ack, list := added[0], added[1] // newest first
		if list.Method != mj.JournalServiceListEntriesProcedure || list.Action != medjournalv1.AuditAction_AUDIT_ACTION_READ ||
			list.ActorId != clin.account.Id || list.ActorDisplayName != clin.account.DisplayName || list.PatientId != p.account.Id {
			t.Errorf("read event = %v", list)
		}
		if ack.Method != mj.FollowUpServiceAcknowledgeFlagProcedure || ack.Action != medjournalv1.AuditAction_AUDIT_ACTION_CHANGE {
			t.Errorf("change event = %v", ack)
		}
		for _, ev := range events {
			if ev.ActorId == p.account.Id {
				t.Errorf("the patient's own access was audited: %v", ev)
			}
		}

		err := clin.call(mj.AuditServiceListAuditEventsProcedure, &medjournalv1.ListAuditEventsRequest{PatientId: p.account.Id}, &medjournalv1.ListAuditEventsResponse{})
		apitest.WantCode(t, err, connect.CodePermissionDenied)
		other := newPatient(t, c, "Nosy")
		err = other.call(mj.AuditServiceListAuditEventsProcedure, &medjournalv1.ListAuditEventsRequest{PatientId: p.account.Id}, &medjournalv1.ListAuditEventsResponse{})
		apitest.WantCode(t, err, connect.CodePermissionDenied)

		adminAcct, adminToken := c.CreateStaff(t, medjournalv1.Role_ROLE_ADMIN, "Auditor")
		admin := &patient{Client: c, token: adminToken}
		seen := admin.auditEvents(t, &medjournalv1.ListAuditEventsRequest{PatientId: p.account.Id})
		if len(seen) < 2 {
			t.Errorf("admin sees %d events of the patient", len(seen))
		}
		// The admin's reading is itself recorded.
		if got := p.auditEvents(t, &medjournalv1.ListAuditEventsRequest{}); got[0].ActorId != adminAcct.Id || got[0].Method != mj.AuditServiceListAuditEventsProcedure {
			t.Errorf("newest event after the admin read = %v", got[0])
		}
	})
}
