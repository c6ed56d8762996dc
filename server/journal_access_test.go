package server_test

import (
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// TestJournalNeverLeaks calls every JournalService method as another patient, as a
// clinician without a grant and as an admin, aimed at one patient's data. None of them
// gets the data, and none of them changes it.
func TestJournalNeverLeaks(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		owner := newPatient(t, c, "Owner")
		med := owner.addMedication(t, "baricitinib")
		entry := owner.createEntry(t, symptom(at("2026-09-01T10:00:00Z"), "fever", medjournalv1.Severity_SEVERITY_SEVERE))
		ownerID := owner.account.Id

		stranger := newPatient(t, c, "Stranger")
		_, clinToken := c.CreateStaff(t, medjournalv1.Role_ROLE_CLINICIAN, "Clinician")
		clinician := &patient{Client: c, token: clinToken}
		_, adminToken := c.CreateStaff(t, medjournalv1.Role_ROLE_ADMIN, "Admin")
		admin := &patient{Client: c, token: adminToken}

		stolenEntry := proto.Clone(entry).(*medjournalv1.Entry)
		stolenEntry.Comment = "overwritten"
		calls := []struct {
			name      string
			procedure string
			req       proto.Message
			resp      proto.Message
			// what another patient passing patient_id, and one passing only ids, gets
			byID bool
		}{
			{"GetMedication", mj.JournalServiceGetMedicationProcedure, &medjournalv1.GetMedicationRequest{Id: med.Id}, &medjournalv1.GetMedicationResponse{}, true},
			{"UpdateMedication", mj.JournalServiceUpdateMedicationProcedure, &medjournalv1.UpdateMedicationRequest{Medication: &medjournalv1.Medication{Id: med.Id, DisplayName: "x"}}, &medjournalv1.UpdateMedicationResponse{}, true},
			{"DeleteMedication", mj.JournalServiceDeleteMedicationProcedure, &medjournalv1.DeleteMedicationRequest{Id: med.Id}, &medjournalv1.DeleteMedicationResponse{}, true},
			{"GetEntry", mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: entry.Id}, &medjournalv1.GetEntryResponse{}, true},
			{"UpdateEntry", mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{Entry: stolenEntry}, &medjournalv1.UpdateEntryResponse{}, true},
			{"DeleteEntry", mj.JournalServiceDeleteEntryProcedure, &medjournalv1.DeleteEntryRequest{Id: entry.Id}, &medjournalv1.DeleteEntryResponse{}, true},
			{"ListEntries", mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{PatientId: ownerID}, &medjournalv1.ListEntriesResponse{}, false},
			{"ListMedications", mj.JournalServiceListMedicationsProcedure, &medjournalv1.ListMedicationsRequest{PatientId: ownerID}, &medjournalv1.ListMedicationsResponse{}, false},
			{"GetDay", mj.JournalServiceGetDayProcedure, &medjournalv1.GetDayRequest{PatientId: ownerID, Date: "2026-09-01"}, &medjournalv1.GetDayResponse{}, false},
			{"CreateEntry", mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{PatientId: ownerID, Entry: note(at("2026-09-01T11:00:00Z"), "planted")}, &medjournalv1.CreateEntryResponse{}, false},
			{"CreateMedication", mj.JournalServiceCreateMedicationProcedure, &medjournalv1.CreateMedicationRequest{PatientId: ownerID, Medication: &medjournalv1.Medication{DrugCode: "tofacitinib"}}, &medjournalv1.CreateMedicationResponse{}, false},
		}
		for _, call := range calls {
			t.Run(call.name, func(t *testing.T) {
				for _, who := range []struct {
					name string
					p    *patient
				}{{"stranger", stranger}, {"clinician without grant", clinician}, {"admin", admin}} {
					resp := call.resp.ProtoReflect().New().Interface()
					err := who.p.call(call.procedure, call.req, resp)
					if err == nil {
						t.Fatalf("%s called %s on another journal and got %v", who.name, call.name, resp)
					}
					code := connect.CodeOf(err)
					if code != connect.CodeNotFound && code != connect.CodePermissionDenied && code != connect.CodeInvalidArgument {
						t.Errorf("%s: code %v, want not_found or permission_denied", who.name, code)
					}
				}
			})
		}
		// Sync as the stranger cannot touch the owner's entry either.
		stranger.sync(t, &medjournalv1.SyncRequest{Deletes: []string{entry.Id}})

		// Nothing changed in the owner's journal.
		var got medjournalv1.GetEntryResponse
		owner.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: entry.Id}, &got)
		if !proto.Equal(got.Entry, entry) {
			t.Errorf("entry changed to %v", got.Entry)
		}
		var meds medjournalv1.ListMedicationsResponse
		owner.mustCall(t, mj.JournalServiceListMedicationsProcedure, &medjournalv1.ListMedicationsRequest{}, &meds)
		if len(meds.Medications) != 1 || meds.Medications[0].DisplayName != "" {
			t.Errorf("medications changed to %v", meds.Medications)
		}
		if n := len(owner.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 1 {
			t.Errorf("owner's journal has %d entries, want 1", n)
		}
		// A dose may not refer to another patient's medication.
		err := stranger.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{
			Entry: dose(at("2026-09-01T08:00:00Z"), med.Id, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		}, &medjournalv1.CreateEntryResponse{})
		apitest.WantInvalidField(t, err, "entry.dose.medication_id")
		// Nor be changed to refer to one, and the refused change leaves the dose as it was.
		own := stranger.addMedication(t, "upadacitinib")
		strangerDose := stranger.createEntry(t, dose(at("2026-09-01T08:00:00Z"), own.Id, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN))
		moved := proto.Clone(strangerDose).(*medjournalv1.Entry)
		moved.GetDose().MedicationId = med.Id
		err = stranger.call(mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{Entry: moved}, &medjournalv1.UpdateEntryResponse{})
		apitest.WantInvalidField(t, err, "entry.dose.medication_id")
		var kept medjournalv1.GetEntryResponse
		stranger.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: strangerDose.Id}, &kept)
		if got := kept.GetEntry().GetDose().GetMedicationId(); got != own.Id {
			t.Errorf("after the refused update the dose names medication %s, want %s", got, own.Id)
		}
	})
}

// TestEntryBadInput: each bad entry is invalid_argument naming the field, and nothing is
// written.
func TestEntryBadInput(t *testing.T) {
	env := apitest.Start(t)
	future := env.Clock.Now().Add(3 * 60 * 60 * 1e9)
	cases := []struct {
		name  string
		entry func(medID string) *medjournalv1.Entry
		field string
	}{
		{"no kind", func(string) *medjournalv1.Entry {
			return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: at("2026-01-01T00:00:00Z")}
		}, "kind"},
		{"no time", func(string) *medjournalv1.Entry { return note(nil, "x") }, "occurred_time"},
		{"far future", func(string) *medjournalv1.Entry { return note(at(future.Format("2006-01-02T15:04:05Z")), "x") }, "occurred_time"},
		{"bad id", func(string) *medjournalv1.Entry {
			e := note(at("2026-01-01T00:00:00Z"), "x")
			e.Id = "entry-1"
			return e
		}, "entry.id"},
		{"unknown symptom", func(string) *medjournalv1.Entry {
			return symptom(at("2026-01-01T00:00:00Z"), "purple_toes", medjournalv1.Severity_SEVERITY_MILD)
		}, "entry.symptom.code"},
		{"no severity", func(string) *medjournalv1.Entry {
			return symptom(at("2026-01-01T00:00:00Z"), "fever", 0)
		}, "entry.symptom.severity"},
		{"undefined severity", func(string) *medjournalv1.Entry {
			return symptom(at("2026-01-01T00:00:00Z"), "fever", 9)
		}, "entry.symptom.severity"},
		{"temperature 3 Cel", func(string) *medjournalv1.Entry {
			return vital(at("2026-01-01T00:00:00Z"), "body_temperature", 3, "Cel")
		}, "entry.vital.value"},
		{"temperature 300 Cel", func(string) *medjournalv1.Entry {
			return vital(at("2026-01-01T00:00:00Z"), "body_temperature", 300, "Cel")
		}, "entry.vital.value"},
		{"temperature in mg", func(string) *medjournalv1.Entry {
			return vital(at("2026-01-01T00:00:00Z"), "body_temperature", 38, "mg")
		}, "entry.vital.unit"},
		{"unknown vital", func(string) *medjournalv1.Entry {
			return vital(at("2026-01-01T00:00:00Z"), "aura", 3, "%")
		}, "entry.vital.code"},
		{"unknown LOINC", func(string) *medjournalv1.Entry {
			return lab(at("2026-01-01T00:00:00Z"), "1234-5", 3, "mg/dL")
		}, "entry.lab.code"},
		{"not a LOINC", func(string) *medjournalv1.Entry {
			return lab(at("2026-01-01T00:00:00Z"), "ANC", 3, "10*3/uL")
		}, "entry.lab.code"},
		{"hemoglobin in U/L", func(string) *medjournalv1.Entry {
			return lab(at("2026-01-01T00:00:00Z"), "718-7", 13, "U/L")
		}, "entry.lab.unit"},
		{"negative lab", func(string) *medjournalv1.Entry {
			return lab(at("2026-01-01T00:00:00Z"), "718-7", -1, "g/dL")
		}, "entry.lab.value"},
		{"reference range reversed", func(string) *medjournalv1.Entry {
			e := lab(at("2026-01-01T00:00:00Z"), "718-7", 12, "g/dL")
			e.GetLab().ReferenceLow, e.GetLab().ReferenceHigh = proto.Float64(15), proto.Float64(12)
			return e
		}, "reference_low"},
		{"dose of unknown medication", func(string) *medjournalv1.Entry {
			return dose(at("2026-01-01T00:00:00Z"), uuid.NewString(), medjournalv1.DoseStatus_DOSE_STATUS_TAKEN)
		}, "entry.dose.medication_id"},
		{"dose without status", func(medID string) *medjournalv1.Entry {
			return dose(at("2026-01-01T00:00:00Z"), medID, 0)
		}, "entry.dose.status"},
		{"empty note", func(string) *medjournalv1.Entry { return note(at("2026-01-01T00:00:00Z"), "") }, "entry.note.text"},
		{"comment too long", func(string) *medjournalv1.Entry {
			e := note(at("2026-01-01T00:00:00Z"), "x")
			e.Comment = strings.Repeat("a", 4001)
			return e
		}, "entry.comment"},
	}
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Careless")
		med := p.addMedication(t, "upadacitinib")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: tc.entry(med.Id)}, &medjournalv1.CreateEntryResponse{})
				apitest.WantInvalidField(t, err, tc.field)
			})
		}
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 0 {
			t.Fatalf("refused entries wrote %d rows", n)
		}
	})
}
