package journal_test

import (
	"errors"
	"math"
	"testing"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

func medication(change func(*medjournalv1.Medication)) *medjournalv1.Medication {
	m := &medjournalv1.Medication{
		Id:          medicationID,
		DrugCode:    "upadacitinib",
		DisplayName: "Rinvoq 15 mg",
		DoseAmount:  15,
		DoseUnit:    "mg",
		Route:       "oral",
		Schedule:    "once daily",
		StartDate:   "2025-11-03",
	}
	if change != nil {
		change(m)
	}
	return m
}

func TestNormalizeMedication(t *testing.T) {
	tests := []struct {
		name        string
		medication  *medjournalv1.Medication
		wantField   string // empty: accepted
		wantMessage string
	}{
		{name: "OK", medication: medication(nil)},
		{name: "OKNotInCatalog", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode = "" })},
		{name: "OKCatalogCodeOnly", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode, m.DisplayName = "methotrexate", "" })},
		{name: "OKNoDates", medication: medication(func(m *medjournalv1.Medication) { m.StartDate = "" })},
		{name: "OKLeapDay", medication: medication(func(m *medjournalv1.Medication) { m.StartDate, m.EndDate = "2024-02-29", "2024-03-01" })},
		{name: "OKOneDay", medication: medication(func(m *medjournalv1.Medication) { m.EndDate = m.StartDate })},
		{name: "OKEndOnly", medication: medication(func(m *medjournalv1.Medication) { m.StartDate, m.EndDate = "", "2026-01-31" })},

		{name: "Nil", medication: nil, wantField: "medication", wantMessage: "is required"},
		// SPEC: other medications may be logged with any code; a near-miss of a catalog code
		// is a typo that would hide the drug from the rules.
		{name: "OKDrugNotInCatalog", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode = "warfarin" })},
		{name: "DrugMisspelt", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode = "upadacitinb" }),
			wantField:   "medication.drug_code",
			wantMessage: `"upadacitinb" is not in the catalog; did you mean "upadacitinib"? See CatalogService.ListDrugs`},
		{name: "DrugTransposed", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode = "tofacitnib" }),
			wantField: "medication.drug_code"},
		{name: "NoName", medication: medication(func(m *medjournalv1.Medication) { m.DrugCode, m.DisplayName = "", "" }),
			wantField: "medication.display_name"},
		{name: "DisplayNameNUL", medication: medication(func(m *medjournalv1.Medication) { m.DisplayName = "Rinvoq\x00" }),
			wantField: "medication.display_name"},
		{name: "ScheduleNotUTF8", medication: medication(func(m *medjournalv1.Medication) { m.Schedule = "t\xe4glich" }),
			wantField: "medication.schedule"},
		{name: "DoseAmountNaN", medication: medication(func(m *medjournalv1.Medication) { m.DoseAmount = math.NaN() }),
			wantField: "medication.dose_amount"},
		{name: "DoseAmountNegative", medication: medication(func(m *medjournalv1.Medication) { m.DoseAmount = -15 }),
			wantField: "medication.dose_amount"},
		{name: "StartNotADay", medication: medication(func(m *medjournalv1.Medication) { m.StartDate = "2026-02-30" }),
			wantField: "medication.start_date", wantMessage: `"2026-02-30" is not a day of the calendar`},
		{name: "StartMonth13", medication: medication(func(m *medjournalv1.Medication) { m.StartDate = "2026-13-01" }),
			wantField: "medication.start_date"},
		{name: "EndNotLeapYear", medication: medication(func(m *medjournalv1.Medication) { m.EndDate = "2027-02-29" }),
			wantField: "medication.end_date"},
		{name: "EndShort", medication: medication(func(m *medjournalv1.Medication) { m.EndDate = "2026-1-5" }),
			wantField: "medication.end_date", wantMessage: `"2026-1-5" is not a date in the form YYYY-MM-DD`},
		{name: "EndBeforeStart", medication: medication(func(m *medjournalv1.Medication) { m.EndDate = "2025-11-02" }),
			wantField: "medication.end_date", wantMessage: "must not be before start_date (2025-11-03)"},
	}
	cat := mustLoad(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before *medjournalv1.Medication
			if tc.medication != nil {
				before = proto.Clone(tc.medication).(*medjournalv1.Medication)
			}
			err := journal.NormalizeMedication(cat, tc.medication, "medication")
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("NormalizeMedication: %v", err)
				}
			} else {
				var fe *journal.FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v (%T), want a *journal.FieldError", err, err)
				}
				if got, want := fe.Field, tc.wantField; got != want {
					t.Errorf("Field = %q, want %q (message %q)", got, want, fe.Message)
				}
				if tc.wantMessage != "" {
					if got, want := fe.Message, tc.wantMessage; got != want {
						t.Errorf("Message = %q, want %q", got, want)
					}
				}
			}
			if tc.medication != nil && !proto.Equal(tc.medication, before) {
				t.Errorf("medication was changed:\n got %v\nwant %v", tc.medication, before)
			}
		})
	}
}
