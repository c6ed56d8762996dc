package server_test

import (
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// newClinician creates a clinician account and signs it in over c.
func newClinician(t *testing.T, c *apitest.Client, name string) *patient {
	t.Helper()
	acct, token := c.CreateStaff(t, medjournalv1.Role_ROLE_CLINICIAN, name)
	return &patient{Client: c, account: acct, token: token}
}

// grant makes the patient invite the clinician and the clinician accept.
func grant(t *testing.T, p, clin *patient) {
	t.Helper()
	var inv medjournalv1.CreateInviteResponse
	p.mustCall(t, mj.CareTeamServiceCreateInviteProcedure, &medjournalv1.CreateInviteRequest{}, &inv)
	var acc medjournalv1.AcceptInviteResponse
	clin.mustCall(t, mj.CareTeamServiceAcceptInviteProcedure, &medjournalv1.AcceptInviteRequest{Code: inv.Code}, &acc)
	if acc.Patient.GetId() != p.account.Id {
		t.Fatalf("accepted invite of %v, want %s", acc.Patient, p.account.Id)
	}
}

func TestCareTeamGrantAndRevoke(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Granting")
		entry := p.createEntry(t, note(at("2026-05-05T10:00:00Z"), "private note"))
		clin := newClinician(t, c, "DrGrant")
		other := newClinician(t, c, "DrOther")

		readEntry := func(who *patient) error {
			return who.call(mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{PatientId: p.account.Id, Id: entry.Id}, &medjournalv1.GetEntryResponse{})
		}
		apitest.WantCode(t, readEntry(clin), connect.CodePermissionDenied)

		var inv medjournalv1.CreateInviteResponse
		p.mustCall(t, mj.CareTeamServiceCreateInviteProcedure, &medjournalv1.CreateInviteRequest{}, &inv)
		if len(inv.Code) != 9 || inv.ExpireTime.AsTime().Sub(env.Clock.Now()) != 24*time.Hour {
			t.Fatalf("invite = %v", &inv)
		}
		// Clinicians only accept; patients only invite.
		err := p.call(mj.CareTeamServiceAcceptInviteProcedure, &medjournalv1.AcceptInviteRequest{Code: inv.Code}, &medjournalv1.AcceptInviteResponse{})
		apitest.WantCode(t, err, connect.CodePermissionDenied)
		err = clin.call(mj.CareTeamServiceCreateInviteProcedure, &medjournalv1.CreateInviteRequest{}, &medjournalv1.CreateInviteResponse{})
		apitest.WantCode(t, err, connect.CodePermissionDenied)

		// The code is typed in lower case without the dash: still accepted, once.
		typed := inv.Code[:4] + inv.Code[5:]
		var acc medjournalv1.AcceptInviteResponse
		clin.mustCall(t, mj.CareTeamServiceAcceptInviteProcedure, &medjournalv1.AcceptInviteRequest{Code: strings.ToLower(typed)}, &acc)
		err = other.call(mj.CareTeamServiceAcceptInviteProcedure, &medjournalv1.AcceptInviteRequest{Code: inv.Code}, &medjournalv1.AcceptInviteResponse{})
		apitest.WantCode(t, err, connect.CodeNotFound)

		if err := readEntry(clin); err != nil {
			t.Fatalf("clinician with a grant cannot read: %v", err)
		}
		apitest.WantCode(t, readEntry(other), connect.CodePermissionDenied)
		// Read, never write.
		err = clin.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{PatientId: p.account.Id, Entry: note(at("2026-05-05T11:00:00Z"), "by clinician")}, &medjournalv1.CreateEntryResponse{})
		apitest.WantCode(t, err, connect.CodePermissionDenied)

		var patients medjournalv1.ListPatientsResponse
		clin.mustCall(t, mj.CareTeamServiceListPatientsProcedure, &medjournalv1.ListPatientsRequest{}, &patients)
		if len(patients.Patients) != 1 || patients.Patients[0].Id != p.account.Id {
			t.Errorf("clinician's patients = %v", patients.Patients)
		}
		var team medjournalv1.ListCareTeamResponse
		p.mustCall(t, mj.CareTeamServiceListCareTeamProcedure, &medjournalv1.ListCareTeamRequest{}, &team)
		if len(team.Clinicians) != 1 || team.Clinicians[0].Id != clin.account.Id {
			t.Errorf("patient's care team = %v", team.Clinicians)
		}

		// Revoking takes effect on the clinician's very next call.
		p.mustCall(t, mj.CareTeamServiceRevokeAccessProcedure, &medjournalv1.RevokeAccessRequest{ClinicianId: clin.account.Id}, &medjournalv1.RevokeAccessResponse{})
		apitest.WantCode(t, readEntry(clin), connect.CodePermissionDenied)
		clin.mustCall(t, mj.CareTeamServiceListPatientsProcedure, &medjournalv1.ListPatientsRequest{}, &patients)
		if len(patients.Patients) != 0 {
			t.Errorf("after revoke the clinician still lists %v", patients.Patients)
		}
		err = p.call(mj.CareTeamServiceRevokeAccessProcedure, &medjournalv1.RevokeAccessRequest{ClinicianId: clin.account.Id}, &medjournalv1.RevokeAccessResponse{})
		apitest.WantCode(t, err, connect.CodeNotFound)
	})
}

func TestInviteExpires(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.ConnectJSON)
	p := newPatient(t, c, "Slow")
	clin := newClinician(t, c, "DrLate")
	var inv medjournalv1.CreateInviteResponse
	p.mustCall(t, mj.CareTeamServiceCreateInviteProcedure, &medjournalv1.CreateInviteRequest{}, &inv)
	env.Clock.Advance(24*time.Hour + time.Second)
	err := clin.call(mj.CareTeamServiceAcceptInviteProcedure, &medjournalv1.AcceptInviteRequest{Code: inv.Code}, &medjournalv1.AcceptInviteResponse{})
	apitest.WantCode(t, err, connect.CodeNotFound)
}
