package catalog_test

import (
	"encoding/json"
	"os"
	"path"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// mustLoad loads the embedded catalog or stops the test.
func mustLoad(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, err := catalog.Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoad(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)

	// SPEC.md promises at least these many; the catalog may hold more.
	if got, min := len(c.Drugs().GetDrugs()), 8; got < min {
		t.Errorf("drugs: got %d, want at least %d", got, min)
	}
	if got, min := len(c.Symptoms().GetSymptoms()), 49; got < min {
		t.Errorf("symptoms: got %d, want at least %d", got, min)
	}
	if got, want := len(c.Vitals().GetVitals()), 7; got != want {
		t.Errorf("vitals: got %d, want %d", got, want)
	}
	if got, min := len(c.LabTests().GetLabTests()), 18; got < min {
		t.Errorf("lab tests: got %d, want at least %d", got, min)
	}
	if got, min := len(c.RiskFactors().GetRiskFactors()), 10; got < min {
		t.Errorf("risk factors: got %d, want at least %d", got, min)
	}
}

// TestLoadReturnsIndependentValues pins that Load keeps no package state: two loads
// share no messages, so a careless caller of one cannot corrupt the other.
func TestLoadReturnsIndependentValues(t *testing.T) {
	t.Parallel()
	a, b := mustLoad(t), mustLoad(t)
	if a.Drugs() == b.Drugs() {
		t.Fatal("two Loads returned the same ListDrugsResponse")
	}
}

func TestJAKInhibitors(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range []struct{ code, brand, route string }{
		{"tofacitinib", "Xeljanz", "oral"},
		{"baricitinib", "Olumiant", "oral"},
		{"upadacitinib", "Rinvoq", "oral"},
		{"abrocitinib", "Cibinqo", "oral"},
		{"filgotinib", "Jyseleca", "oral"},
		{"ritlecitinib", "Litfulo", "oral"},
		{"deuruxolitinib", "Leqselvi", "oral"},
		{"ruxolitinib_cream", "Opzelura", "topical"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			d, ok := c.Drug(tc.code)
			if !ok {
				t.Fatalf("Drug(%q) not found", tc.code)
			}
			if got, want := d.GetDrugClass(), medjournalv1.DrugClass_DRUG_CLASS_JAK_INHIBITOR; got != want {
				t.Errorf("class: got %v, want %v", got, want)
			}
			if got, want := d.GetBrandNames()[0], tc.brand; got != want {
				t.Errorf("first brand: got %q, want %q", got, want)
			}
			if got, want := d.GetRoutes(), []string{tc.route}; !reflect.DeepEqual(got, want) {
				t.Errorf("routes: got %q, want %q", got, want)
			}
		})
	}
}

// TestCanonicalUnits pins the units the rules compare in: a change here changes what
// every threshold means, so it must be deliberate.
func TestCanonicalUnits(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	vitals := []struct{ code, loinc, unit string }{
		{"body_temperature", "8310-5", "Cel"},
		{"heart_rate", "8867-4", "/min"},
		{"systolic_bp", "8480-6", "mm[Hg]"},
		{"diastolic_bp", "8462-4", "mm[Hg]"},
		{"oxygen_saturation", "2708-6", "%"},
		{"respiratory_rate", "9279-1", "/min"},
		{"body_weight", "29463-7", "kg"},
	}
	for _, tc := range vitals {
		v, ok := c.Vital(tc.code)
		if !ok {
			t.Errorf("Vital(%q) not found", tc.code)
			continue
		}
		if got, want := v.GetLoincCode(), tc.loinc; got != want {
			t.Errorf("%s: LOINC got %q, want %q", tc.code, got, want)
		}
		if got, want := v.GetCanonicalUnit(), tc.unit; got != want {
			t.Errorf("%s: canonical unit got %q, want %q", tc.code, got, want)
		}
	}
	labs := []struct{ code, short, unit string }{
		{"6690-2", "WBC", "10*3/uL"},
		{"751-8", "ANC", "10*3/uL"},
		{"26499-4", "ANC", "10*3/uL"},
		{"731-0", "ALC", "10*3/uL"},
		{"26474-7", "ALC", "10*3/uL"},
		{"718-7", "Hb", "g/dL"},
		{"777-3", "PLT", "10*3/uL"},
		{"26515-7", "PLT", "10*3/uL"},
		{"1742-6", "ALT", "U/L"},
		{"1920-8", "AST", "U/L"},
		{"1975-2", "TBIL", "mg/dL"},
		{"2093-3", "TC", "mg/dL"},
		{"13457-7", "LDL-C", "mg/dL"},
		{"2085-9", "HDL-C", "mg/dL"},
		{"2571-8", "TG", "mg/dL"},
		{"2157-6", "CK", "U/L"},
		{"2160-0", "Creat", "mg/dL"},
		{"98979-8", "eGFR", "mL/min/{1.73_m2}"},
	}
	for _, tc := range labs {
		l, ok := c.LabTest(tc.code)
		if !ok {
			t.Errorf("LabTest(%q) not found", tc.code)
			continue
		}
		if got, want := l.GetShortName(), tc.short; got != want {
			t.Errorf("%s: short name got %q, want %q", tc.code, got, want)
		}
		if got, want := l.GetCanonicalUnit(), tc.unit; got != want {
			t.Errorf("%s: canonical unit got %q, want %q", tc.code, got, want)
		}
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	lookups := []struct {
		name string
		find func(string) bool
		code string
		want bool
	}{
		{"Drug", func(s string) bool { _, ok := c.Drug(s); return ok }, "methotrexate", true},
		{"Drug", func(s string) bool { _, ok := c.Drug(s); return ok }, "Methotrexate", false},
		{"Symptom", func(s string) bool { _, ok := c.Symptom(s); return ok }, "chest_pain", true},
		{"Symptom", func(s string) bool { _, ok := c.Symptom(s); return ok }, "chest pain", false},
		{"Vital", func(s string) bool { _, ok := c.Vital(s); return ok }, "body_temperature", true},
		{"Vital", func(s string) bool { _, ok := c.Vital(s); return ok }, "8310-5", false},
		{"LabTest", func(s string) bool { _, ok := c.LabTest(s); return ok }, "751-8", true},
		{"LabTest", func(s string) bool { _, ok := c.LabTest(s); return ok }, "ANC", false},
		{"RiskFactor", func(s string) bool { _, ok := c.RiskFactor(s); return ok }, "history_of_vte", true},
		{"RiskFactor", func(s string) bool { _, ok := c.RiskFactor(s); return ok }, "", false},
	}
	for _, tc := range lookups {
		if got := tc.find(tc.code); got != tc.want {
			t.Errorf("%s(%q) found: got %v, want %v", tc.name, tc.code, got, tc.want)
		}
	}

	s, _ := c.Symptom("fever")
	if got, want := s.GetSnomedCode(), "386661006"; got != want {
		t.Errorf("fever SNOMED: got %q, want %q", got, want)
	}
}

// TestDataIsCanonicalProtoJSON checks that each data file is what protojson.Marshal
// would write for it (JSON names, enum names, zero values left out), so the files can be
// diffed against a server response and regenerated without noise.
func TestDataIsCanonicalProtoJSON(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range []struct {
		file string
		msg  proto.Message
	}{
		{"drugs.json", c.Drugs()},
		{"symptoms.json", c.Symptoms()},
		{"vitals.json", c.Vitals()},
		{"lab_tests.json", c.LabTests()},
		{"risk_factors.json", c.RiskFactors()},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(path.Join("data", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			marshalled, err := protojson.Marshal(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			var got, want map[string][]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(marshalled, &want); err != nil {
				t.Fatal(err)
			}
			for key, items := range want {
				for i := range items {
					if i >= len(got[key]) || !reflect.DeepEqual(got[key][i], items[i]) {
						t.Errorf("%s[%d]: file has\n\t%v\nprotojson writes\n\t%v", key, i, at(got[key], i), items[i])
					}
				}
			}
		})
	}
}

func at(items []any, i int) any {
	if i < len(items) {
		return items[i]
	}
	return nil
}
