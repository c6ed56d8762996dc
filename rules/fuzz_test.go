package rules_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/scenarios"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
)

// FuzzEvaluate feeds the engine journals made from fuzzer bytes: any mix of symptoms,
// vitals and labs with any plausible values, profiles and drugs. Evaluation must never
// fail (a failing rule would refuse a patient's entry) and every finding must be
// well-formed.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{0, 3, 2, 10, 1, 7, 200, 4, 2, 0, 0, 0})
	f.Add([]byte{2, 1, 0, 5, 0, 50, 1, 9, 3, 3, 0, 0, 1, 1, 1, 1})
	f.Add([]byte{1, 0, 255, 255, 2, 2, 2, 2, 0, 40, 3, 1})
	e, cat := mustEngine(f)
	symptoms := cat.Symptoms().GetSymptoms()
	vitals := cat.Vitals().GetVitals()
	labs := cat.LabTests().GetLabTests()
	drugs := cat.Drugs().GetDrugs()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		patient := &medjournalv1.Account{Id: "p", TimeZone: "Europe/Berlin", Profile: &medjournalv1.Profile{
			BirthYear:     int32(1930 + int(data[0])%90),
			SmokingStatus: medjournalv1.SmokingStatus(data[1] % 4),
		}}
		if data[2]%2 == 0 {
			patient.Profile.RiskFactors = []string{"history_of_vte", "cardiovascular_disease"}
		}
		meds := []*medjournalv1.Medication{{Id: "m", DrugCode: drugs[int(data[3])%len(drugs)].GetCode()}}
		var history []*medjournalv1.Entry
		for rest := data[4:]; len(rest) >= 4; rest = rest[4:] {
			kind, pick, hours, raw := rest[0]%3, int(rest[1]), int(rest[2]), rest[3]
			entry := &medjournalv1.Entry{Id: uuid.NewString(),
				OccurredTime: timestamppb.New(scenarios.StoryStart.Add(hoursDuration(hours)))}
			switch kind {
			case 0:
				entry.Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{
					Code: symptoms[pick%len(symptoms)].GetCode(), Severity: medjournalv1.Severity(1 + raw%4)}}
			case 1:
				v := vitals[pick%len(vitals)]
				value := v.GetMinValue() + (v.GetMaxValue()-v.GetMinValue())*float64(raw)/255
				entry.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: v.GetCode(), Value: value, Unit: v.GetCanonicalUnit()}}
			case 2:
				l := labs[pick%len(labs)]
				value := l.GetMinValue() + (l.GetMaxValue()-l.GetMinValue())*float64(raw)/255
				entry.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: l.GetCode(), Value: value, Unit: l.GetCanonicalUnit()}}
			}
			if err := journal.NormalizeEntry(cat, entry, "entry", scenarios.StoryStart.Add(1000*hoursDuration(1))); err != nil {
				continue // the server would refuse it before the engine sees it
			}
			history = append(history, entry)
			in := rules.Input{Trigger: entry, Recent: history, Medications: meds, Patient: patient}
			for _, h := range history {
				if h.GetLab() != nil {
					in.LabHistory = append(in.LabHistory, h)
				}
			}
			findings, err := e.Evaluate(in)
			if err != nil {
				t.Fatalf("evaluate %v: %v", entry, err)
			}
			for _, fd := range findings {
				if fd.Urgency < medjournalv1.Urgency_URGENCY_ROUTINE || fd.Urgency > medjournalv1.Urgency_URGENCY_EMERGENCY ||
					len(fd.Evidence) == 0 || fd.Evidence[0] != entry.GetId() || fd.Rule.GetSource().GetDocument() == "" {
					t.Fatalf("malformed finding %+v", fd)
				}
			}
		}
	})
}

func hoursDuration(h int) time.Duration { return time.Duration(h) * time.Hour }
