package journal_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// now is the server clock every test pins; entries happen a few hours before it.
var (
	now      = time.Date(2026, time.March, 14, 12, 0, 0, 0, time.UTC)
	occurred = now.Add(-4 * time.Hour)
)

const medicationID = "0b6a4c1e-4f3d-4c2a-9a7e-2f1d3c5b6a70"

func mustLoad(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, err := catalog.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

func ptr(x float64) *float64 { return &x }

// entry builders: each returns a valid entry of one kind, which a test case then spoils
// with change.

func doseEntry() *medjournalv1.Entry {
	return &medjournalv1.Entry{
		Id:           "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
		OccurredTime: ts(occurred),
		Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
			MedicationId: medicationID, Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN,
		}},
	}
}

func symptomEntry(code string, severity medjournalv1.Severity) *medjournalv1.Entry {
	return &medjournalv1.Entry{
		OccurredTime: ts(occurred),
		Comment:      "since this morning",
		Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{
			Code: code, Severity: severity, BodySite: "left calf",
		}},
	}
}

func vitalEntry(code string, value float64, unit string) *medjournalv1.Entry {
	return &medjournalv1.Entry{
		OccurredTime: ts(occurred),
		Kind:         &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: code, Value: value, Unit: unit}},
	}
}

func labEntry(code string, value float64, unit string) *medjournalv1.Entry {
	return &medjournalv1.Entry{
		OccurredTime: ts(occurred),
		Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
			Code: code, Value: value, Unit: unit, LabName: "City Lab",
		}},
	}
}

func labWithRange(code string, value float64, unit string, low, high *float64) *medjournalv1.Entry {
	e := labEntry(code, value, unit)
	e.GetLab().ReferenceLow, e.GetLab().ReferenceHigh = low, high
	return e
}

func noteEntry(text string) *medjournalv1.Entry {
	return &medjournalv1.Entry{
		OccurredTime: ts(occurred),
		Kind:         &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}},
	}
}

// change applies f to e and returns e, so a table case reads as "this entry, but ...".
func change(e *medjournalv1.Entry, f func(*medjournalv1.Entry)) *medjournalv1.Entry {
	f(e)
	return e
}
