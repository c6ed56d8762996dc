package server_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// The roles every method is called as.
const (
	anon = iota
	owner
	stranger
	clinGrant
	clinNoGrant
	admin
	roleCount
)

var roleNames = [roleCount]string{"anonymous", "owner", "other patient", "clinician with grant", "clinician without grant", "admin"}

// ok marks the calls that must succeed; any other value is the code the call must fail with.
const ok connect.Code = 0

// matrixEntry is one method's expectation per role, with a request builder that aims at
// the owner's data (fresh resources for calls that would consume them).
type matrixEntry struct {
	want [roleCount]connect.Code
	req  func(t *testing.T, w *world) proto.Message
}

type (
	u = connect.Code
)

const (
	unauth = connect.CodeUnauthenticated
	denied = connect.CodePermissionDenied
	notFnd = connect.CodeNotFound
)

// allSignedIn expects ok for every signed-in role.
var allSignedIn = [roleCount]connect.Code{unauth, ok, ok, ok, ok, ok}

// world is the data the matrix aims at.
type world struct {
	env     *apitest.Env
	c       *apitest.Client
	owner   *patient
	clin    *patient // has the owner's grant
	spare   *medjournalv1.Account
	med     *medjournalv1.Medication
	entry   *medjournalv1.Entry
	flagID  string
	link    *medjournalv1.ShareLink
	session string // an extra session of the owner's
	seq     atomic.Int64
}

// freshFlag opens a new flag for the owner: a fever far from every other.
func (w *world) freshFlag(t *testing.T) string {
	n := w.seq.Add(1)
	when := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, int(30*n))
	return w.owner.createEntry(t, vital(timestamppb.New(when), "body_temperature", 38.5, "Cel")).FlagIds[0]
}

func (w *world) freshEntry(t *testing.T) *medjournalv1.Entry {
	return w.owner.createEntry(t, note(at("2026-01-01T08:00:00Z"), "fresh"))
}

// matrix lists every method of every service. TestAuthorizationMatrix fails for a method
// missing here, so a new method cannot ship without its authorization decided.
var matrix = map[string]matrixEntry{
	mj.AccountServiceSignUpProcedure: {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.SignUpRequest{Email: apitest.UniqueEmail("m"), Password: apitest.Password, DisplayName: "M", TimeZone: "UTC"}
	}},
	mj.AccountServiceSignInProcedure: {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.SignInRequest{Email: w.owner.account.Email, Password: apitest.Password}
	}},
	mj.AccountServiceSignOutProcedure:    {allSignedIn, func(*testing.T, *world) proto.Message { return &medjournalv1.SignOutRequest{} }},
	mj.AccountServiceGetAccountProcedure: {allSignedIn, func(*testing.T, *world) proto.Message { return &medjournalv1.GetAccountRequest{} }},
	mj.AccountServiceUpdateProfileProcedure: {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message {
		return &medjournalv1.UpdateProfileRequest{Profile: &medjournalv1.Profile{BirthYear: 1970}}
	}},
	mj.AccountServiceListSessionsProcedure: {allSignedIn, func(*testing.T, *world) proto.Message { return &medjournalv1.ListSessionsRequest{} }},
	mj.AccountServiceRevokeSessionProcedure: {[roleCount]u{unauth, ok, notFnd, notFnd, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.RevokeSessionRequest{SessionId: w.owner.newSessionID(t)}
	}},

	mj.CareTeamServiceCreateInviteProcedure: {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.CreateInviteRequest{} }},
	mj.CareTeamServiceAcceptInviteProcedure: {[roleCount]u{unauth, denied, denied, notFnd, notFnd, denied}, func(*testing.T, *world) proto.Message {
		return &medjournalv1.AcceptInviteRequest{Code: "0000-0000"} // no such code: no side effect
	}},
	mj.CareTeamServiceListPatientsProcedure: {[roleCount]u{unauth, denied, denied, ok, ok, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListPatientsRequest{} }},
	mj.CareTeamServiceListCareTeamProcedure: {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListCareTeamRequest{} }},
	mj.CareTeamServiceRevokeAccessProcedure: {[roleCount]u{unauth, notFnd, notFnd, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.RevokeAccessRequest{ClinicianId: w.spare.Id} // never granted: no side effect
	}},

	mj.JournalServiceCreateMedicationProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.CreateMedicationRequest{PatientId: w.owner.account.Id, Medication: &medjournalv1.Medication{DrugCode: "baricitinib"}}
	}},
	mj.JournalServiceGetMedicationProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.GetMedicationRequest{PatientId: w.owner.account.Id, Id: w.med.Id}
	}},
	mj.JournalServiceListMedicationsProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ListMedicationsRequest{PatientId: w.owner.account.Id}
	}},
	mj.JournalServiceUpdateMedicationProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.UpdateMedicationRequest{PatientId: w.owner.account.Id, Medication: &medjournalv1.Medication{Id: w.med.Id, DrugCode: "upadacitinib", Schedule: "once daily"}}
	}},
	mj.JournalServiceDeleteMedicationProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.DeleteMedicationRequest{PatientId: w.owner.account.Id, Id: w.owner.addMedication(t, "prednisone").Id}
	}},
	mj.JournalServiceCreateEntryProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.CreateEntryRequest{PatientId: w.owner.account.Id, Entry: note(at("2026-01-02T08:00:00Z"), "matrix")}
	}},
	mj.JournalServiceGetEntryProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.GetEntryRequest{PatientId: w.owner.account.Id, Id: w.entry.Id}
	}},
	mj.JournalServiceListEntriesProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ListEntriesRequest{PatientId: w.owner.account.Id}
	}},
	mj.JournalServiceUpdateEntryProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		e := w.freshEntry(t)
		return &medjournalv1.UpdateEntryRequest{PatientId: w.owner.account.Id, Entry: &medjournalv1.Entry{Id: e.Id, OccurredTime: e.OccurredTime, Kind: e.Kind, Comment: "edited"}}
	}},
	mj.JournalServiceDeleteEntryProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.DeleteEntryRequest{PatientId: w.owner.account.Id, Id: w.freshEntry(t).Id}
	}},
	mj.JournalServiceGetDayProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.GetDayRequest{PatientId: w.owner.account.Id, Date: "2026-01-01"}
	}},
	// Sync always works on the caller's own journal.
	mj.JournalServiceSyncProcedure: {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.SyncRequest{} }},

	mj.FollowUpServiceListFlagsProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ListFlagsRequest{PatientId: w.owner.account.Id}
	}},
	mj.FollowUpServiceGetFlagProcedure: {[roleCount]u{unauth, ok, notFnd, ok, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.GetFlagRequest{FlagId: w.flagID}
	}},
	mj.FollowUpServiceAcknowledgeFlagProcedure: {[roleCount]u{unauth, denied, notFnd, ok, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.AcknowledgeFlagRequest{FlagId: w.freshFlag(t)}
	}},
	mj.FollowUpServiceResolveFlagProcedure: {[roleCount]u{unauth, denied, notFnd, ok, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ResolveFlagRequest{FlagId: w.freshFlag(t), Note: "done"}
	}},
	mj.FollowUpServiceDismissFlagProcedure: {[roleCount]u{unauth, denied, notFnd, ok, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.DismissFlagRequest{FlagId: w.freshFlag(t), Note: "not needed"}
	}},
	mj.FollowUpServiceAddFlagNoteProcedure: {[roleCount]u{unauth, ok, notFnd, ok, notFnd, notFnd}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.AddFlagNoteRequest{FlagId: w.flagID, Text: "note"}
	}},
	mj.FollowUpServiceWatchFlagsProcedure: {[roleCount]u{unauth, denied, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.WatchFlagsRequest{PatientId: w.owner.account.Id}
	}},

	mj.CatalogServiceListDrugsProcedure:       {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListDrugsRequest{} }},
	mj.CatalogServiceListSymptomsProcedure:    {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListSymptomsRequest{} }},
	mj.CatalogServiceListVitalsProcedure:      {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListVitalsRequest{} }},
	mj.CatalogServiceListLabTestsProcedure:    {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListLabTestsRequest{} }},
	mj.CatalogServiceListRiskFactorsProcedure: {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListRiskFactorsRequest{} }},
	mj.CatalogServiceListRulesProcedure:       {[roleCount]u{ok, ok, ok, ok, ok, ok}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListRulesRequest{} }},

	mj.ExportServiceExportJournalProcedure: {[roleCount]u{unauth, ok, denied, ok, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ExportJournalRequest{PatientId: w.owner.account.Id, Format: medjournalv1.ExportFormat_EXPORT_FORMAT_CSV}
	}},
	mj.ExportServiceCreateShareLinkProcedure: {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.CreateShareLinkRequest{} }},
	mj.ExportServiceListShareLinksProcedure:  {[roleCount]u{unauth, ok, ok, denied, denied, denied}, func(*testing.T, *world) proto.Message { return &medjournalv1.ListShareLinksRequest{} }},
	mj.ExportServiceRevokeShareLinkProcedure: {[roleCount]u{unauth, ok, notFnd, denied, denied, denied}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.RevokeShareLinkRequest{Id: w.link.Id}
	}},

	mj.AuditServiceListAuditEventsProcedure: {[roleCount]u{unauth, ok, denied, denied, denied, ok}, func(t *testing.T, w *world) proto.Message {
		return &medjournalv1.ListAuditEventsRequest{PatientId: w.owner.account.Id}
	}},
}

// newSessionID signs the patient in once more and returns the new session's id.
func (p *patient) newSessionID(t *testing.T) string {
	token := p.SignIn(t, p.account.Email, apitest.Password)
	var list medjournalv1.ListSessionsResponse
	if err := p.Call(context.Background(), mj.AccountServiceListSessionsProcedure, token, &medjournalv1.ListSessionsRequest{}, &list); err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Sessions {
		if s.Current {
			return s.Id
		}
	}
	t.Fatal("no current session")
	return ""
}

// TestAuthorizationMatrix calls every RPC of every service, found from the generated
// descriptors, as each role, and checks the outcome against the matrix.
func TestAuthorizationMatrix(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		w := &world{env: env, c: c, owner: newPatient(t, c, "MatrixOwner")}
		w.clin = newClinician(t, c, "DrMatrix")
		grant(t, w.owner, w.clin)
		w.spare, _ = c.CreateStaff(t, medjournalv1.Role_ROLE_CLINICIAN, "DrSpare")
		w.med = w.owner.addMedication(t, "upadacitinib")
		w.entry = w.freshEntry(t)
		w.flagID = w.freshFlag(t)
		var link medjournalv1.CreateShareLinkResponse
		w.owner.mustCall(t, mj.ExportServiceCreateShareLinkProcedure, &medjournalv1.CreateShareLinkRequest{}, &link)
		w.link = link.ShareLink

		strangerAcct, _ := c.SignUp(t, "MatrixStranger")
		noGrant, _ := c.CreateStaff(t, medjournalv1.Role_ROLE_CLINICIAN, "DrNoGrant")
		adminAcct, _ := c.CreateStaff(t, medjournalv1.Role_ROLE_ADMIN, "MatrixAdmin")
		emails := [roleCount]string{"", w.owner.account.Email, strangerAcct.Email, w.clin.account.Email, noGrant.Email, adminAcct.Email}

		for _, m := range apitest.Methods(t) {
			entry, listed := matrix[m.Procedure]
			if !listed {
				t.Errorf("%s has no entry in the authorization matrix; decide who may call it", m.Procedure)
				continue
			}
			for role := range roleCount {
				// A fresh session per call, so SignOut and RevokeSession cannot spoil
				// the calls after them.
				token := ""
				if role != anon {
					token = c.SignIn(t, emails[role], apitest.Password)
				}
				err := m.Call(context.Background(), c, token, entry.req(t, w))
				want := entry.want[role]
				if got := connect.CodeOf(err); (want == ok) != (err == nil) || (err != nil && got != want) {
					t.Errorf("%s as %s: %v, want %s", m.Procedure, roleNames[role], errOrOK(err), codeName(want))
				}
			}
		}
	})
}

func errOrOK(err error) string {
	if err == nil {
		return "ok"
	}
	return fmt.Sprint(err)
}

func codeName(c connect.Code) string {
	if c == ok {
		return "ok"
	}
	return c.String()
}
