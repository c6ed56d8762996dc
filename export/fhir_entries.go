package export

import (
	"errors"
	"fmt"
	"slices"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// addEntry adds the resource of one journal entry and remembers its fullUrl for the flags.
func (b *fhirBuilder) addEntry(e *medjournalv1.Entry) error {
	if e.GetOccurredTime() == nil {
		return errors.New("no occurred_time")
	}
	var (
		id       string
		resource any
		err      error
	)
	switch {
	case e.GetDose() != nil:
		id = b.newID("MedicationStatement", e.GetId())
		resource, err = b.doseStatement(id, e)
	case e.GetSymptom() != nil:
		id = b.newID("Observation", e.GetId())
		resource, err = b.symptomObservation(id, e)
	case e.GetVital() != nil:
		id = b.newID("Observation", e.GetId())
		resource = b.vitalObservation(id, e)
	case e.GetLab() != nil:
		id = b.newID("Observation", e.GetId())
		resource = b.labObservation(id, e)
	case e.GetNote() != nil:
		id = b.newID("Observation", e.GetId())
		resource = b.noteObservation(id, e)
	default:
		return errors.New("no kind: one of dose, symptom, vital, lab or note must be set")
	}
	if err != nil {
		return err
	}
	url := b.add(id, resource)
	if _, dup := b.entryURLs[e.GetId()]; !dup {
		b.entryURLs[e.GetId()] = url
	}
	return nil
}

// observation holds what every entry's Observation shares. performer is the patient,
// who made or reported the observation, unless the caller replaces it.
func (b *fhirBuilder) observation(id string, e *medjournalv1.Entry) fhirObservation {
	return fhirObservation{
		ResourceType:      "Observation",
		ID:                id,
		Status:            "final",
		Subject:           b.patient,
		EffectiveDateTime: b.dateTime(e.GetOccurredTime()),
		Performer:         []fhirReference{b.patient},
		Note:              b.comment(e),
	}
}

// doseStatement is a MedicationStatement rather than a MedicationAdministration: the patient
// reports their own intake, which is what MedicationStatement is for (REFERENCE.md 8.3),
// and its "not-taken" status says "missed" directly, where MedicationAdministration
// records an administration someone witnessed and performed.
func (b *fhirBuilder) doseStatement(id string, e *medjournalv1.Entry) (fhirMedicationStatement, error) {
	d := e.GetDose()
	status, reason, err := fhirDoseStatus(d.GetStatus())
	if err != nil {
		return fhirMedicationStatement{}, err
	}
	s := fhirMedicationStatement{
		ResourceType:      "MedicationStatement",
		ID:                id,
		Status:            status,
		Category:          &fhirCategoryPatientSpecified,
		Subject:           b.patient,
		EffectiveDateTime: b.dateTime(e.GetOccurredTime()),
		InformationSource: &b.patient,
		Note:              b.comment(e),
	}
	if m, ok := b.statements[d.GetMedicationId()]; ok {
		s.PartOf = []fhirReference{{Reference: m.url}}
		s.MedicationCodeableConcept = m.concept
	} else {
		s.MedicationCodeableConcept = fhirCodeableConcept{Text: "Medication not in this export"}
	}
	if reason != "" {
		s.StatusReason = []fhirCodeableConcept{{Text: reason}}
	}
	if status == "completed" && d.GetAmount() > 0 {
		s.Dosage = []fhirDosage{{DoseAndRate: []fhirDoseAndRate{{DoseQuantity: fhirDoseQuantity(d.GetAmount(), d.GetUnit())}}}}
	}
	return s, nil
}

// symptomObservation is an Observation whose code is the symptom and whose value is its severity.
func (b *fhirBuilder) symptomObservation(id string, e *medjournalv1.Entry) (fhirObservation, error) {
	s := e.GetSymptom()
	severity, ok := fhirSeverity[s.GetSeverity()]
	if !ok {
		return fhirObservation{}, fmt.Errorf("symptom severity %v", s.GetSeverity())
	}
	o := b.observation(id, e)
	o.Category = []fhirCodeableConcept{fhirCategorySurvey}
	o.Code = fhirCodeableConcept{Text: b.entryDisplay(e)}
	if t, ok := b.symptom(s.GetCode()); ok && t.GetSnomedCode() != "" {
		o.Code.Coding = []fhirCoding{{System: fhirSystemSNOMED, Code: t.GetSnomedCode()}}
	}
	o.ValueCodeableConcept = &severity
	if site, ok := fhirString(s.GetBodySite()); ok {
		o.BodySite = &fhirCodeableConcept{Text: site}
	}
	return o, nil
}

// vitalObservation is a vital-signs Observation in the unit the patient measured in.
func (b *fhirBuilder) vitalObservation(id string, e *medjournalv1.Entry) fhirObservation {
	v := e.GetVital()
	o := b.observation(id, e)
	o.Category = []fhirCodeableConcept{fhirCategoryVitalSigns}
	o.Code = fhirCodeableConcept{Text: b.entryDisplay(e)}
	t, known := b.vital(v.GetCode())
	if known && t.GetLoincCode() != "" {
		o.Code.Coding = []fhirCoding{{System: fhirSystemLOINC, Code: t.GetLoincCode()}}
	}
	code := v.GetUnit()
	if c, ok := fhirVitalUnitCodes[code]; ok {
		code = c
	}
	o.ValueQuantity = &fhirQuantity{Value: v.GetValue(), Unit: v.GetUnit(), System: fhirSystemUCUM, Code: code}
	// A profile is declared only where the Observation meets it: a LOINC code (the
	// profiles require one) and a unit the specific profile allows.
	if len(o.Code.Coding) > 0 {
		profile := fhirProfileVitalSigns
		if p, ok := fhirVitalProfiles[v.GetCode()]; ok && slices.Contains(p.units, code) {
			profile = p.profile
		}
		o.Meta = &fhirMeta{Profile: []string{profile}}
	}
	return o
}

// labObservation is a laboratory Observation: value, reference range and interpretation all in the
// unit printed on the lab report, as the patient entered them. The lab, when named, is
// the performer.
func (b *fhirBuilder) labObservation(id string, e *medjournalv1.Entry) fhirObservation {
	l := e.GetLab()
	o := b.observation(id, e)
	o.Category = []fhirCodeableConcept{fhirCategoryLaboratory}
	o.Code = fhirCodeableConcept{
		Coding: []fhirCoding{{System: fhirSystemLOINC, Code: l.GetCode()}},
		Text:   b.entryDisplay(e),
	}
	o.Performer = nil
	if name, ok := fhirString(l.GetLabName()); ok {
		o.Performer = []fhirReference{{Display: name}}
	}
	quantity := func(x float64) *fhirQuantity {
		return &fhirQuantity{Value: x, Unit: l.GetUnit(), System: fhirSystemUCUM, Code: l.GetUnit()}
	}
	o.ValueQuantity = quantity(l.GetValue())
	if i := labInterpretation(l); i != "" {
		o.Interpretation = []fhirCodeableConcept{fhirInterpretations[i]}
	}
	if l.ReferenceLow != nil || l.ReferenceHigh != nil {
		var r fhirReferenceRange
		if l.ReferenceLow != nil {
			r.Low = quantity(*l.ReferenceLow)
		}
		if l.ReferenceHigh != nil {
			r.High = quantity(*l.ReferenceHigh)
		}
		o.ReferenceRange = []fhirReferenceRange{r}
	}
	return o
}

// fhirNoteCode names a journal note Observation.
var fhirNoteCode = fhirCodeableConcept{Text: "Patient's journal note"}

// noteObservation is an Observation whose valueString is the note as written.
func (b *fhirBuilder) noteObservation(id string, e *medjournalv1.Entry) fhirObservation {
	o := b.observation(id, e)
	o.Code = fhirNoteCode
	if text, ok := fhirString(e.GetNote().GetText()); ok {
		o.ValueString = text
	} else {
		// Only characters FHIR counts as white space (the journal refuses blank notes by
		// Go's definition, which lacks U+FEFF): say so rather than drop the entry.
		o.DataAbsentReason = &fhirCodeableConcept{Text: "The note holds only blank characters"}
	}
	return o
}
