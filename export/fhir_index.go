package export

import (
	"cmp"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// lookups are what the FHIR and CSV exports look up while they walk a journal: the
// patient's time zone, medications by id, and the catalog's names for codes. Both
// formats read an entry through it, so they cannot name the same entry differently.
type lookups struct {
	j           *Journal
	loc         *time.Location
	medications map[string]*medjournalv1.Medication
}

func newLookups(j *Journal) *lookups {
	ix := &lookups{j: j, loc: j.Location, medications: make(map[string]*medjournalv1.Medication, len(j.Medications))}
	if ix.loc == nil {
		ix.loc = time.UTC
	}
	for _, m := range j.Medications {
		if _, dup := ix.medications[m.GetId()]; !dup {
			ix.medications[m.GetId()] = m
		}
	}
	return ix
}

// entriesOldestFirst returns the entries by occurred_time, ties broken by id, so the
// order never depends on how the caller happened to sort them. The journal's slice is
// left alone.
func (ix *lookups) entriesOldestFirst() []*medjournalv1.Entry {
	entries := slices.Clone(ix.j.Entries)
	slices.SortStableFunc(entries, func(a, b *medjournalv1.Entry) int {
		return cmp.Or(
			ix.occurred(a).Compare(ix.occurred(b)),
			cmp.Compare(a.GetId(), b.GetId()),
		)
	})
	return entries
}

func (ix *lookups) occurred(e *medjournalv1.Entry) time.Time {
	return e.GetOccurredTime().AsTime()
}

// local returns ts in the patient's time zone.
func (ix *lookups) local(ts *timestamppb.Timestamp) time.Time {
	return ts.AsTime().In(ix.loc)
}

// medicationName is what the patient calls a medication, else the catalog's name for its
// drug code, else the code.
func (ix *lookups) medicationName(m *medjournalv1.Medication) string {
	if m.GetDisplayName() != "" {
		return m.GetDisplayName()
	}
	if d, ok := ix.drug(m.GetDrugCode()); ok && d.GetDisplayName() != "" {
		return d.GetDisplayName()
	}
	return m.GetDrugCode()
}

// The catalog lookups tolerate a journal without a catalog: the export then names
// things by their codes.

func (ix *lookups) drug(code string) (*medjournalv1.Drug, bool) {
	if ix.j.Catalog == nil || code == "" {
		return nil, false
	}
	return ix.j.Catalog.Drug(code)
}

func (ix *lookups) symptom(code string) (*medjournalv1.SymptomType, bool) {
	if ix.j.Catalog == nil {
		return nil, false
	}
	return ix.j.Catalog.Symptom(code)
}

func (ix *lookups) vital(code string) (*medjournalv1.VitalType, bool) {
	if ix.j.Catalog == nil {
		return nil, false
	}
	return ix.j.Catalog.Vital(code)
}

func (ix *lookups) labTest(code string) (*medjournalv1.LabTest, bool) {
	if ix.j.Catalog == nil {
		return nil, false
	}
	return ix.j.Catalog.LabTest(code)
}

// entryDisplay names what an entry records: the catalog's name of the symptom, vital
// sign or lab test, or the medication's name for a dose. It falls back to the code, and
// is empty for a note.
func (ix *lookups) entryDisplay(e *medjournalv1.Entry) string {
	switch {
	case e.GetDose() != nil:
		if m, ok := ix.medications[e.GetDose().GetMedicationId()]; ok {
			return ix.medicationName(m)
		}
		return ""
	case e.GetSymptom() != nil:
		code := e.GetSymptom().GetCode()
		if s, ok := ix.symptom(code); ok && s.GetDisplayName() != "" {
			return s.GetDisplayName()
		}
		return code
	case e.GetVital() != nil:
		code := e.GetVital().GetCode()
		if v, ok := ix.vital(code); ok && v.GetDisplayName() != "" {
			return v.GetDisplayName()
		}
		return code
	case e.GetLab() != nil:
		code := e.GetLab().GetCode()
		if l, ok := ix.labTest(code); ok && l.GetDisplayName() != "" {
			return l.GetDisplayName()
		}
		return code
	}
	return ""
}

// labInterpretation compares a lab value with the reference range printed with it, both
// in the unit the patient entered: "L" below the low end, "H" above the high end, "N"
// within (the ends count as within). It is empty when the report gave no range: the
// catalog's typical range is a fallback for the rules, not something the export may
// present as the lab's verdict.
func labInterpretation(l *medjournalv1.Lab) string {
	if l.ReferenceLow == nil && l.ReferenceHigh == nil {
		return ""
	}
	switch v := l.GetValue(); {
	case l.ReferenceLow != nil && v < *l.ReferenceLow:
		return "L"
	case l.ReferenceHigh != nil && v > *l.ReferenceHigh:
		return "H"
	}
	return "N"
}
