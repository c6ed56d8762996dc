package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// FHIR renders the journal as a FHIR R4 Bundle of type "collection", as indented JSON.
// The same journal always gives the same bytes.
//
// The Bundle holds, in this order:
//
//   - the Patient: name from display_name, gender from profile.sex, birthDate the birth
//     year (FHIR dates may be a year alone);
//   - one MedicationStatement per medication of the regimen, "active" until the day
//     after its end_date, then "completed", with effectivePeriod from its dates and the
//     usual dose as dosage; medicationCodeableConcept has an RxNorm coding where the
//     catalog knows one, and always the name as text;
//   - one resource per journal entry, oldest first:
//     dose → MedicationStatement (patient-reported intake: "completed" when taken,
//     "not-taken" with statusReason when missed or skipped, partOf the regimen's statement);
//     lab → Observation, category laboratory, LOINC code, value and reference range in the
//     unit as printed (UCUM), interpretation L/H/N against that range;
//     vital → Observation, category vital-signs, LOINC code, declaring the R4 vital signs
//     profile it conforms to;
//     symptom → Observation, category survey, SNOMED CT code where the catalog has one,
//     severity as valueCodeableConcept;
//     note → Observation whose valueString is the note;
//   - per flag a Flag (the warning, with the flag-priority extension and flag-detail
//     extensions pointing at its DetectedIssue and evidence) and a DetectedIssue
//     (severity from urgency, detail the clinician summary, evidence.detail the evidence,
//     implicated the JAK inhibitors the patient was taking).
//
// Every resource has fullUrl "urn:uuid:<id>", and the resources point at each other by
// those fullUrls. A resource's id is the journal's own UUID for it (entry, medication,
// flag, account), so a receiver can match it back; a DetectedIssue, or an object whose id
// is not a UUID, gets a UUID derived from the journal id (version 5, so it is stable).
// Evidence outside the exported period is referred to by identifier only.
//
// The patient's free text (notes, comments) is carried byte for byte, with two
// exceptions FHIR forces: a control character other than tab, line feed and carriage
// return, which no FHIR string may hold, becomes U+FFFD; and a comment of white space
// alone, which no FHIR string may be, is left out. Comments are Annotation.note entries
// authored by the Patient. encoding/json escapes <, > and & as \u003c, \u003e and \u0026,
// which any JSON reader decodes back; it keeps the file safe to embed in a web page.
//
// An error means the journal breaks an invariant the server keeps (an entry without a
// kind or time, an unspecified status or severity, a malformed date); the export refuses
// it rather than misstate it.
func FHIR(j *Journal) ([]byte, error) {
	if j == nil || j.Patient == nil {
		return nil, errors.New("fhir: journal has no patient")
	}
	b := &fhirBuilder{
		lookups:    newLookups(j),
		usedIDs:    make(map[string]bool),
		statements: make(map[string]medicationResource),
		entryURLs:  make(map[string]string),
	}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("fhir: %w", err)
	}
	out, err := json.MarshalIndent(b.bundle, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("fhir: %w", err)
	}
	return append(out, '\n'), nil
}

// fhirIDNamespace is the namespace of the version 5 UUIDs the export derives. Changing it
// changes every derived id, so it is fixed.
var fhirIDNamespace = uuid.MustParse("7f647543-f2af-4fe3-bb6b-ddc210340a2c")

// fhirBuilder accumulates the Bundle. Resources are added in Bundle order: the patient and
// medications before the entries that refer to them, the entries before the flags.
type fhirBuilder struct {
	*lookups
	bundle fhirBundle

	usedIDs    map[string]bool
	patient    fhirReference
	statements map[string]medicationResource // the regimen's statements by medication id
	entryURLs  map[string]string             // fullUrl by journal entry id
}

// medicationResource is what a dose needs from its medication's statement.
type medicationResource struct {
	url     string
	concept fhirCodeableConcept
}

func (b *fhirBuilder) build() error {
	j := b.j
	b.bundle = fhirBundle{
		ResourceType: "Bundle",
		ID:           b.bundleID(),
		Type:         "collection",
		Timestamp:    fhirInstant(j.GeneratedAt),
	}
	b.addPatient(j.Patient)
	for _, m := range j.Medications {
		if err := b.addMedication(m); err != nil {
			return fmt.Errorf("medication %s: %w", m.GetId(), err)
		}
	}
	for _, e := range b.entriesOldestFirst() {
		if err := b.addEntry(e); err != nil {
			return fmt.Errorf("entry %s: %w", e.GetId(), err)
		}
	}
	for _, f := range j.Flags {
		if err := b.addFlag(f); err != nil {
			return fmt.Errorf("flag %s: %w", f.GetId(), err)
		}
	}
	return nil
}

// bundleID derives the Bundle's id from what identifies the export: the patient, the
// period and the time it was made.
func (b *fhirBuilder) bundleID() string {
	j := b.j
	name := strings.Join([]string{"Bundle", j.Patient.GetId(),
		j.From.UTC().Format(time.RFC3339Nano), j.To.UTC().Format(time.RFC3339Nano),
		j.GeneratedAt.UTC().Format(time.RFC3339Nano)}, "/")
	return uuid.NewSHA1(fhirIDNamespace, []byte(name)).String()
}

// newID returns a resource id for the journal object journalID: journalID itself when it
// is a UUID in canonical form and not yet taken, else a UUID derived from kind and
// journalID. Ids stay unique within the Bundle even if the journal repeats one.
func (b *fhirBuilder) newID(kind, journalID string) string {
	id := journalID
	if u, err := uuid.Parse(journalID); err != nil || u.String() != journalID || b.usedIDs[id] {
		id = uuid.NewSHA1(fhirIDNamespace, []byte(kind+"/"+journalID)).String()
	}
	for n := 2; b.usedIDs[id]; n++ {
		id = uuid.NewSHA1(fhirIDNamespace, []byte(fmt.Sprintf("%s/%s/%d", kind, journalID, n))).String()
	}
	b.usedIDs[id] = true
	return id
}

// add appends a resource and returns its fullUrl.
func (b *fhirBuilder) add(id string, resource any) string {
	url := "urn:uuid:" + id
	b.bundle.Entry = append(b.bundle.Entry, fhirBundleEntry{FullURL: url, Resource: resource})
	return url
}

func (b *fhirBuilder) addPatient(a *medjournalv1.Account) {
	p := fhirPatient{ResourceType: "Patient", ID: b.newID("Patient", a.GetId())}
	if name, ok := fhirString(a.GetDisplayName()); ok {
		p.Name = []fhirHumanName{{Text: name}}
	}
	p.Gender = fhirGender[a.GetProfile().GetSex()]
	if y := a.GetProfile().GetBirthYear(); y > 0 && y <= 9999 {
		p.BirthDate = fmt.Sprintf("%04d", y)
	}
	b.patient = fhirReference{Reference: b.add(p.ID, p)}
}

// addMedication adds the statement of one medication of the regimen.
func (b *fhirBuilder) addMedication(m *medjournalv1.Medication) error {
	period, err := fhirDatePeriod(m.GetStartDate(), m.GetEndDate())
	if err != nil {
		return err
	}
	status := "active"
	if end := m.GetEndDate(); end != "" && (b.j.GeneratedAt.IsZero() || end < b.j.GeneratedAt.In(b.loc).Format(time.DateOnly)) {
		status = "completed"
	}
	concept := b.medicationConcept(m)
	s := fhirMedicationStatement{
		ResourceType:              "MedicationStatement",
		ID:                        b.newID("MedicationStatement", m.GetId()),
		Status:                    status,
		Category:                  &fhirCategoryPatientSpecified,
		MedicationCodeableConcept: concept,
		Subject:                   b.patient,
		EffectivePeriod:           period,
		InformationSource:         &b.patient,
		Dosage:                    regimenDosage(m),
	}
	url := b.add(s.ID, s)
	if _, dup := b.statements[m.GetId()]; !dup {
		b.statements[m.GetId()] = medicationResource{url: url, concept: concept}
	}
	return nil
}

// medicationConcept codes a medication: RxNorm where the catalog has a code, and as text
// the patient's name for it with the catalog's drug name added when the patient's name
// does not already say it ("Rinvoq 15 mg (Upadacitinib)"), so the drug is clear even
// without a coding.
func (b *fhirBuilder) medicationConcept(m *medjournalv1.Medication) fhirCodeableConcept {
	var c fhirCodeableConcept
	text := m.GetDisplayName()
	if d, ok := b.drug(m.GetDrugCode()); ok {
		if rx := d.GetRxnormCode(); rx != "" {
			c.Coding = []fhirCoding{{System: fhirSystemRxNorm, Code: rx}}
		}
		name := d.GetDisplayName()
		switch {
		case strings.TrimSpace(text) == "":
			text = name
		case name != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(name)):
			text += " (" + name + ")"
		}
	}
	if t, ok := fhirString(text); ok {
		c.Text = t
	} else {
		c.Text = m.GetDrugCode()
	}
	if c.Text == "" {
		c.Text = "Unnamed medication"
	}
	return c
}

// regimenDosage is the usual dose, schedule and route of a medication; nil when the
// patient gave none of them.
func regimenDosage(m *medjournalv1.Medication) []fhirDosage {
	var d fhirDosage
	var words []string
	if m.GetDoseAmount() > 0 {
		q := fhirDoseQuantity(m.GetDoseAmount(), m.GetDoseUnit())
		d.DoseAndRate = []fhirDoseAndRate{{DoseQuantity: q}}
		words = append(words, strings.TrimSpace(fhirNumber(q.Value)+" "+q.Unit))
	}
	if s, ok := fhirString(m.GetSchedule()); ok {
		d.Timing = &fhirTiming{Code: fhirCodeableConcept{Text: s}}
		words = append(words, s)
	}
	if r, ok := fhirString(m.GetRoute()); ok {
		d.Route = &fhirCodeableConcept{Text: r}
		words = append(words, r)
	}
	if len(words) == 0 {
		return nil
	}
	d.Text = strings.Join(words, ", ")
	return []fhirDosage{d}
}

// fhirDoseQuantity is a dose amount; the unit gets a UCUM code only when it is one.
func fhirDoseQuantity(amount float64, unit string) fhirQuantity {
	q := fhirQuantity{Value: amount}
	if u, ok := fhirString(unit); ok {
		q.Unit = u
		if code, ok := fhirDoseUnitCodes[unit]; ok {
			q.System, q.Code = fhirSystemUCUM, code
		}
	}
	return q
}

// fhirDatePeriod is the period of two optional YYYY-MM-DD days; nil when both are empty.
func fhirDatePeriod(start, end string) (*fhirPeriod, error) {
	for _, d := range []string{start, end} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, fmt.Errorf("date %q is not YYYY-MM-DD", d)
		}
	}
	if start == "" && end == "" {
		return nil, nil
	}
	return &fhirPeriod{Start: start, End: end}, nil
}

// dateTime writes an instant as a FHIR dateTime in the patient's time zone, so a doctor
// reads the local time of day, with the offset that makes it exact. Zones whose offset
// then was not a whole number of minutes (local mean time before about 1900, and a few
// later) cannot be written with an offset; those instants are written in UTC.
func (b *fhirBuilder) dateTime(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().In(b.loc)
	if _, offset := t.Zone(); offset%60 != 0 {
		t = t.UTC()
	}
	return t.Format(time.RFC3339Nano)
}

// fhirInstant writes t as a FHIR instant in UTC; empty for the zero time.
func fhirInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// fhirNumber formats a number as encoding/json does, for text that quotes one.
func fhirNumber(x float64) string {
	out, err := json.Marshal(x)
	if err != nil {
		return ""
	}
	return string(out)
}

// fhirString makes free text fit a FHIR string: control characters other than tab, line
// feed and carriage return become U+FFFD (FHIR strings may not hold them), and text that
// is only white space is refused (ok false), because a FHIR string must have content.
// Everything else, markup included, is kept as it is.
func fhirString(s string) (string, bool) {
	blank := true
	needsFix := false
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			needsFix = true
			blank = false
		} else if !unicode.IsSpace(r) && r != '\uFEFF' {
			blank = false
		}
	}
	if blank {
		return "", false
	}
	if needsFix {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				return unicode.ReplacementChar
			}
			return r
		}, s)
	}
	return s, true
}

// comment is an entry's comment as a note authored by the patient; nil when there is none.
func (b *fhirBuilder) comment(e *medjournalv1.Entry) []fhirAnnotation {
	text, ok := fhirString(e.GetComment())
	if !ok {
		return nil
	}
	return []fhirAnnotation{{AuthorReference: &b.patient, Text: text}}
}
