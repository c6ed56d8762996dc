package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// patient is a signed-up patient with a client to call the server as them.
type patient struct {
	*apitest.Client
	account *medjournalv1.Account
	token   string
}

func newPatient(t *testing.T, c *apitest.Client, name string) *patient {
	t.Helper()
	acct, token := c.SignUp(t, name)
	return &patient{Client: c, account: acct, token: token}
}

// call is Call with the patient's token and a background context.
func (p *patient) call(procedure string, req, resp proto.Message) error {
	return p.Call(context.Background(), procedure, p.token, req, resp)
}

func (p *patient) mustCall(t *testing.T, procedure string, req, resp proto.Message) {
	t.Helper()
	if err := p.call(procedure, req, resp); err != nil {
		t.Fatalf("%s: %v", procedure, err)
	}
}

func (p *patient) addMedication(t *testing.T, drug string) *medjournalv1.Medication {
	t.Helper()
	var resp medjournalv1.CreateMedicationResponse
	p.mustCall(t, mj.JournalServiceCreateMedicationProcedure, &medjournalv1.CreateMedicationRequest{
		Medication: &medjournalv1.Medication{DrugCode: drug, DoseAmount: 15, DoseUnit: "mg", Route: "oral", Schedule: "once daily"},
	}, &resp)
	return resp.Medication
}

func (p *patient) createEntry(t *testing.T, e *medjournalv1.Entry) *medjournalv1.Entry {
	t.Helper()
	var resp medjournalv1.CreateEntryResponse
	p.mustCall(t, mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: e}, &resp)
	return resp.Entry
}

func (p *patient) listAll(t *testing.T, req *medjournalv1.ListEntriesRequest) []*medjournalv1.Entry {
	t.Helper()
	var all []*medjournalv1.Entry
	req = proto.Clone(req).(*medjournalv1.ListEntriesRequest)
	for {
		var resp medjournalv1.ListEntriesResponse
		p.mustCall(t, mj.JournalServiceListEntriesProcedure, req, &resp)
		all = append(all, resp.Entries...)
		if resp.NextPageToken == "" {
			return all
		}
		req.PageToken = resp.NextPageToken
	}
}

// Entry builders; times are absolute so tests do not depend on when they run.
func at(s string) *timestamppb.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return timestamppb.New(t)
}

func symptom(when *timestamppb.Timestamp, code string, sev medjournalv1.Severity) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when,
		Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: sev}}}
}

func vital(when *timestamppb.Timestamp, code string, value float64, unit string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when,
		Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: code, Value: value, Unit: unit}}}
}

func lab(when *timestamppb.Timestamp, code string, value float64, unit string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when,
		Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: code, Value: value, Unit: unit}}}
}

func note(when *timestamppb.Timestamp, text string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when,
		Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}}}
}

func dose(when *timestamppb.Timestamp, medID string, status medjournalv1.DoseStatus) *medjournalv1.Entry {
	return &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when,
		Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: medID, Amount: 15, Unit: "mg", Status: status}}}
}
