package catalog_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/medjournal/medjournal/catalog"
)

// conversionCase is a value in some unit and what it is in the canonical unit according
// to a source independent of the catalog's factors.
type conversionCase struct {
	code  string
	value float64
	unit  string
	want  float64
	// tol is the accepted relative error; 0 means the result must be exact, for
	// conversions that are exact by definition and sit on rule thresholds.
	tol    float64
	source string
}

// labCases cover every distinct conversion in lab_tests.json (TestEveryConversionHasAReference
// enforces that). Lab values are reported to 2 or 3 significant digits, hence 0.5 %.
var labCases = []conversionCase{
	{"751-8", 1000, "/uL", 1.0, 0, "label: ANC 1000 cells/mm3 = 1.0 x10^9/L (REFERENCE.md 1.2)"},
	{"751-8", 1000, "/mm3", 1.0, 0, "1 mm3 = 1 uL"},
	{"751-8", 1000, "{cells}/uL", 1.0, 0, "UCUM: annotations do not change the unit"},
	{"751-8", 1.0, "10*9/L", 1.0, 0, "10^9/L = 10^9/10^6 uL = 10^3/uL"},
	{"751-8", 1.0, "10*3/uL", 1.0, 0, "canonical"},
	{"26499-4", 0.5, "10*9/L", 0.5, 0, "CTCAE: ANC 500/mm3 = 0.5 x10^9/L"},
	{"731-0", 500, "/mm3", 0.5, 0, "label: ALC 500 cells/mm3 = 0.5 x10^9/L"},
	{"26474-7", 0.5, "10*3/mm3", 0.5, 0, "Cibinqo SmPC: ALC 0.5 x10^3/mm3 (REFERENCE.md 1.2)"},
	{"6690-2", 3000, "/mm3", 3.0, 0, "CTCAE: WBC 3000/mm3"},
	{"777-3", 150000, "/mm3", 150, 0, "REFERENCE.md 1.2: 150,000/mm3 = 150 x10^9/L"},
	{"26515-7", 50, "10*9/L", 50, 0, "label: platelets 50,000/mm3"},
	{"718-7", 80, "g/L", 8.0, 0, "CTCAE: Hb 80 g/L = 8.0 g/dL"},
	{"718-7", 4.965, "mmol/L", 8.0, 0.005, "Hb monomer 16 114.5 g/mol: 8.0 g/dL = 4.965 mmol/L"},
	{"718-7", 6.2, "mmol/L", 10.0, 0.005, "CTCAE: Hb 10.0 g/dL = 6.2 mmol/L"},
	{"2093-3", 5.17, "mmol/L", 200, 0.005, "cholesterol 386.65 g/mol: 200 mg/dL = 5.17 mmol/L"},
	{"2093-3", 7.75, "mmol/L", 300, 0.005, "CTCAE: cholesterol 300 mg/dL = 7.75 mmol/L"},
	{"13457-7", 2.59, "mmol/L", 100, 0.005, "LDL 100 mg/dL = 2.59 mmol/L"},
	{"2085-9", 1.03, "mmol/L", 40, 0.005, "NCEP ATP III: HDL 40 mg/dL = 1.03 mmol/L"},
	{"2571-8", 1.69, "mmol/L", 150, 0.005, "triolein 885.4 g/mol: TG 150 mg/dL = 1.69 mmol/L"},
	{"2571-8", 11.3, "mmol/L", 1000, 0.005, "CTCAE: TG 1000 mg/dL = 11.4 mmol/L (CTCAE rounds with 87.7)"},
	{"2160-0", 88.4, "umol/L", 1.0, 0.005, "creatinine 113.12 g/mol: 1.0 mg/dL = 88.4 umol/L"},
	{"1975-2", 17.1, "umol/L", 1.0, 0.005, "bilirubin 584.66 g/mol: 1.0 mg/dL = 17.1 umol/L"},
	{"1742-6", 60, "[IU]/L", 60, 0, "the enzyme unit U is the international unit"},
	{"1920-8", 1, "ukat/L", 60, 0, "1 kat = 1 mol/s, 1 U = 1 umol/min, so 1 ukat = 60 U"},
	{"2157-6", 250, "U/L", 250, 0, "canonical"},
	{"98979-8", 60, "mL/min/{1.73_m2}", 60, 0, "canonical"},
}

// vitalCases cover every distinct conversion in vitals.json.
var vitalCases = []conversionCase{
	{"body_temperature", 38.0, "Cel", 38.0, 0, "canonical"},
	{"body_temperature", 100.4, "[degF]", 38.0, 0, "(100.4 - 32) x 5/9 = 38.0"},
	{"body_temperature", 98.6, "[degF]", 37.0, 0, "(98.6 - 32) x 5/9 = 37.0"},
	{"body_temperature", 104, "[degF]", 40.0, 0, "(104 - 32) x 5/9 = 40.0"},
	{"body_weight", 150, "[lb_av]", 68.04, 0.0001, "1 lb = 0.45359237 kg exactly (international pound)"},
	{"body_weight", 70000, "g", 70, 0, "1000 g = 1 kg"},
	{"heart_rate", 72, "{beats}/min", 72, 0, "UCUM: annotations do not change the unit"},
	{"respiratory_rate", 16, "{breaths}/min", 16, 0, "UCUM: annotations do not change the unit"},
	{"systolic_bp", 120, "mm[Hg]", 120, 0, "canonical"},
	{"diastolic_bp", 80, "mm[Hg]", 80, 0, "canonical"},
	{"oxygen_saturation", 97, "%", 97, 0, "canonical"},
}

func TestConvertLab(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range labCases {
		t.Run(fmt.Sprintf("%s/%v_%s", tc.code, tc.value, tc.unit), func(t *testing.T) {
			lab, _ := c.LabTest(tc.code)
			got, unit, err := c.ConvertLab(tc.code, tc.value, tc.unit)
			if err != nil {
				t.Fatalf("ConvertLab: %v", err)
			}
			if want := lab.GetCanonicalUnit(); unit != want {
				t.Errorf("unit: got %q, want %q", unit, want)
			}
			checkClose(t, got, tc)
		})
	}
}

func TestConvertVital(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range vitalCases {
		t.Run(fmt.Sprintf("%s/%v_%s", tc.code, tc.value, tc.unit), func(t *testing.T) {
			vital, _ := c.Vital(tc.code)
			got, unit, err := c.ConvertVital(tc.code, tc.value, tc.unit)
			if err != nil {
				t.Fatalf("ConvertVital: %v", err)
			}
			if want := vital.GetCanonicalUnit(); unit != want {
				t.Errorf("unit: got %q, want %q", unit, want)
			}
			checkClose(t, got, tc)
		})
	}
}

func checkClose(t *testing.T, got float64, tc conversionCase) {
	t.Helper()
	if tc.tol == 0 {
		if got != tc.want {
			t.Errorf("got %v, want exactly %v (%s)", got, tc.want, tc.source)
		}
		return
	}
	if rel := math.Abs(got-tc.want) / math.Abs(tc.want); rel > tc.tol {
		t.Errorf("got %v, want %v within %.2g%% (%s); off by %.3g%%", got, tc.want, tc.tol*100, tc.source, rel*100)
	}
}

// TestEveryConversionHasAReference fails when data/ gains a unit, or a factor changes,
// without a reference value in the tables above to check it against.
func TestEveryConversionHasAReference(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	type conversion struct {
		canonical, unit string
		factor, offset  float64
	}
	checked := map[conversion]bool{}
	mark := func(cases []conversionCase, units func(code, unit string) (conversion, bool)) {
		for _, tc := range cases {
			if conv, ok := units(tc.code, tc.unit); ok {
				checked[conv] = true
			}
		}
	}
	labUnit := func(code, unit string) (conversion, bool) {
		l, _ := c.LabTest(code)
		for _, u := range l.GetAcceptedUnits() {
			if u.GetUnit() == unit {
				return conversion{l.GetCanonicalUnit(), unit, u.GetFactor(), u.GetOffset()}, true
			}
		}
		return conversion{}, false
	}
	vitalUnit := func(code, unit string) (conversion, bool) {
		v, _ := c.Vital(code)
		for _, u := range v.GetAcceptedUnits() {
			if u.GetUnit() == unit {
				return conversion{v.GetCanonicalUnit(), unit, u.GetFactor(), u.GetOffset()}, true
			}
		}
		return conversion{}, false
	}
	mark(labCases, labUnit)
	mark(vitalCases, vitalUnit)

	// The first accepted unit is the canonical one, converting to itself; Load checks that.
	for _, l := range c.LabTests().GetLabTests() {
		for _, u := range l.GetAcceptedUnits()[1:] {
			if conv, _ := labUnit(l.GetCode(), u.GetUnit()); !checked[conv] {
				t.Errorf("lab test %s: %s -> %s (factor %v) has no reference case in labCases",
					l.GetCode(), u.GetUnit(), l.GetCanonicalUnit(), u.GetFactor())
			}
		}
	}
	for _, v := range c.Vitals().GetVitals() {
		for _, u := range v.GetAcceptedUnits()[1:] {
			if conv, _ := vitalUnit(v.GetCode(), u.GetUnit()); !checked[conv] {
				t.Errorf("vital %s: %s -> %s (factor %v) has no reference case in vitalCases",
					v.GetCode(), u.GetUnit(), v.GetCanonicalUnit(), u.GetFactor())
			}
		}
	}
}

func TestConvertRefuses(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range []struct {
		name    string
		convert func(code string, value float64, unit string) (float64, string, error)
		code    string
		value   float64
		unit    string
		wantErr error
		wantMsg string
	}{
		{"ErrUnitNotAccepted", c.ConvertVital, "body_temperature", 38, "mg", catalog.ErrUnitNotAccepted,
			`"mg" is not a unit of body_temperature; use one of Cel, [degF]`},
		{"ErrUnitNotAccepted/UCUMIsCaseSensitive", c.ConvertLab, "718-7", 8, "g/dl", catalog.ErrUnitNotAccepted,
			`"g/dl" is not a unit of 718-7 (Hemoglobin); use one of g/dL, g/L, mmol/L`},
		{"ErrUnitNotAccepted/MassForACount", c.ConvertLab, "751-8", 1, "mg/dL", catalog.ErrUnitNotAccepted,
			`use one of 10*3/uL, 10*9/L, /uL, /mm3, {cells}/uL, 10*3/mm3`},
		{"ErrUnitNotAccepted/Missing", c.ConvertVital, "body_weight", 70, "", catalog.ErrUnitNotAccepted,
			`no unit given for body_weight; use one of kg, [lb_av], g`},
		{"ErrImplausible/3Cel", c.ConvertVital, "body_temperature", 3, "Cel", catalog.ErrImplausible,
			`3 Cel is outside the plausible range for body_temperature: 25 to 45 Cel`},
		{"ErrImplausible/300Cel", c.ConvertVital, "body_temperature", 300, "Cel", catalog.ErrImplausible,
			`300 Cel is outside the plausible range for body_temperature: 25 to 45 Cel`},
		{"ErrImplausible/RangeInTheGivenUnit", c.ConvertVital, "body_temperature", 572, "[degF]", catalog.ErrImplausible,
			`572 [degF] is outside the plausible range for body_temperature: 77 to 113 [degF]`},
		{"ErrImplausible/JustBelow", c.ConvertVital, "body_temperature", 24.9, "Cel", catalog.ErrImplausible, "25 to 45 Cel"},
		{"ErrImplausible/JustAbove", c.ConvertVital, "body_temperature", 45.1, "Cel", catalog.ErrImplausible, "25 to 45 Cel"},
		{"ErrImplausible/NaN", c.ConvertVital, "heart_rate", math.NaN(), "/min", catalog.ErrImplausible, "NaN /min"},
		{"ErrImplausible/Inf", c.ConvertLab, "751-8", math.Inf(1), "/uL", catalog.ErrImplausible, "+Inf /uL"},
		{"ErrImplausible/Negative", c.ConvertLab, "751-8", -1, "/uL", catalog.ErrImplausible, "0 to 200000 /uL"},
		{"ErrImplausible/HbInGramsPerLitreTypedAsPerDecilitre", c.ConvertLab, "718-7", 80, "g/dL", catalog.ErrImplausible,
			`80 g/dL is outside the plausible range for 718-7 (Hemoglobin): 1 to 25 g/dL`},
		{"ErrUnknownCode/Vital", c.ConvertVital, "temperature", 38, "Cel", catalog.ErrUnknownCode,
			`"temperature" is not a vital in the catalog`},
		{"ErrUnknownCode/Lab", c.ConvertLab, "718-8", 8, "g/dL", catalog.ErrUnknownCode,
			`"718-8" is not a lab test in the catalog`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, unit, err := tc.convert(tc.code, tc.value, tc.unit)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err: got %v (value %v %q), want %v", err, got, unit, tc.wantErr)
			}
			var ce *catalog.ConversionError
			if !errors.As(err, &ce) {
				t.Fatalf("err: got %T, want *catalog.ConversionError", err)
			}
			if got, want := err.Error(), tc.wantMsg; !strings.Contains(got, want) {
				t.Errorf("message: got %q, want it to contain %q", got, want)
			}
			if got != 0 || unit != "" {
				t.Errorf("refused value came back as %v %q, want 0 and no unit", got, unit)
			}
		})
	}
}

// TestConvertBoundsAreInclusive: the plausible range is closed, so the extremes a
// catalog names are accepted.
func TestConvertBoundsAreInclusive(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, v := range []float64{25, 45} {
		if _, _, err := c.ConvertVital("body_temperature", v, "Cel"); err != nil {
			t.Errorf("ConvertVital(%v Cel): %v", v, err)
		}
	}
}

// TestToCanonicalRemovesFactorNoise: 100.4 °F is 38 °C exactly after conversion, though
// the factor 5/9 leaves 38.00000000000001 in floating point, since rules compare values
// with thresholds such as 38.0.
func TestToCanonicalRemovesFactorNoise(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, ok := cat.Vital("body_temperature")
	if !ok {
		t.Fatal("no body_temperature vital")
	}
	for _, u := range v.GetAcceptedUnits() {
		if u.GetUnit() != "[degF]" {
			continue
		}
		if got := catalog.ToCanonical(u, 100.4); got != 38 {
			t.Errorf("100.4 [degF] = %v Cel, want 38", got)
		}
		return
	}
	t.Fatal("body_temperature does not accept [degF]")
}
