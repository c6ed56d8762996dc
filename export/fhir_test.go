package export_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

var updateFHIRGolden = flag.Bool("update-fhir", false, "rewrite testdata/fixture.fhir.json from the FHIR export")

// The tests read the Bundle through their own types, not the package's, so that they check
// the JSON a receiver sees.
type fhirTestBundle struct {
	ResourceType string
	ID           string
	Type         string
	Timestamp    string
	Entry        []struct {
		FullURL  string
		Resource json.RawMessage
	}
}

type fhirTestResource struct {
	ResourceType              string
	ID                        string
	Meta                      struct{ Profile []string }
	Extension                 []fhirTestExtension
	Name                      []struct{ Text string }
	Gender                    string
	BirthDate                 string
	PartOf                    []fhirTestRef
	Status                    string
	StatusReason              []fhirTestCC
	Category                  fhirTestCCs
	Code                      fhirTestCC
	MedicationCodeableConcept fhirTestCC
	Subject                   fhirTestRef
	Patient                   fhirTestRef
	EffectiveDateTime         string
	EffectivePeriod           *struct{ Start, End string }
	InformationSource         *fhirTestRef
	Performer                 []fhirTestRef
	ValueQuantity             *fhirTestQuantity
	ValueCodeableConcept      *fhirTestCC
	ValueString               *string
	Interpretation            []fhirTestCC
	Note                      []struct {
		AuthorReference fhirTestRef
		Text            string
	}
	BodySite       *fhirTestCC
	ReferenceRange []struct{ Low, High *fhirTestQuantity }
	Dosage         []struct {
		Text        string
		DoseAndRate []struct{ DoseQuantity fhirTestQuantity }
	}
	Period             *struct{ Start, End string }
	Author             *fhirTestRef
	Severity           string
	IdentifiedDateTime string
	Implicated         []fhirTestRef
	Evidence           []struct{ Detail []fhirTestRef }
	Detail             string
	Mitigation         []struct {
		Action fhirTestCC
		Date   string
		Author fhirTestRef
	}
}

type fhirTestCC struct {
	Coding []struct{ System, Code, Display string }
	Text   string
}

// fhirTestCCs reads a category, which is a list in most resources and a single concept in
// MedicationStatement.
type fhirTestCCs []fhirTestCC

func (cs *fhirTestCCs) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		var c fhirTestCC
		err := json.Unmarshal(b, &c)
		*cs = fhirTestCCs{c}
		return err
	}
	return json.Unmarshal(b, (*[]fhirTestCC)(cs))
}

// has reports whether the concept has a coding system|code.
func (c fhirTestCC) has(system, code string) bool {
	for _, cd := range c.Coding {
		if cd.System == system && cd.Code == code {
			return true
		}
	}
	return false
}

type fhirTestRef struct {
	Reference  string
	Identifier *struct{ System, Value string }
	Display    string
}

type fhirTestQuantity struct {
	Value              float64
	Unit, System, Code string
}

type fhirTestExtension struct {
	URL                  string
	ValueReference       *fhirTestRef
	ValueCodeableConcept *fhirTestCC
}

// fhirTestExport is a decoded Bundle with its resources by fullUrl and by type.
type fhirTestExport struct {
	raw    []byte
	bundle fhirTestBundle
	byURL  map[string]fhirTestResource
	byType map[string][]fhirTestResource
}

func decodeFHIR(t testing.TB, raw []byte) *fhirTestExport {
	t.Helper()
	x := &fhirTestExport{raw: raw, byURL: map[string]fhirTestResource{}, byType: map[string][]fhirTestResource{}}
	if err := json.Unmarshal(raw, &x.bundle); err != nil {
		t.Fatalf("FHIR output is not JSON: %v", err)
	}
	for _, e := range x.bundle.Entry {
		var r fhirTestResource
		if err := json.Unmarshal(e.Resource, &r); err != nil {
			t.Fatalf("entry %s: %v", e.FullURL, err)
		}
		if _, dup := x.byURL[e.FullURL]; dup {
			t.Errorf("fullUrl %s appears twice", e.FullURL)
		}
		x.byURL[e.FullURL] = r
		x.byType[r.ResourceType] = append(x.byType[r.ResourceType], r)
	}
	return x
}

// resource returns the resource for a journal id (entry, medication, flag, patient): the
// export keeps the journal's UUIDs as resource ids.
func (x *fhirTestExport) resource(t testing.TB, journalID string) fhirTestResource {
	t.Helper()
	r, ok := x.byURL["urn:uuid:"+journalID]
	if !ok {
		t.Fatalf("no resource with fullUrl urn:uuid:%s", journalID)
	}
	return r
}

func exportFHIR(t testing.TB, j *export.Journal) *fhirTestExport {
	t.Helper()
	raw, err := export.FHIR(j)
	if err != nil {
		t.Fatalf("FHIR: %v", err)
	}
	return decodeFHIR(t, raw)
}

func TestFHIRBundle(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	b := x.bundle
	if b.ResourceType != "Bundle" || b.Type != "collection" {
		t.Errorf("resourceType %q type %q, want Bundle collection", b.ResourceType, b.Type)
	}
	if b.ID == "" {
		t.Error("Bundle has no id")
	}
	if want := j.GeneratedAt.UTC().Format(time.RFC3339); b.Timestamp != want {
		t.Errorf("timestamp %q, want %q", b.Timestamp, want)
	}
	for _, e := range b.Entry {
		r := x.byURL[e.FullURL]
		if e.FullURL != "urn:uuid:"+r.ID {
			t.Errorf("fullUrl %s does not name resource id %s", e.FullURL, r.ID)
		}
	}

	t.Run("ResourceCounts", func(t *testing.T) {
		var doses, observations int
		for _, e := range j.Entries {
			if e.GetDose() != nil {
				doses++
			} else {
				observations++
			}
		}
		want := map[string]int{
			"Patient":             1,
			"MedicationStatement": len(j.Medications) + doses,
			"Observation":         observations,
			"Flag":                len(j.Flags),
			"DetectedIssue":       len(j.Flags),
		}
		for typ, n := range want {
			if got := len(x.byType[typ]); got != n {
				t.Errorf("%d %s resources, want %d", got, typ, n)
			}
		}
		if got, n := len(b.Entry), 1+len(j.Medications)+len(j.Entries)+2*len(j.Flags); got != n {
			t.Errorf("%d entries, want %d", got, n)
		}
	})

	t.Run("EveryEntryHasItsResource", func(t *testing.T) {
		for _, e := range j.Entries {
			r := x.resource(t, e.GetId())
			want := "Observation"
			if e.GetDose() != nil {
				want = "MedicationStatement"
			}
			if r.ResourceType != want {
				t.Errorf("entry %s became a %s, want %s", e.GetId(), r.ResourceType, want)
			}
			at, err := time.Parse(time.RFC3339Nano, r.EffectiveDateTime)
			if err != nil || !at.Equal(e.GetOccurredTime().AsTime()) {
				t.Errorf("entry %s: effectiveDateTime %q, want the instant %v (%v)", e.GetId(), r.EffectiveDateTime, e.GetOccurredTime().AsTime(), err)
			}
		}
	})

	t.Run("ReferencesResolve", func(t *testing.T) {
		var generic struct {
			Entry []struct {
				FullURL  string
				Resource any
			}
		}
		if err := json.Unmarshal(x.raw, &generic); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range generic.Entry {
			forEachReference(e.Resource, func(ref string) {
				n++
				if _, ok := x.byURL[ref]; !ok {
					t.Errorf("%s refers to %s, which is not in the Bundle", e.FullURL, ref)
				}
			})
		}
		if n == 0 {
			t.Fatal("no references found")
		}
	})
}

// forEachReference calls f with every Reference.reference in a decoded JSON value.
func forEachReference(v any, f func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if s, ok := child.(string); ok && k == "reference" {
				f(s)
				continue
			}
			forEachReference(child, f)
		}
	case []any:
		for _, child := range v {
			forEachReference(child, f)
		}
	}
}

func TestFHIRPatient(t *testing.T) {
	j := testJournal(t)
	p := exportFHIR(t, j).resource(t, j.Patient.GetId())
	if p.ResourceType != "Patient" || len(p.Name) != 1 || p.Name[0].Text != "Ana María O'Neil" {
		t.Errorf("patient %s with name %+v", p.ResourceType, p.Name)
	}
	if p.Gender != "female" || p.BirthDate != "1968" {
		t.Errorf("gender %q birthDate %q, want female 1968", p.Gender, p.BirthDate)
	}

	j.Patient.Profile = nil
	p = exportFHIR(t, j).resource(t, j.Patient.GetId())
	if p.Gender != "" || p.BirthDate != "" {
		t.Errorf("without a profile: gender %q birthDate %q, want neither", p.Gender, p.BirthDate)
	}
}

func TestFHIRMedications(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	patient := "urn:uuid:" + j.Patient.GetId()

	upa := x.resource(t, fixtureID("medication/upadacitinib"))
	if upa.Status != "active" {
		t.Errorf("upadacitinib status %q, want active", upa.Status)
	}
	if got := upa.MedicationCodeableConcept.Text; got != "Rinvoq 15 mg (Upadacitinib)" {
		t.Errorf("upadacitinib text %q", got)
	}
	// The catalog has no RxNorm codes yet (REFERENCE.md 8.1 marks them unconfirmed), and
	// the export must not invent one.
	drug, _ := j.Catalog.Drug("upadacitinib")
	if has := len(upa.MedicationCodeableConcept.Coding) > 0; has != (drug.GetRxnormCode() != "") {
		t.Errorf("upadacitinib codings %+v, catalog RxNorm %q", upa.MedicationCodeableConcept.Coding, drug.GetRxnormCode())
	}
	if upa.EffectivePeriod == nil || upa.EffectivePeriod.Start != "2025-01-10" || upa.EffectivePeriod.End != "" {
		t.Errorf("upadacitinib effectivePeriod %+v", upa.EffectivePeriod)
	}
	if upa.Subject.Reference != patient || upa.InformationSource == nil || upa.InformationSource.Reference != patient {
		t.Errorf("upadacitinib subject %+v informationSource %+v", upa.Subject, upa.InformationSource)
	}
	if len(upa.Dosage) != 1 || upa.Dosage[0].Text != "15 mg, once daily, oral" ||
		upa.Dosage[0].DoseAndRate[0].DoseQuantity != (fhirTestQuantity{15, "mg", "http://unitsofmeasure.org", "mg"}) {
		t.Errorf("upadacitinib dosage %+v", upa.Dosage)
	}

	pred := x.resource(t, fixtureID("medication/prednisone"))
	if pred.Status != "completed" || pred.EffectivePeriod.End != "2025-03-09" {
		t.Errorf("prednisone status %q period %+v, want completed, ending 2025-03-09", pred.Status, pred.EffectivePeriod)
	}

	b12 := x.resource(t, fixtureID("medication/b12"))
	q := b12.Dosage[0].DoseAndRate[0].DoseQuantity
	if b12.MedicationCodeableConcept.Text != "Vitamin B12 drops" || q != (fhirTestQuantity{Value: 10, Unit: "drops"}) {
		t.Errorf("B12 %q dose %+v: want the unit as text, without a UCUM code", b12.MedicationCodeableConcept.Text, q)
	}

	// A medication that ends today is still taken today.
	j.Medications[0].EndDate = j.GeneratedAt.In(j.Location).Format(time.DateOnly)
	if got := exportFHIR(t, j).resource(t, fixtureID("medication/upadacitinib")).Status; got != "active" {
		t.Errorf("ending today: status %q, want active", got)
	}
}

func TestFHIRDoses(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	regimen := "urn:uuid:" + fixtureID("medication/upadacitinib")
	counts := map[string]int{}
	for _, e := range j.Entries {
		d := e.GetDose()
		if d == nil || d.GetMedicationId() != fixtureID("medication/upadacitinib") {
			continue
		}
		r := x.resource(t, e.GetId())
		counts[r.Status]++
		if len(r.PartOf) != 1 || r.PartOf[0].Reference != regimen {
			t.Errorf("dose %s partOf %+v, want the regimen", e.GetId(), r.PartOf)
		}
		if r.MedicationCodeableConcept.Text != "Rinvoq 15 mg (Upadacitinib)" {
			t.Errorf("dose %s medication %q", e.GetId(), r.MedicationCodeableConcept.Text)
		}
		switch d.GetStatus() {
		case medjournalv1.DoseStatus_DOSE_STATUS_TAKEN:
			if r.Status != "completed" || len(r.StatusReason) != 0 || len(r.Dosage) != 1 ||
				r.Dosage[0].DoseAndRate[0].DoseQuantity != (fhirTestQuantity{15, "mg", "http://unitsofmeasure.org", "mg"}) {
				t.Errorf("taken dose %s: %+v", e.GetId(), r)
			}
		case medjournalv1.DoseStatus_DOSE_STATUS_MISSED, medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED:
			word := map[medjournalv1.DoseStatus]string{
				medjournalv1.DoseStatus_DOSE_STATUS_MISSED:  "Missed",
				medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED: "Skipped",
			}[d.GetStatus()]
			if r.Status != "not-taken" || len(r.StatusReason) != 1 || !strings.HasPrefix(r.StatusReason[0].Text, word) || len(r.Dosage) != 0 {
				t.Errorf("dose %s (%v): status %q reason %+v dosage %+v", e.GetId(), d.GetStatus(), r.Status, r.StatusReason, r.Dosage)
			}
		}
	}
	if counts["completed"] != 27 || counts["not-taken"] != 3 {
		t.Errorf("upadacitinib doses by status %v, want 27 completed and 3 not-taken", counts)
	}
}

func TestFHIRLabs(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	ucum := "http://unitsofmeasure.org"

	var interpretations []string
	for i := 1; i <= 4; i++ {
		o := x.resource(t, fixtureID(fmt.Sprintf("anc/%d", i)))
		if !o.Code.has("http://loinc.org", "751-8") || !fhirTestCategory(o, "laboratory") {
			t.Errorf("anc/%d code %+v category %+v", i, o.Code, o.Category)
		}
		if o.ValueQuantity == nil || o.ValueQuantity.Unit != "10*3/uL" || o.ValueQuantity.System != ucum || o.ValueQuantity.Code != "10*3/uL" {
			t.Errorf("anc/%d valueQuantity %+v", i, o.ValueQuantity)
		}
		if len(o.ReferenceRange) != 1 || o.ReferenceRange[0].Low.Value != 1.5 || o.ReferenceRange[0].High.Value != 8 ||
			o.ReferenceRange[0].Low.Code != "10*3/uL" {
			t.Errorf("anc/%d referenceRange %+v", i, o.ReferenceRange)
		}
		if len(o.Performer) != 1 || o.Performer[0].Display != `Labor "Am Markt" & Partner` {
			t.Errorf("anc/%d performer %+v", i, o.Performer)
		}
		for _, in := range o.Interpretation {
			for _, c := range in.Coding {
				if c.System == "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation" {
					interpretations = append(interpretations, fmt.Sprintf("%g:%s", o.ValueQuantity.Value, c.Code))
				}
			}
		}
	}
	if got := strings.Join(interpretations, " "); got != "3.1:N 2.2:N 1.4:L 0.9:L" {
		t.Errorf("neutrophil trend %q, want 3.1:N 2.2:N 1.4:L 0.9:L", got)
	}

	// Hemoglobin in g/L stays in g/L, range included.
	hb := x.resource(t, fixtureID("hb/2"))
	if *hb.ValueQuantity != (fhirTestQuantity{118, "g/L", ucum, "g/L"}) || hb.ReferenceRange[0].Low.Value != 120 ||
		hb.ReferenceRange[0].Low.Unit != "g/L" || !hb.Interpretation[0].has("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "L") {
		t.Errorf("hb/2: %+v %+v %+v", hb.ValueQuantity, hb.ReferenceRange, hb.Interpretation)
	}
	alt := x.resource(t, fixtureID("alt"))
	if !alt.Code.has("http://loinc.org", "1742-6") || alt.Code.Text != "Alanine aminotransferase" ||
		!alt.Interpretation[0].has("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H") {
		t.Errorf("alt: %+v %+v", alt.Code, alt.Interpretation)
	}
	// Without a range from the lab there is neither a range nor an interpretation.
	alc := x.resource(t, fixtureID("alc"))
	if len(alc.ReferenceRange) != 0 || len(alc.Interpretation) != 0 || len(alc.Performer) != 0 ||
		*alc.ValueQuantity != (fhirTestQuantity{0.8, "10*9/L", ucum, "10*9/L"}) {
		t.Errorf("alc: range %+v interpretation %+v performer %+v value %+v", alc.ReferenceRange, alc.Interpretation, alc.Performer, alc.ValueQuantity)
	}
}

// fhirTestCategory reports whether r has the observation category code.
func fhirTestCategory(r fhirTestResource, code string) bool {
	return slices.ContainsFunc(r.Category, func(c fhirTestCC) bool {
		return c.has("http://terminology.hl7.org/CodeSystem/observation-category", code)
	})
}

func TestFHIRVitals(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	ucum := "http://unitsofmeasure.org"
	sd := "http://hl7.org/fhir/StructureDefinition/"
	tests := []struct {
		name, loinc string
		value       fhirTestQuantity
		profile     string
	}{
		{"temperature/12", "8310-5", fhirTestQuantity{38.6, "Cel", ucum, "Cel"}, "bodytemp"},
		{"temperature/14", "8310-5", fhirTestQuantity{99.5, "[degF]", ucum, "[degF]"}, "bodytemp"},
		// The annotation is dropped from the code the heartrate profile fixes; the unit
		// as entered stays in Quantity.unit.
		{"heart_rate", "8867-4", fhirTestQuantity{104, "{beats}/min", ucum, "/min"}, "heartrate"},
		{"respiratory_rate", "9279-1", fhirTestQuantity{20, "/min", ucum, "/min"}, "resprate"},
		{"spo2", "2708-6", fhirTestQuantity{96, "%", ucum, "%"}, "oxygensat"},
		{"systolic_bp", "8480-6", fhirTestQuantity{118, "mm[Hg]", ucum, "mm[Hg]"}, "vitalsigns"},
		{"weight/29", "29463-7", fhirTestQuantity{149, "[lb_av]", ucum, "[lb_av]"}, "bodyweight"},
	}
	for _, tt := range tests {
		o := x.resource(t, fixtureID(tt.name))
		if !o.Code.has("http://loinc.org", tt.loinc) || !fhirTestCategory(o, "vital-signs") {
			t.Errorf("%s: code %+v category %+v", tt.name, o.Code, o.Category)
		}
		if o.ValueQuantity == nil || *o.ValueQuantity != tt.value {
			t.Errorf("%s: valueQuantity %+v, want %+v", tt.name, o.ValueQuantity, tt.value)
		}
		if !slices.Equal(o.Meta.Profile, []string{sd + tt.profile}) {
			t.Errorf("%s: profiles %v, want %s", tt.name, o.Meta.Profile, tt.profile)
		}
		if len(o.Performer) != 1 || o.Performer[0].Reference != "urn:uuid:"+j.Patient.GetId() {
			t.Errorf("%s: performer %+v, want the patient", tt.name, o.Performer)
		}
	}
	// Daylight saving time started in Berlin on March 30: the offset follows.
	if got := x.resource(t, fixtureID("temperature/30")).EffectiveDateTime; got != "2025-03-30T20:30:00+02:00" {
		t.Errorf("temperature/30 at %q, want 2025-03-30T20:30:00+02:00", got)
	}
	if got := x.resource(t, fixtureID("temperature/29")).EffectiveDateTime; got != "2025-03-29T20:30:00+01:00" {
		t.Errorf("temperature/29 at %q, want 2025-03-29T20:30:00+01:00", got)
	}
}

func TestFHIRSymptoms(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	sct := "http://snomed.info/sct"
	tests := []struct {
		name, text, snomed, severityText, severityCode, bodySite string
	}{
		{"fever", "Fever", "386661006", "Severe", "24484000", ""},
		{"chills", "Chills", "", "Moderate", "6736007", ""},
		{"nausea", "Nausea", "422587007", "Mild", "255604002", ""},
		{"headache", "Headache", "25064002", "Very severe", "", ""},
		{"acne", "Acne", "", "Mild", "255604002", "chin, forehead"},
	}
	for _, tt := range tests {
		o := x.resource(t, fixtureID(tt.name))
		if !fhirTestCategory(o, "survey") || o.Code.Text != tt.text {
			t.Errorf("%s: category %+v code %+v", tt.name, o.Category, o.Code)
		}
		if tt.snomed != "" && !o.Code.has(sct, tt.snomed) || tt.snomed == "" && len(o.Code.Coding) != 0 {
			t.Errorf("%s: codings %+v, want SNOMED %q", tt.name, o.Code.Coding, tt.snomed)
		}
		v := o.ValueCodeableConcept
		if v == nil || v.Text != tt.severityText ||
			(tt.severityCode != "" && !v.has(sct, tt.severityCode)) || (tt.severityCode == "" && len(v.Coding) != 0) {
			t.Errorf("%s: severity %+v, want %s %s", tt.name, v, tt.severityText, tt.severityCode)
		}
		if (tt.bodySite == "") != (o.BodySite == nil) || o.BodySite != nil && o.BodySite.Text != tt.bodySite {
			t.Errorf("%s: bodySite %+v, want %q", tt.name, o.BodySite, tt.bodySite)
		}
	}
}

// TestFHIRFreeText: notes and comments arrive byte for byte, markup, quotes, line breaks
// and all, and the patient is the author of each comment.
func TestFHIRFreeText(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	comments := 0
	for _, e := range j.Entries {
		r := x.resource(t, e.GetId())
		if n := e.GetNote(); n != nil {
			if r.ValueString == nil || *r.ValueString != n.GetText() {
				t.Errorf("note %s: valueString %q, want %q", e.GetId(), deref(r.ValueString), n.GetText())
			}
		}
		if e.GetComment() == "" {
			if len(r.Note) != 0 {
				t.Errorf("entry %s has no comment but notes %+v", e.GetId(), r.Note)
			}
			continue
		}
		comments++
		if len(r.Note) != 1 || r.Note[0].Text != e.GetComment() || r.Note[0].AuthorReference.Reference != "urn:uuid:"+j.Patient.GetId() {
			t.Errorf("entry %s: notes %+v, want the comment %q by the patient", e.GetId(), r.Note, e.GetComment())
		}
	}
	if comments < 5 {
		t.Fatalf("fixture has only %d comments", comments)
	}
	if !bytes.Contains(x.raw, []byte(`\u003cscript\u003ealert(\"x\")\u003c/script\u003e \u0026 \"quotes\", commas, newlines\n`)) {
		t.Error("the script note is not in the JSON as escaped text")
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestFHIRTextFHIRCannotHold: what FHIR strings may not contain is replaced or left out,
// as FHIR's documentation says; everything else is kept.
func TestFHIRTextFHIRCannotHold(t *testing.T) {
	j := testJournal(t)
	note := j.Entries[0]
	note.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "bell\a and\x00 nul\ttab"}}
	note.Comment = " \n\t "
	blank := j.Entries[1]
	blank.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "\ufeff "}}
	x := exportFHIR(t, j)
	r := x.resource(t, note.GetId())
	if r.ValueString == nil || *r.ValueString != "bell\ufffd and\ufffd nul\ttab" {
		t.Errorf("valueString %q, want control characters as U+FFFD", deref(r.ValueString))
	}
	if len(r.Note) != 0 {
		t.Errorf("a blank comment became %+v", r.Note)
	}
	if r := x.resource(t, blank.GetId()); r.ValueString != nil {
		t.Errorf("blank note: valueString %q", *r.ValueString)
	}
}

func TestFHIRFlags(t *testing.T) {
	j := testJournal(t)
	x := exportFHIR(t, j)
	urlOf := func(name string) string { return "urn:uuid:" + fixtureID(name) }

	t.Run("OpenInfection", func(t *testing.T) {
		f := x.resource(t, fixtureID("flag/infection"))
		if f.ResourceType != "Flag" || f.Status != "active" || f.Code.Text != "Fever on a JAK inhibitor" {
			t.Errorf("flag %s status %q code %+v", f.ResourceType, f.Status, f.Code)
		}
		if f.Subject.Reference != "urn:uuid:"+j.Patient.GetId() {
			t.Errorf("subject %+v", f.Subject)
		}
		if len(f.Category) == 0 || !f.Category[0].has("http://terminology.hl7.org/CodeSystem/flag-category", "clinical") || f.Category[0].Text != "Infection" {
			t.Errorf("category %+v", f.Category)
		}
		if f.Period == nil || f.Period.Start != "2025-03-12T20:33:00+01:00" || f.Period.End != "" {
			t.Errorf("period %+v", f.Period)
		}
		var details []string
		var priority *fhirTestCC
		for _, ext := range f.Extension {
			switch ext.URL {
			case "http://hl7.org/fhir/StructureDefinition/flag-detail":
				details = append(details, ext.ValueReference.Reference)
			case "http://hl7.org/fhir/StructureDefinition/flag-priority":
				priority = ext.ValueCodeableConcept
			}
		}
		if priority == nil || !priority.has("http://hl7.org/fhir/flag-priority-code", "PM") {
			t.Errorf("priority %+v, want PM", priority)
		}
		issueURL := details[0]
		issue, ok := x.byURL[issueURL]
		if !ok || issue.ResourceType != "DetectedIssue" {
			t.Fatalf("first flag-detail %s is not the DetectedIssue", issueURL)
		}
		evidence := []string{urlOf("fever"), urlOf("temperature/12"), urlOf("temperature/13")}
		if !slices.Equal(details[1:], evidence) {
			t.Errorf("flag-detail %v, want the DetectedIssue then the evidence %v", details, evidence)
		}

		if issue.Status != "final" || issue.Severity != "moderate" || issue.Detail != j.Flags[0].GetClinicianSummary() {
			t.Errorf("issue status %q severity %q detail %q", issue.Status, issue.Severity, issue.Detail)
		}
		if issue.Patient.Reference != "urn:uuid:"+j.Patient.GetId() || issue.IdentifiedDateTime != f.Period.Start {
			t.Errorf("issue patient %+v identified %q", issue.Patient, issue.IdentifiedDateTime)
		}
		var got []string
		for _, r := range issue.Evidence[0].Detail {
			got = append(got, r.Reference)
		}
		if !slices.Equal(got, evidence) {
			t.Errorf("issue evidence %v, want %v", got, evidence)
		}
		// Upadacitinib was taken on March 12; the prednisone taper had ended.
		if len(issue.Implicated) != 1 || issue.Implicated[0].Reference != urlOf("medication/upadacitinib") {
			t.Errorf("implicated %+v, want the upadacitinib statement", issue.Implicated)
		}
		// The fever itself is what made the rule match.
		if fever := x.byURL[evidence[1]]; fever.ValueQuantity == nil || fever.ValueQuantity.Value != 38.6 {
			t.Errorf("evidence %s is not the 38.6 °C fever: %+v", evidence[1], fever.ValueQuantity)
		}
	})

	t.Run("ResolvedLiver", func(t *testing.T) {
		f := x.resource(t, fixtureID("flag/liver"))
		if f.Status != "inactive" || f.Period == nil || f.Period.End != "2025-03-15T16:00:00+01:00" {
			t.Errorf("status %q period %+v, want inactive, ended at the resolution", f.Status, f.Period)
		}
		var issue fhirTestResource
		for _, ext := range f.Extension {
			if r, ok := x.byURL[ext.ValueReference.GetReference()]; ok && r.ResourceType == "DetectedIssue" {
				issue = r
			}
		}
		if issue.Severity != "low" || issue.Status != "final" {
			t.Errorf("issue severity %q status %q", issue.Severity, issue.Status)
		}
		// Evidence before the period is named by identifier; the ALT of March 10 resolves.
		ev := issue.Evidence[0].Detail
		if len(ev) != 2 || ev[0].Reference != "" || ev[0].Identifier == nil ||
			ev[0].Identifier.Value != urlOf("alt/february") || ev[1].Reference != urlOf("alt") {
			t.Errorf("evidence %+v", ev)
		}
		if len(issue.Mitigation) != 2 || issue.Mitigation[1].Author.Display != "Dr. Lee" ||
			!strings.Contains(issue.Mitigation[1].Action.Text, "no action, recheck at the next visit") ||
			issue.Mitigation[1].Date != "2025-03-15T16:00:00+01:00" {
			t.Errorf("mitigations %+v", issue.Mitigation)
		}
	})

	t.Run("Statuses", func(t *testing.T) {
		for status, want := range map[medjournalv1.FlagStatus][2]string{
			medjournalv1.FlagStatus_FLAG_STATUS_OPEN:         {"active", "final"},
			medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED: {"active", "final"},
			medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED:     {"inactive", "final"},
			medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED:    {"inactive", "final"},
			medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN:    {"entered-in-error", "entered-in-error"},
		} {
			j := testJournal(t)
			j.Flags[0].Status = status
			x := exportFHIR(t, j)
			f := x.resource(t, fixtureID("flag/infection"))
			issue := x.byType["DetectedIssue"][0]
			if f.Status != want[0] || issue.Status != want[1] {
				t.Errorf("%v: Flag %q DetectedIssue %q, want %v", status, f.Status, issue.Status, want)
			}
		}
		for urgency, want := range map[medjournalv1.Urgency]string{
			medjournalv1.Urgency_URGENCY_ROUTINE:   "low",
			medjournalv1.Urgency_URGENCY_URGENT:    "moderate",
			medjournalv1.Urgency_URGENCY_EMERGENCY: "high",
		} {
			j := testJournal(t)
			j.Flags[0].Urgency = urgency
			if got := exportFHIR(t, j).byType["DetectedIssue"][0].Severity; got != want {
				t.Errorf("%v: severity %q, want %q", urgency, got, want)
			}
		}
	})
}

// GetReference lets a test read a possibly nil reference.
func (r *fhirTestRef) GetReference() string {
	if r == nil {
		return ""
	}
	return r.Reference
}

// TestFHIRDeterministic: the same journal gives the same bytes, whatever order its
// entries come in.
func TestFHIRDeterministic(t *testing.T) {
	first, err := export.FHIR(testJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	j := testJournal(t)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(j.Entries), func(a, b int) { j.Entries[a], j.Entries[b] = j.Entries[b], j.Entries[a] })
	second, err := export.FHIR(j)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two exports of the same journal differ")
	}
}

// TestFHIRGolden compares the fixture's Bundle with testdata/fixture.fhir.json, a sample a
// reviewer can read; go test ./export -run TestFHIRGolden -update-fhir rewrites it.
func TestFHIRGolden(t *testing.T) {
	got, err := export.FHIR(testJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "fixture.fhir.json")
	if *updateFHIRGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-fhir to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("FHIR export differs from %s; if the change is intended, rerun with -update-fhir and review the diff", path)
	}
}

func TestFHIRRefusesBrokenJournals(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(j *export.Journal)
		want   string
	}{
		{"NoPatient", func(j *export.Journal) { j.Patient = nil }, "no patient"},
		{"EntryWithoutKind", func(j *export.Journal) { j.Entries[3].Kind = nil }, "no kind"},
		{"EntryWithoutTime", func(j *export.Journal) { j.Entries[3].OccurredTime = nil }, "occurred_time"},
		{"DoseStatusUnspecified", func(j *export.Journal) {
			j.Entries[0].Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: fixtureID("medication/upadacitinib")}}
		}, "dose status"},
		{"SeverityUnspecified", func(j *export.Journal) {
			j.Entries[0].Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: "fever"}}
		}, "severity"},
		{"FlagStatusUnspecified", func(j *export.Journal) { j.Flags[1].Status = 0 }, "flag status"},
		{"BadDate", func(j *export.Journal) { j.Medications[0].StartDate = "2025-02-30" }, "2025-02-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := testJournal(t)
			tt.mutate(j)
			_, err := export.FHIR(j)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := export.FHIR(nil); err == nil {
		t.Error("FHIR(nil) did not fail")
	}
}

// TestFHIRWithoutCatalog: a journal without a catalog still exports, naming things by code.
func TestFHIRWithoutCatalog(t *testing.T) {
	j := testJournal(t)
	j.Catalog = nil
	x := exportFHIR(t, j)
	if got := x.resource(t, fixtureID("fever")).Code.Text; got != "fever" {
		t.Errorf("fever named %q, want its code", got)
	}
}
