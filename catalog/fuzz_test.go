package catalog_test

import (
	"errors"
	"math"
	"testing"

	"github.com/medjournal/medjournal/catalog"
)

func FuzzConvertLab(f *testing.F) {
	for _, tc := range labCases {
		f.Add(tc.code, tc.value, tc.unit)
	}
	f.Add("718-7", math.NaN(), "g/dL")
	f.Add("751-8", math.Inf(-1), "/uL")
	f.Add("751-8", math.MaxFloat64, "/uL")
	f.Add("2571-8", -0.0, "mmol/L")
	f.Add("", 0.0, "")
	c := mustLoad(f)
	f.Fuzz(func(t *testing.T, code string, value float64, unit string) {
		got, gotUnit, err := c.ConvertLab(code, value, unit)
		lab, _ := c.LabTest(code)
		checkConversion(t, got, gotUnit, err, lab.GetCanonicalUnit(), lab.GetMinValue(), lab.GetMaxValue())
	})
}

func FuzzConvertVital(f *testing.F) {
	for _, tc := range vitalCases {
		f.Add(tc.code, tc.value, tc.unit)
	}
	f.Add("body_temperature", math.NaN(), "[degF]")
	f.Add("body_temperature", -math.MaxFloat64, "[degF]")
	c := mustLoad(f)
	f.Fuzz(func(t *testing.T, code string, value float64, unit string) {
		got, gotUnit, err := c.ConvertVital(code, value, unit)
		vital, _ := c.Vital(code)
		checkConversion(t, got, gotUnit, err, vital.GetCanonicalUnit(), vital.GetMinValue(), vital.GetMaxValue())
	})
}

// checkConversion holds for any input: an accepted value is finite, in the canonical
// unit and inside the plausible range; a refusal is a *ConversionError wrapping one of
// the sentinels, with a message, and returns no value.
func checkConversion(t *testing.T, got float64, gotUnit string, err error, canonical string, min, max float64) {
	t.Helper()
	if err != nil {
		var ce *catalog.ConversionError
		if !errors.As(err, &ce) {
			t.Fatalf("err is %T, want *catalog.ConversionError", err)
		}
		if !errors.Is(err, catalog.ErrUnknownCode) && !errors.Is(err, catalog.ErrUnitNotAccepted) &&
			!errors.Is(err, catalog.ErrImplausible) {
			t.Fatalf("err %v wraps no sentinel", err)
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		if got != 0 || gotUnit != "" {
			t.Fatalf("refused, but returned %v %q", got, gotUnit)
		}
		return
	}
	if math.IsNaN(got) || math.IsInf(got, 0) {
		t.Fatalf("accepted a non-finite result %v", got)
	}
	if gotUnit != canonical {
		t.Fatalf("unit: got %q, want canonical %q", gotUnit, canonical)
	}
	if got < min || got > max {
		t.Fatalf("accepted %v %s outside the plausible range %v..%v", got, gotUnit, min, max)
	}
}
