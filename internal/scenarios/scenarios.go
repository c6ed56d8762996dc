// Package scenarios holds the clinical scenarios every layer that judges a journal is
// tested against: patients' stories, each with the flags its rules must raise. The rule
// engine's tests play them entry by entry; the workflow's tests play them through real
// storage, with its caches on and off.
package scenarios

import (
	"time"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// A Scenario is a patient's story: a profile, medications, and journal entries in the
// order they are logged. It passes when the flags raised over the whole story are exactly
// Want (category and highest urgency), none for benign stories.
type Scenario struct {
	Name    string
	Profile *medjournalv1.Profile
	Drugs   []string // drug codes taken throughout
	Entries []Logged
	Want    []Want
}

// Want is a flag a scenario must raise: its category and highest urgency.
type Want struct {
	Category medjournalv1.Category
	Urgency  medjournalv1.Urgency
}

// Logged is an entry and when it happened, in hours after the story starts.
type Logged struct {
	Hours float64
	Entry *medjournalv1.Entry
}

// StoryStart is the fixed day stories start on, so tests do not depend on when they run.
var StoryStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// At is when l happened.
func (l Logged) At() time.Time { return StoryStart.Add(time.Duration(l.Hours * float64(time.Hour))) }

// MedicationID is the medication id every dose of the stories refers to; a player that
// stores doses points it at the patient's stored medication.
const MedicationID = medOnce

// Sym logs a symptom.
func Sym(hours float64, code string, sev medjournalv1.Severity) Logged {
	return Logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: sev}}}}
}

// Vital logs a measured vital sign.
func Vital(hours float64, code string, value float64, unit string) Logged {
	return Logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: code, Value: value, Unit: unit}}}}
}

// Lab logs a result; ref, when given, is the lab's reference range [low, high] in unit.
func Lab(hours float64, loinc string, value float64, unit string, ref ...float64) Logged {
	l := &medjournalv1.Lab{Code: loinc, Value: value, Unit: unit}
	if len(ref) == 2 {
		l.ReferenceLow, l.ReferenceHigh = proto.Float64(ref[0]), proto.Float64(ref[1])
	}
	return Logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: l}}}
}

// Note logs free text.
func Note(hours float64, text string) Logged {
	return Logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}}}}
}

// Flag is a flag a scenario wants.
func Flag(c medjournalv1.Category, u medjournalv1.Urgency) Want { return Want{c, u} }

const (
	mild     = medjournalv1.Severity_SEVERITY_MILD
	moderate = medjournalv1.Severity_SEVERITY_MODERATE
	severe   = medjournalv1.Severity_SEVERITY_SEVERE
	verySev  = medjournalv1.Severity_SEVERITY_VERY_SEVERE

	routine   = medjournalv1.Urgency_URGENCY_ROUTINE
	urgent    = medjournalv1.Urgency_URGENCY_URGENT
	emergency = medjournalv1.Urgency_URGENCY_EMERGENCY
)
