package catalog_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/medjournal/medjournal/catalog"
)

// edit replaces old, which must occur exactly once, with new in one data file; a
// new of "<delete>" removes the file.
type edit struct{ file, old, new string }

// dataWith returns the real data files with the edits applied.
func dataWith(t *testing.T, edits ...edit) fs.FS {
	t.Helper()
	files := fstest.MapFS{}
	entries, err := os.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile("data/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = &fstest.MapFile{Data: b}
	}
	for _, ed := range edits {
		if ed.new == "<delete>" {
			delete(files, ed.file)
			continue
		}
		text := string(files[ed.file].Data)
		if n := strings.Count(text, ed.old); n != 1 {
			t.Fatalf("%s: %q occurs %d times, want once", ed.file, ed.old, n)
		}
		files[ed.file].Data = []byte(strings.Replace(text, ed.old, ed.new, 1))
	}
	return files
}

func TestLoadFS(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		if _, err := catalog.LoadFS(dataWith(t)); err != nil {
			t.Fatalf("LoadFS of unchanged data: %v", err)
		}
	})

	for _, tc := range []struct {
		name  string
		edits []edit
		// want are substrings the error must contain, each naming file, item and problem.
		want []string
	}{
		{"MissingFile", []edit{{"vitals.json", "", "<delete>"}},
			[]string{"vitals.json"}},
		{"BrokenJSON", []edit{{"risk_factors.json", `"riskFactors": [`, `"riskFactors": [[`}},
			[]string{"risk_factors.json"}},
		{"UnknownField", []edit{{"symptoms.json", `"displayName": "Fever"`, `"displayname": "Fever"`}},
			[]string{"symptoms.json", "displayname"}},
		{"MalformedSymptomCode", []edit{{"symptoms.json", `"code": "night_sweats"`, `"code": "Night sweats"`}},
			[]string{
				`symptoms.json: symptom "Night sweats": code "Night sweats" is malformed`,
				`symptoms.json: symptom "night_sweats": missing`,
			}},
		{"DuplicateCode", []edit{{"symptoms.json", `"code": "chills"`, `"code": "fever"`}},
			[]string{`symptoms.json: symptom "fever": code is not unique`, `symptom "chills": missing`}},
		{"MissingCode", []edit{{"risk_factors.json", `"code": "diabetes"`, `"code": "diabetes_mellitus"`}},
			[]string{`risk_factors.json: risk factor "diabetes": missing`}},
		{"EmptyDescription", []edit{{"risk_factors.json", `"description": "You have type 1 or type 2 diabetes."`, `"description": ""`}},
			[]string{`risk factor "diabetes": description is empty`}},
		{"JAKInhibitorInAnotherClass", []edit{{"drugs.json",
			`"displayName": "Filgotinib", "drugClass": "DRUG_CLASS_JAK_INHIBITOR"`,
			`"displayName": "Filgotinib", "drugClass": "DRUG_CLASS_OTHER"`}},
			[]string{`drugs.json: drug "filgotinib": drugClass is DRUG_CLASS_OTHER, want DRUG_CLASS_JAK_INHIBITOR`}},
		{"UnspecifiedDrugClass", []edit{{"drugs.json", `"drugClass": "DRUG_CLASS_NSAID", "brandNames": ["Celebrex"]`, `"brandNames": ["Celebrex"]`}},
			[]string{`drug "celecoxib": drugClass DRUG_CLASS_UNSPECIFIED is not a drug class`}},
		{"LOINCCheckDigit", []edit{{"lab_tests.json", `"code": "718-7"`, `"code": "718-8"`}},
			[]string{`lab_tests.json: lab test "718-8": code "718-8" is malformed`, `lab test "718-7": missing`}},
		{"VitalLOINC", []edit{{"vitals.json", `"loincCode": "8867-4"`, `"loincCode": "8867"`}},
			[]string{`vitals.json: vital "heart_rate": loincCode "8867" is not a LOINC code`}},
		{"SNOMEDCheckDigit", []edit{{"symptoms.json", `"snomedCode": "386661006"`, `"snomedCode": "386661007"`}},
			[]string{`symptom "fever": snomedCode "386661007" is not a SNOMED CT identifier`}},
		{"CanonicalUnitNotFirst", []edit{{"vitals.json", `"canonicalUnit": "Cel"`, `"canonicalUnit": "[degF]"`}},
			[]string{`vital "body_temperature": first accepted unit is "Cel", want the canonical unit "[degF]"`}},
		{"CanonicalFactorNotOne", []edit{{"vitals.json", `{"unit": "kg", "factor": 1}`, `{"unit": "kg", "factor": 2}`}},
			[]string{`vital "body_weight": canonical unit "kg" must have factor 1 and offset 0`}},
		{"ZeroFactor", []edit{{"vitals.json", `"factor": 0.45359237`, `"factor": 0`}},
			[]string{`vital "body_weight": accepted unit "[lb_av]": factor 0 must be finite and > 0`}},
		{"NegativeFactor", []edit{{"lab_tests.json", `{"unit": "g/L", "factor": 0.1}`, `{"unit": "g/L", "factor": -0.1}`}},
			[]string{`lab test "718-7": accepted unit "g/L": factor -0.1 must be finite and > 0`}},
		{"NaNFactor", []edit{{"lab_tests.json", `"factor": 1.611`, `"factor": "NaN"`}},
			[]string{`lab test "718-7": accepted unit "mmol/L": factor NaN must be finite and > 0`}},
		{"InfiniteOffset", []edit{{"vitals.json", `"offset": -17.77777777777778`, `"offset": "-Infinity"`}},
			[]string{`vital "body_temperature": accepted unit "[degF]": offset -Inf must be finite`}},
		{"UnitWithSpaces", []edit{{"lab_tests.json", `{"unit": "g/L", "factor": 0.1}`, `{"unit": "g / L", "factor": 0.1}`}},
			[]string{`lab test "718-7": accepted unit "g / L" is not a UCUM code`}},
		{"DuplicateUnit", []edit{{"lab_tests.json", `{"unit": "g/L", "factor": 0.1}`, `{"unit": "g/dL", "factor": 0.1}`}},
			[]string{`lab test "718-7": accepted unit "g/dL" is listed twice`}},
		{"EmptyRange", []edit{{"vitals.json", `"maxValue": 250`, `"maxValue": 10`}},
			[]string{`vital "heart_rate": plausible range minValue 20 .. maxValue 10 is empty`}},
		{"TypicalRangeOutsidePlausible", []edit{{"lab_tests.json", `"typicalHigh": 17.5`, `"typicalHigh": 30`}},
			[]string{`lab test "718-7": typical range 12..30 is outside the plausible range 1..25`}},
		{"AllProblemsAtOnce", []edit{
			{"drugs.json", `"code": "tofacitinib"`, `"code": "tofa"`},
			{"lab_tests.json", `"shortName": "Hb"`, `"shortName": ""`},
		}, []string{`drug "tofacitinib": missing`, `lab test "718-7": shortName is empty`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := catalog.LoadFS(dataWith(t, tc.edits...))
			if err == nil {
				t.Fatalf("LoadFS succeeded, want an error; catalog %p", c)
			}
			for _, want := range tc.want {
				if got := err.Error(); !strings.Contains(got, want) {
					t.Errorf("error:\n%s\nwant it to contain %q", got, want)
				}
			}
		})
	}
}

func TestCheckDigits(t *testing.T) {
	t.Parallel()
	// Every LOINC and SNOMED CT code in REFERENCE.md, whatever its use here, so that the
	// check-digit algorithms are tested against codes nobody computed with them.
	for _, code := range []string{
		"6690-2", "26464-8", "751-8", "26499-4", "770-8", "731-0", "26474-7", "718-7",
		"777-3", "26515-7", "1742-6", "1744-2", "1920-8", "1975-2", "14631-6", "2093-3",
		"13457-7", "2089-1", "2085-9", "2571-8", "2157-6", "2160-0", "98979-8", "62238-1",
		"33914-3", "16933-4", "13952-7", "22322-2", "16128-1", "13955-0", "71773-6",
		"46217-6", "71775-1", "8310-5", "8867-4", "8480-6", "8462-4", "2708-6", "59408-5",
		"9279-1", "29463-7",
	} {
		if !catalog.ValidLOINC(code) {
			t.Errorf("ValidLOINC(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"718-8", "7187", "718-", "-7", "12345678-6", "71a-7", ""} {
		if catalog.ValidLOINC(code) {
			t.Errorf("ValidLOINC(%q) = true, want false", code)
		}
	}
	for _, code := range []string{
		"386661006", "49727002", "267036007", "84229001", "29857009", "25064002",
		"422587007", "21522001", "404640003", "22253000", "128053003", "59282003",
		"56717001", "271737000", "74576004", "10828004", "260385009", "419984006",
	} {
		if !catalog.ValidSNOMED(code) {
			t.Errorf("ValidSNOMED(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"386661007", "49727020", "012345", "12345", "4972700x", ""} {
		if catalog.ValidSNOMED(code) {
			t.Errorf("ValidSNOMED(%q) = true, want false", code)
		}
	}
}
