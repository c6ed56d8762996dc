package loadtest

import (
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// patient is one signed-up patient the workers act as.
type patient struct {
	email        string
	accountID    string
	token        string
	medicationID string
	loc          *time.Location
	// dosesLogged counts the doses generated for this patient, one per local day going
	// back from today, as someone taking a once-daily tablet logs them. Workers acting as
	// the same patient share it.
	dosesLogged atomic.Int64
}

// timeZone is every load-test patient's time zone; GetDay cuts days in it.
const timeZone = "Europe/Berlin"

// entryWindow is how far back generated entries lie.
const entryWindow = 5 * 24 * time.Hour

// newEntry makes a journal entry of a random kind with a client-chosen id. About one in
// ten is a warning sign (a fever, or a low neutrophil count on upadacitinib) so the rules
// fire and flags are raised; the rest are everyday entries. Doses are the exception to
// the random time: each lands on a day of its own (doseTime), because two doses of the
// once-daily upadacitinib on one day are themselves a warning sign (a double dose), and a
// load test where every dose is one would raise three times the flags real patients do.
func newEntry(rng *rand.Rand, p *patient, now time.Time) *medjournalv1.Entry {
	e := &medjournalv1.Entry{
		Id:           uuid.NewString(),
		OccurredTime: timestamppb.New(now.Add(-time.Duration(rng.Int64N(int64(entryWindow)))).Truncate(time.Second)),
	}
	if rng.IntN(10) == 0 {
		if rng.IntN(2) == 0 {
			e.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{
				Code: "body_temperature", Value: 38.2 + float64(rng.IntN(12))/10, Unit: "Cel"}}
			e.Comment = "feeling feverish"
		} else {
			e.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
				Code: "751-8", Value: 0.6 + float64(rng.IntN(3))/10, Unit: "10*3/uL",
				ReferenceLow: ptr(1.8), ReferenceHigh: ptr(7.7), LabName: "Load Test Lab"}}
		}
		return e
	}
	switch rng.IntN(5) {
	case 0:
		e.OccurredTime = timestamppb.New(doseTime(rng, p, now))
		e.Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
			MedicationId: p.medicationID, Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}
	case 1:
		codes := [...]string{"acne", "runny_nose", "itching", "joint_pain"}
		e.Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{
			Code: codes[rng.IntN(len(codes))], Severity: medjournalv1.Severity_SEVERITY_MILD}}
	case 2:
		switch rng.IntN(3) {
		case 0:
			e.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{
				Code: "body_temperature", Value: 36.4 + float64(rng.IntN(8))/10, Unit: "Cel"}}
		case 1:
			e.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{
				Code: "heart_rate", Value: float64(60 + rng.IntN(30)), Unit: "/min"}}
		default:
			e.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{
				Code: "systolic_bp", Value: float64(110 + rng.IntN(20)), Unit: "mm[Hg]"}}
		}
	case 3:
		if rng.IntN(2) == 0 {
			e.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
				Code: "718-7", Value: 13 + float64(rng.IntN(20))/10, Unit: "g/dL",
				ReferenceLow: ptr(12.0), ReferenceHigh: ptr(16.0), LabName: "Load Test Lab"}}
		} else {
			e.Kind = &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
				Code: "751-8", Value: 2.5 + float64(rng.IntN(30))/10, Unit: "10*3/uL",
				ReferenceLow: ptr(1.8), ReferenceHigh: ptr(7.7), LabName: "Load Test Lab"}}
		}
	default:
		e.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{
			Text: "Slept well, took the tablet with breakfast. A little tired in the afternoon."}}
	}
	return e
}

// setupEntries makes the entries one patient starts with: one Sync's worth, spread over
// the last days, all everyday values (the flags come from the create and mixed phases).
func setupEntries(rng *rand.Rand, p *patient, now time.Time, n int) []*medjournalv1.Entry {
	out := make([]*medjournalv1.Entry, 0, n)
	for len(out) < n {
		e := newEntry(rng, p, now)
		if isWarningSign(e) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func isWarningSign(e *medjournalv1.Entry) bool {
	if v := e.GetVital(); v != nil && v.GetCode() == "body_temperature" && v.GetValue() >= 38 {
		return true
	}
	if l := e.GetLab(); l != nil && l.GetCode() == "751-8" && l.GetValue() < 1.8 {
		return true
	}
	return false
}

// doseTime is the time of the patient's next dose: in the morning of the day after the
// one before it, counting back from today in the patient's time zone. A long run reaches
// back years, which the API accepts (occurred_time is bounded only by 1900).
func doseTime(rng *rand.Rand, p *patient, now time.Time) time.Time {
	back := int(p.dosesLogged.Add(1) - 1)
	local := now.In(p.loc)
	day := time.Date(local.Year(), local.Month(), local.Day()-back, 7, 0, 0, 0, p.loc)
	t := day.Add(time.Duration(rng.IntN(60)) * time.Minute)
	if t.After(now) {
		t = now.Truncate(time.Second)
	}
	return t
}

// recentDate is a local date within the last few days in the patient's time zone.
func recentDate(rng *rand.Rand, p *patient, now time.Time) string {
	return now.Add(-time.Duration(rng.IntN(4)) * 24 * time.Hour).In(p.loc).Format(time.DateOnly)
}

func ptr[T any](v T) *T { return &v }
