package server_test

import (
	"math"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

func TestMedications(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Meds")
		rinvoq := p.addMedication(t, "upadacitinib")
		if rinvoq.Id == "" || rinvoq.PatientId != p.account.Id || rinvoq.CreateTime == nil {
			t.Fatalf("created %v", rinvoq)
		}
		// A client-chosen id: a retry with the same content returns the same medication.
		mtx := &medjournalv1.Medication{Id: uuid.NewString(), DrugCode: "methotrexate", DisplayName: "MTX", DoseAmount: 15, DoseUnit: "mg", Schedule: "weekly"}
		var first, retry medjournalv1.CreateMedicationResponse
		p.mustCall(t, mj.JournalServiceCreateMedicationProcedure, &medjournalv1.CreateMedicationRequest{Medication: mtx}, &first)
		p.mustCall(t, mj.JournalServiceCreateMedicationProcedure, &medjournalv1.CreateMedicationRequest{Medication: mtx}, &retry)
		if !proto.Equal(first.Medication, retry.Medication) {
			t.Errorf("retry returned %v, want %v", retry.Medication, first.Medication)
		}
		changed := proto.Clone(mtx).(*medjournalv1.Medication)
		changed.DoseAmount = 20
		err := p.call(mj.JournalServiceCreateMedicationProcedure, &medjournalv1.CreateMedicationRequest{Medication: changed}, &retry)
		apitest.WantCode(t, err, connect.CodeAlreadyExists)

		var list medjournalv1.ListMedicationsResponse
		p.mustCall(t, mj.JournalServiceListMedicationsProcedure, &medjournalv1.ListMedicationsRequest{}, &list)
		if len(list.Medications) != 2 || list.Medications[0].DisplayName != "MTX" {
			t.Fatalf("list = %v, want MTX then upadacitinib", list.Medications)
		}

		// Update with a mask: only end_date changes.
		var upd medjournalv1.UpdateMedicationResponse
		p.mustCall(t, mj.JournalServiceUpdateMedicationProcedure, &medjournalv1.UpdateMedicationRequest{
			Medication: &medjournalv1.Medication{Id: rinvoq.Id, EndDate: "2026-06-30"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"end_date"}},
		}, &upd)
		if upd.Medication.EndDate != "2026-06-30" || upd.Medication.DrugCode != "upadacitinib" || upd.Medication.DoseAmount != 15 {
			t.Errorf("masked update = %v", upd.Medication)
		}
		err = p.call(mj.JournalServiceUpdateMedicationProcedure, &medjournalv1.UpdateMedicationRequest{
			Medication: &medjournalv1.Medication{Id: rinvoq.Id, DrugCode: "upadacitnib"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"drug_code"}},
		}, &upd)
		apitest.WantInvalidField(t, err, "medication.drug_code")

		// A medication with doses cannot be deleted; one without can.
		p.createEntry(t, dose(at("2026-05-01T08:00:00Z"), rinvoq.Id, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN))
		err = p.call(mj.JournalServiceDeleteMedicationProcedure, &medjournalv1.DeleteMedicationRequest{Id: rinvoq.Id}, &medjournalv1.DeleteMedicationResponse{})
		apitest.WantCode(t, err, connect.CodeFailedPrecondition)
		var del medjournalv1.DeleteMedicationResponse
		p.mustCall(t, mj.JournalServiceDeleteMedicationProcedure, &medjournalv1.DeleteMedicationRequest{Id: mtx.Id}, &del)
		err = p.call(mj.JournalServiceGetMedicationProcedure, &medjournalv1.GetMedicationRequest{Id: mtx.Id}, &medjournalv1.GetMedicationResponse{})
		apitest.WantCode(t, err, connect.CodeNotFound)
	})
}

func TestCreateEntryEveryKind(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Kinds")
		med := p.addMedication(t, "tofacitinib")
		when := at("2026-04-02T07:30:00Z")

		got := p.createEntry(t, vital(when, "body_temperature", 101.3, "[degF]"))
		if v := got.GetVital(); math.Abs(v.CanonicalValue-38.5) > 1e-9 || v.CanonicalUnit != "Cel" || v.Value != 101.3 || v.Unit != "[degF]" {
			t.Errorf("temperature kept %v, want 101.3 [degF] = 38.5 Cel", v)
		}
		l := lab(when, "751-8", 1200, "/uL")
		l.GetLab().ReferenceLow, l.GetLab().ReferenceHigh = proto.Float64(1800), proto.Float64(7700)
		got = p.createEntry(t, l)
		if g := got.GetLab(); math.Abs(g.CanonicalValue-1.2) > 1e-9 || g.CanonicalUnit != "10*3/uL" ||
			math.Abs(g.GetCanonicalReferenceLow()-1.8) > 1e-9 || math.Abs(g.GetCanonicalReferenceHigh()-7.7) > 1e-9 {
			t.Errorf("neutrophils stored as %v, want 1.2 10*3/uL with range 1.8-7.7", g)
		}
		got = p.createEntry(t, lab(when, "718-7", 80, "g/L"))
		if g := got.GetLab(); math.Abs(g.CanonicalValue-8) > 1e-9 || g.CanonicalUnit != "g/dL" {
			t.Errorf("hemoglobin stored as %v, want 8 g/dL", g)
		}
		s := symptom(when, "headache", medjournalv1.Severity_SEVERITY_MILD)
		s.Comment = `after lunch <b>"bold"</b> & more`
		got = p.createEntry(t, s)
		if got.Comment != s.Comment || got.GetSymptom().Code != "headache" || got.PatientId != p.account.Id {
			t.Errorf("symptom stored as %v", got)
		}
		got = p.createEntry(t, dose(when, med.Id, medjournalv1.DoseStatus_DOSE_STATUS_MISSED))
		if got.GetDose().Status != medjournalv1.DoseStatus_DOSE_STATUS_MISSED {
			t.Errorf("dose stored as %v", got)
		}
		got = p.createEntry(t, note(when, "felt fine all day"))
		var fetched medjournalv1.GetEntryResponse
		p.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: got.Id}, &fetched)
		if !proto.Equal(fetched.Entry, got) {
			t.Errorf("get = %v, want %v", fetched.Entry, got)
		}
		// The server assigns an id when the client leaves it empty.
		noID := note(when, "no id")
		noID.Id = ""
		if got := p.createEntry(t, noID); uuid.Validate(got.Id) != nil {
			t.Errorf("server-assigned id %q is not a UUID", got.Id)
		}
	})
}

func TestCreateEntryIsIdempotent(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Retry")
		e := symptom(at("2026-04-03T09:00:00Z"), "nausea", medjournalv1.Severity_SEVERITY_MODERATE)
		first := p.createEntry(t, e)
		env.Clock.Advance(1e9)
		again := p.createEntry(t, e)
		if !proto.Equal(first, again) {
			t.Errorf("retry returned %v, want the stored %v", again, first)
		}
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 1 {
			t.Fatalf("after a retry the journal has %d entries, want 1", n)
		}
		other := proto.Clone(e).(*medjournalv1.Entry)
		other.GetSymptom().Severity = medjournalv1.Severity_SEVERITY_SEVERE
		err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: other}, &medjournalv1.CreateEntryResponse{})
		apitest.WantCode(t, err, connect.CodeAlreadyExists)

		// The same id from another patient is refused, and reveals nothing of the entry.
		q := newPatient(t, c, "Thief")
		var resp medjournalv1.CreateEntryResponse
		err = q.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: e}, &resp)
		apitest.WantCode(t, err, connect.CodeAlreadyExists)
		if resp.Entry != nil {
			t.Errorf("another patient got %v", resp.Entry)
		}
	})
}

func TestUpdateAndDeleteEntry(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Edit")
		e := p.createEntry(t, vital(at("2026-04-04T10:00:00Z"), "body_temperature", 37.2, "Cel"))

		var upd medjournalv1.UpdateEntryResponse
		p.mustCall(t, mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry:      &medjournalv1.Entry{Id: e.Id, Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 100.4, Unit: "[degF]"}}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vital"}},
		}, &upd)
		if v := upd.Entry.GetVital(); math.Abs(v.CanonicalValue-38) > 1e-9 || !upd.Entry.OccurredTime.AsTime().Equal(e.OccurredTime.AsTime()) {
			t.Errorf("updated entry = %v, want 100.4 [degF] = 38 Cel at the old time", upd.Entry)
		}
		p.mustCall(t, mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry:      &medjournalv1.Entry{Id: e.Id, Comment: "measured twice"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"comment"}},
		}, &upd)
		if upd.Entry.Comment != "measured twice" || upd.Entry.GetVital().Value != 100.4 {
			t.Errorf("comment update = %v", upd.Entry)
		}

		err := p.call(mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry:      note(nil, "now a note"),
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"note"}},
		}, &upd)
		apitest.WantCode(t, err, connect.CodeNotFound) // no entry with that id
		kindChange := note(nil, "now a note")
		kindChange.Id = e.Id
		err = p.call(mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry: kindChange, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"note"}},
		}, &upd)
		apitest.WantInvalidField(t, err, "entry")
		err = p.call(mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry:      &medjournalv1.Entry{Id: e.Id, Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 300, Unit: "Cel"}}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vital"}},
		}, &upd)
		apitest.WantInvalidField(t, err, "entry.vital.value")
		var got medjournalv1.GetEntryResponse
		p.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: e.Id}, &got)
		if got.Entry.GetVital().Value != 100.4 {
			t.Errorf("a refused update changed the entry to %v", got.Entry)
		}

		var del medjournalv1.DeleteEntryResponse
		p.mustCall(t, mj.JournalServiceDeleteEntryProcedure, &medjournalv1.DeleteEntryRequest{Id: e.Id}, &del)
		if del.Entry.Id != e.Id {
			t.Errorf("delete returned %v", del.Entry)
		}
		err = p.call(mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: e.Id}, &got)
		apitest.WantCode(t, err, connect.CodeNotFound)
		err = p.call(mj.JournalServiceDeleteEntryProcedure, &medjournalv1.DeleteEntryRequest{Id: e.Id}, &del)
		apitest.WantCode(t, err, connect.CodeNotFound)
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 0 {
			t.Errorf("deleted entry still listed (%d entries)", n)
		}
	})
}
