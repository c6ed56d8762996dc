package export

// The FHIR R4 resources and datatypes the export writes, as plain structs for
// encoding/json. Only the elements medjournal fills are declared. Fields follow the
// element order of the R4 specification, so the JSON reads like the spec's examples;
// optional elements carry omitempty, and pointers mark numbers whose zero is a value.

type fhirBundle struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Timestamp    string            `json:"timestamp,omitempty"`
	Entry        []fhirBundleEntry `json:"entry,omitempty"`
}

type fhirBundleEntry struct {
	FullURL  string `json:"fullUrl"`
	Resource any    `json:"resource"`
}

type fhirMeta struct {
	Profile []string `json:"profile,omitempty"`
}

type fhirPatient struct {
	ResourceType string          `json:"resourceType"`
	ID           string          `json:"id"`
	Name         []fhirHumanName `json:"name,omitempty"`
	Gender       string          `json:"gender,omitempty"`
	BirthDate    string          `json:"birthDate,omitempty"`
}

type fhirHumanName struct {
	Text string `json:"text"`
}

type fhirMedicationStatement struct {
	ResourceType              string                `json:"resourceType"`
	ID                        string                `json:"id"`
	PartOf                    []fhirReference       `json:"partOf,omitempty"`
	Status                    string                `json:"status"`
	StatusReason              []fhirCodeableConcept `json:"statusReason,omitempty"`
	Category                  *fhirCodeableConcept  `json:"category,omitempty"`
	MedicationCodeableConcept fhirCodeableConcept   `json:"medicationCodeableConcept"`
	Subject                   fhirReference         `json:"subject"`
	EffectiveDateTime         string                `json:"effectiveDateTime,omitempty"`
	EffectivePeriod           *fhirPeriod           `json:"effectivePeriod,omitempty"`
	InformationSource         *fhirReference        `json:"informationSource,omitempty"`
	Note                      []fhirAnnotation      `json:"note,omitempty"`
	Dosage                    []fhirDosage          `json:"dosage,omitempty"`
}

type fhirDosage struct {
	Text        string               `json:"text,omitempty"`
	Timing      *fhirTiming          `json:"timing,omitempty"`
	Route       *fhirCodeableConcept `json:"route,omitempty"`
	DoseAndRate []fhirDoseAndRate    `json:"doseAndRate,omitempty"`
}

type fhirTiming struct {
	Code fhirCodeableConcept `json:"code"`
}

type fhirDoseAndRate struct {
	DoseQuantity fhirQuantity `json:"doseQuantity"`
}

type fhirObservation struct {
	ResourceType         string                `json:"resourceType"`
	ID                   string                `json:"id"`
	Meta                 *fhirMeta             `json:"meta,omitempty"`
	Status               string                `json:"status"`
	Category             []fhirCodeableConcept `json:"category,omitempty"`
	Code                 fhirCodeableConcept   `json:"code"`
	Subject              fhirReference         `json:"subject"`
	EffectiveDateTime    string                `json:"effectiveDateTime"`
	Performer            []fhirReference       `json:"performer,omitempty"`
	ValueQuantity        *fhirQuantity         `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *fhirCodeableConcept  `json:"valueCodeableConcept,omitempty"`
	ValueString          string                `json:"valueString,omitempty"`
	DataAbsentReason     *fhirCodeableConcept  `json:"dataAbsentReason,omitempty"`
	Interpretation       []fhirCodeableConcept `json:"interpretation,omitempty"`
	Note                 []fhirAnnotation      `json:"note,omitempty"`
	BodySite             *fhirCodeableConcept  `json:"bodySite,omitempty"`
	ReferenceRange       []fhirReferenceRange  `json:"referenceRange,omitempty"`
}

type fhirReferenceRange struct {
	Low  *fhirQuantity `json:"low,omitempty"`
	High *fhirQuantity `json:"high,omitempty"`
}

type fhirFlag struct {
	ResourceType string                `json:"resourceType"`
	ID           string                `json:"id"`
	Extension    []fhirExtension       `json:"extension,omitempty"`
	Status       string                `json:"status"`
	Category     []fhirCodeableConcept `json:"category,omitempty"`
	Code         fhirCodeableConcept   `json:"code"`
	Subject      fhirReference         `json:"subject"`
	Period       *fhirPeriod           `json:"period,omitempty"`
	Author       *fhirReference        `json:"author,omitempty"`
}

type fhirDetectedIssue struct {
	ResourceType       string                        `json:"resourceType"`
	ID                 string                        `json:"id"`
	Status             string                        `json:"status"`
	Code               fhirCodeableConcept           `json:"code"`
	Severity           string                        `json:"severity,omitempty"`
	Patient            fhirReference                 `json:"patient"`
	IdentifiedDateTime string                        `json:"identifiedDateTime,omitempty"`
	Author             *fhirReference                `json:"author,omitempty"`
	Implicated         []fhirReference               `json:"implicated,omitempty"`
	Evidence           []fhirDetectedIssueEvidence   `json:"evidence,omitempty"`
	Detail             string                        `json:"detail,omitempty"`
	Mitigation         []fhirDetectedIssueMitigation `json:"mitigation,omitempty"`
}

type fhirDetectedIssueEvidence struct {
	Detail []fhirReference `json:"detail"`
}

type fhirDetectedIssueMitigation struct {
	Action fhirCodeableConcept `json:"action"`
	Date   string              `json:"date,omitempty"`
	Author *fhirReference      `json:"author,omitempty"`
}

type fhirExtension struct {
	URL                  string               `json:"url"`
	ValueReference       *fhirReference       `json:"valueReference,omitempty"`
	ValueCodeableConcept *fhirCodeableConcept `json:"valueCodeableConcept,omitempty"`
}

type fhirCodeableConcept struct {
	Coding []fhirCoding `json:"coding,omitempty"`
	Text   string       `json:"text,omitempty"`
}

type fhirCoding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// fhirQuantity is a measured amount. System and Code are set only when Unit is a UCUM
// code; a unit such as "tablet" travels as text alone.
type fhirQuantity struct {
	Value  float64 `json:"value"`
	Unit   string  `json:"unit,omitempty"`
	System string  `json:"system,omitempty"`
	Code   string  `json:"code,omitempty"`
}

// fhirReference points at another resource of the Bundle by its fullUrl, or, for a
// resource outside the export, names it by identifier and display only.
type fhirReference struct {
	Reference  string          `json:"reference,omitempty"`
	Identifier *fhirIdentifier `json:"identifier,omitempty"`
	Display    string          `json:"display,omitempty"`
}

type fhirIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type fhirPeriod struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type fhirAnnotation struct {
	AuthorReference *fhirReference `json:"authorReference,omitempty"`
	Text            string         `json:"text"`
}
