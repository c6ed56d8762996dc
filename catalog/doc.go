// Package catalog holds the codes the journal understands: drugs, symptoms, vital signs,
// lab tests and risk factors, with the units a vital or lab value may be given in and how
// to turn it into the one unit the rules compare against.
//
// # Data
//
// Each catalog is one JSON file under data/, embedded in the binary, written in the
// protojson form of its medjournal.v1 List*Response message (drugs.json is a
// ListDrugsResponse, and so on). The files are the source of truth: the server answers
// the CatalogService calls with them unchanged, so a client sees exactly what the rules
// use. Because they are canonical protojson, zero values are left out, as
// protojson.Marshal leaves them out: a lab test with no "minValue" has a minimum of 0, and
// a unit with no "offset" converts by factor alone.
//
// [Load] parses and checks the files and returns a [Catalog]; it keeps no package state,
// so the caller owns the value and passes it where it is needed.
//
// # Sources
//
// Clinical codes come from the project's clinical reference (REFERENCE.md, shared with
// the rules work); where it gives none, the field is left empty rather than guessed:
//
//   - SNOMED CT codes for symptoms: REFERENCE.md section 8.2 (fever, cough, dyspnea,
//     fatigue, chest pain, headache, nausea, abdominal pain, dizziness). The other
//     symptoms have none yet.
//   - RxNorm: empty for every drug. REFERENCE.md section 8.1 lists ingredient CUIs for
//     four JAK inhibitors but marks them "recalled, not found in sources" and advises
//     resolving them through RxNav instead of hard-coding them.
//   - Lab LOINC codes: REFERENCE.md section 6 and SPEC.md.
//   - Vital-sign LOINC codes: the FHIR R4 vital signs profiles. Oxygen saturation is
//     2708-6, the code the R4 oxygensat profile requires; a FHIR export of a pulse
//     oximeter reading may add 59408-5 as a second coding (US Core does).
//   - Typical reference ranges are common adult textbook intervals, not from
//     REFERENCE.md, except the triglyceride upper limit of 150 mg/dL (CTCAE grade 1
//     starts there, REFERENCE.md section 4.2). They are used only when a lab report has
//     no range of its own, and need clinical review like the rest of the rule inputs.
//     A one-sided interval (HDL at least 40 mg/dL, eGFR at least 60) uses the plausible
//     maximum as its upper end, so it is drawn without an upper edge. Lower ends of 0
//     (LDL, triglycerides) mean "no lower limit" in the same way.
//
// # Units
//
// Units are UCUM codes, compared exactly (UCUM is case-sensitive: "mg/dl" is refused
// and the error names "mg/dL"). Each vital and lab test has one canonical unit, the
// first of its accepted units; the others convert by canonical = value*factor + offset.
// Canonical units are chosen so that the label thresholds read as written:
//
//	cell counts (WBC, ANC, ALC, platelets)  10*3/uL   ANC 1000 cells/mm3 = 1.0; also 10*9/L, /uL, /mm3, {cells}/uL, 10*3/mm3
//	hemoglobin                              g/dL      also g/L, mmol/L
//	cholesterol, LDL, HDL                   mg/dL     also mmol/L (x 38.67)
//	triglycerides                           mg/dL     also mmol/L (x 88.57)
//	creatinine                              mg/dL     also umol/L (/ 88.42)
//	bilirubin                               mg/dL     also umol/L (/ 17.1)
//	ALT, AST, CK                            U/L       also [IU]/L, ukat/L (1 ukat/L = 60 U/L)
//	eGFR                                    mL/min/{1.73_m2}
//	body temperature                        Cel       also [degF]
//	body weight                             kg        also [lb_av] (0.45359237 kg exactly), g
//	heart rate, respiratory rate            /min      also {beats}/min, {breaths}/min
//	blood pressure                          mm[Hg]
//	oxygen saturation                       %
//
// Hemoglobin in mmol/L follows the monomer convention used by European labs and by
// CTCAE (10 g/dL = 6.2 mmol/L): 1 mmol/L of the monomer (16 114.5 g/mol) is 1.611 g/dL.
// The rarely used tetramer convention gives values a quarter as large, which this table
// would misread as severe anemia.
//
// The conversions live in the data, not in a UCUM library. The Go UCUM packages that
// exist (github.com/wintermute-cds/ucum, last published in 2019, which reads
// ucum-essence.xml at run time; github.com/iimos/ucum, a small converter) would cover
// only the prefixes and the temperature formula. The conversions that matter clinically,
// mg/dL to mmol/L or umol/L, depend on the molar mass of each analyte, which UCUM does
// not know, so a table per test is needed anyway; a library would add a dependency and a
// second source of truth for the easy part only.
package catalog
