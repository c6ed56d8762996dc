package export

import (
	"fmt"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Code systems and the codes the FHIR export uses. A coding carries a display only where
// the display is the code system's own and could be checked against the R4 definitions
// (the HL7 code systems); LOINC and SNOMED CT codings carry none, because the catalog's
// names are friendly names, not the code systems' display terms, and a wrong display is
// an error to a validating receiver. The friendly name goes into CodeableConcept.text.
const (
	fhirSystemLOINC  = "http://loinc.org"
	fhirSystemSNOMED = "http://snomed.info/sct"
	fhirSystemRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
	fhirSystemUCUM   = "http://unitsofmeasure.org"

	fhirSystemObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
	fhirSystemInterpretation      = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	fhirSystemMedStatementCat     = "http://terminology.hl7.org/CodeSystem/medication-statement-category"
	fhirSystemFlagCategory        = "http://terminology.hl7.org/CodeSystem/flag-category"
	fhirSystemFlagPriority        = "http://hl7.org/fhir/flag-priority-code"

	// fhirSystemURI is the identifier system for an identifier that is itself a URI, here
	// the urn:uuid of a journal entry outside the exported period.
	fhirSystemURI = "urn:ietf:rfc:3986"

	fhirExtFlagDetail   = "http://hl7.org/fhir/StructureDefinition/flag-detail"
	fhirExtFlagPriority = "http://hl7.org/fhir/StructureDefinition/flag-priority"

	// The R4 vital signs profiles. R4 says an Observation of a vital sign SHALL conform
	// to them, so the export declares the one that fits, and the tests validate it.
	fhirProfileVitalSigns = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
)

// fhirCategory codes from the observation-category code system.
var (
	fhirCategoryLaboratory = fhirCodeableConcept{Coding: []fhirCoding{{System: fhirSystemObservationCategory, Code: "laboratory", Display: "Laboratory"}}}
	fhirCategoryVitalSigns = fhirCodeableConcept{Coding: []fhirCoding{{System: fhirSystemObservationCategory, Code: "vital-signs", Display: "Vital Signs"}}}
	// Symptoms are survey observations: the patient rates them on the PRO-CTCAE severity
	// scale, an instrument of patient-reported outcomes. "exam" would claim a clinician's
	// physical examination, which a journal entry is not.
	fhirCategorySurvey = fhirCodeableConcept{Coding: []fhirCoding{{System: fhirSystemObservationCategory, Code: "survey", Display: "Survey"}}}

	fhirCategoryPatientSpecified = fhirCodeableConcept{Coding: []fhirCoding{{System: fhirSystemMedStatementCat, Code: "patientspecified", Display: "Patient Specified"}}}
)

// fhirVitalProfiles maps a vital's catalog code to the specific R4 vital signs profile
// and the UCUM codes that profile allows. A value in another unit gets the generic
// vitalsigns profile only when that allows its unit, and no profile otherwise.
var fhirVitalProfiles = map[string]struct {
	profile string
	units   []string
}{
	"body_temperature":  {"http://hl7.org/fhir/StructureDefinition/bodytemp", []string{"Cel", "[degF]"}},
	"heart_rate":        {"http://hl7.org/fhir/StructureDefinition/heartrate", []string{"/min"}},
	"respiratory_rate":  {"http://hl7.org/fhir/StructureDefinition/resprate", []string{"/min"}},
	"oxygen_saturation": {"http://hl7.org/fhir/StructureDefinition/oxygensat", []string{"%"}},
	"body_weight":       {"http://hl7.org/fhir/StructureDefinition/bodyweight", []string{"kg", "[lb_av]", "g"}},
	// Systolic and diastolic pressure are separate journal entries. The R4 bp profile
	// wants one panel Observation with both as components, which would merge two entries
	// into one resource; each stays its own Observation under the generic profile.
	"systolic_bp":  {fhirProfileVitalSigns, []string{"mm[Hg]"}},
	"diastolic_bp": {fhirProfileVitalSigns, []string{"mm[Hg]"}},
}

// fhirVitalUnitCodes turns a vital's unit with a UCUM annotation into the plain UCUM code
// the vital signs profiles require. An annotation in braces has no meaning in UCUM
// ("{beats}/min" is the unit "/min"), so the code changes and the value does not; the
// unit as the patient chose it stays in Quantity.unit.
var fhirVitalUnitCodes = map[string]string{
	"{beats}/min":   "/min",
	"{breaths}/min": "/min",
}

// fhirDoseUnitCodes are the dose units written as UCUM codes. A dose unit is free text
// ("mg", "tablet", "puff"); the ones listed are UCUM codes or common spellings of one,
// and any other unit is exported as text only, without claiming a UCUM code.
var fhirDoseUnitCodes = map[string]string{
	"mg":    "mg",
	"g":     "g",
	"ug":    "ug",
	"mcg":   "ug",
	"µg":    "ug",
	"mL":    "mL",
	"ml":    "mL",
	"L":     "L",
	"[IU]":  "[IU]",
	"IU":    "[IU]",
	"[iU]":  "[iU]",
	"mg/kg": "mg/kg",
	"%":     "%",
}

// fhirSeverity maps the PRO-CTCAE severity to the symptom Observation's value. Mild,
// moderate and severe are the SNOMED CT codes of the R4 condition-severity value set;
// "very severe" has no code there, so it is text only rather than a guessed code.
var fhirSeverity = map[medjournalv1.Severity]fhirCodeableConcept{
	medjournalv1.Severity_SEVERITY_MILD:        {Coding: []fhirCoding{{System: fhirSystemSNOMED, Code: "255604002"}}, Text: "Mild"},
	medjournalv1.Severity_SEVERITY_MODERATE:    {Coding: []fhirCoding{{System: fhirSystemSNOMED, Code: "6736007"}}, Text: "Moderate"},
	medjournalv1.Severity_SEVERITY_SEVERE:      {Coding: []fhirCoding{{System: fhirSystemSNOMED, Code: "24484000"}}, Text: "Severe"},
	medjournalv1.Severity_SEVERITY_VERY_SEVERE: {Text: "Very severe"},
}

// fhirInterpretations are the v3 ObservationInterpretation codes for a lab value against
// its reference range.
var fhirInterpretations = map[string]fhirCodeableConcept{
	"L": {Coding: []fhirCoding{{System: fhirSystemInterpretation, Code: "L", Display: "Low"}}, Text: "Low"},
	"H": {Coding: []fhirCoding{{System: fhirSystemInterpretation, Code: "H", Display: "High"}}, Text: "High"},
	"N": {Coding: []fhirCoding{{System: fhirSystemInterpretation, Code: "N", Display: "Normal"}}, Text: "Normal"},
}

// fhirDoseStatus gives a dose's MedicationStatement status and, for a dose not taken,
// the reason in words. SPEC's MISSED (forgotten) and SKIPPED (deliberate) are both
// "not-taken"; statusReason keeps them apart.
func fhirDoseStatus(s medjournalv1.DoseStatus) (status, reason string, err error) {
	switch s {
	case medjournalv1.DoseStatus_DOSE_STATUS_TAKEN:
		return "completed", "", nil
	case medjournalv1.DoseStatus_DOSE_STATUS_MISSED:
		return "not-taken", "Missed (forgotten or otherwise not taken)", nil
	case medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED:
		return "not-taken", "Skipped (deliberately not taken)", nil
	}
	return "", "", fmt.Errorf("dose status %v", s)
}

// fhirFlagStatus maps a flag's follow-up status to Flag.status and DetectedIssue.status.
// A resolved or dismissed flag is no longer a warning (inactive), but the issue was
// found all the same (final); a withdrawn flag lost its evidence, so both say
// entered-in-error.
func fhirFlagStatus(s medjournalv1.FlagStatus) (flag, issue string, err error) {
	switch s {
	case medjournalv1.FlagStatus_FLAG_STATUS_OPEN, medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED:
		return "active", "final", nil
	case medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED, medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED:
		return "inactive", "final", nil
	case medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN:
		return "entered-in-error", "entered-in-error", nil
	}
	return "", "", fmt.Errorf("flag status %v", s)
}

// fhirUrgency maps a flag's urgency to DetectedIssue.severity and to the flag-priority
// extension of the Flag.
var fhirUrgency = map[medjournalv1.Urgency]struct {
	severity string
	priority fhirCodeableConcept
}{
	medjournalv1.Urgency_URGENCY_EMERGENCY: {"high", fhirCodeableConcept{
		Coding: []fhirCoding{{System: fhirSystemFlagPriority, Code: "PH", Display: "High priority"}},
		Text:   "Emergency: seek emergency care now"}},
	medjournalv1.Urgency_URGENCY_URGENT: {"moderate", fhirCodeableConcept{
		Coding: []fhirCoding{{System: fhirSystemFlagPriority, Code: "PM", Display: "Medium priority"}},
		Text:   "Urgent: contact the clinician within a day"}},
	medjournalv1.Urgency_URGENCY_ROUTINE: {"low", fhirCodeableConcept{
		Coding: []fhirCoding{{System: fhirSystemFlagPriority, Code: "PL", Display: "Low priority"}},
		Text:   "Routine: raise it at the next visit"}},
}

// fhirFlagCategories are the categories of every flag: each is a warning sign in the
// patient's clinical data ("clinical") about a medication's risk ("drug"). The medjournal
// category (infection, liver, ...) is the text of the first.
var (
	fhirFlagCategoryClinical = fhirCoding{System: fhirSystemFlagCategory, Code: "clinical", Display: "Clinical"}
	fhirFlagCategoryDrug     = fhirCoding{System: fhirSystemFlagCategory, Code: "drug", Display: "Drug"}
)

// fhirCategoryNames names the flag categories in words.
var fhirCategoryNames = map[medjournalv1.Category]string{
	medjournalv1.Category_CATEGORY_INFECTION:         "Infection",
	medjournalv1.Category_CATEGORY_HEART_ATTACK:      "Heart attack",
	medjournalv1.Category_CATEGORY_STROKE:            "Stroke",
	medjournalv1.Category_CATEGORY_BLOOD_CLOT:        "Blood clot",
	medjournalv1.Category_CATEGORY_BLOOD_COUNT:       "Blood count",
	medjournalv1.Category_CATEGORY_LIVER:             "Liver",
	medjournalv1.Category_CATEGORY_GI_PERFORATION:    "Gastrointestinal perforation",
	medjournalv1.Category_CATEGORY_LIPIDS:            "Lipids",
	medjournalv1.Category_CATEGORY_ALLERGIC_REACTION: "Allergic reaction",
	medjournalv1.Category_CATEGORY_MALIGNANCY:        "Malignancy",
	medjournalv1.Category_CATEGORY_KIDNEY:            "Kidney",
	medjournalv1.Category_CATEGORY_MUSCLE:            "Muscle",
	medjournalv1.Category_CATEGORY_OTHER:             "Other",
}

// fhirMitigations names the flag events that record a clinician acting on the flag;
// they become DetectedIssue.mitigation entries.
var fhirMitigations = map[medjournalv1.FlagEventType]string{
	medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED: "Acknowledged by a clinician",
	medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED:     "Resolved by a clinician",
	medjournalv1.FlagEventType_FLAG_EVENT_TYPE_DISMISSED:    "Dismissed by a clinician",
}

// fhirGender maps the profile's sex to Patient.gender; unspecified leaves it out.
var fhirGender = map[medjournalv1.Sex]string{
	medjournalv1.Sex_SEX_FEMALE: "female",
	medjournalv1.Sex_SEX_MALE:   "male",
	medjournalv1.Sex_SEX_OTHER:  "other",
}
