package journal

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// normalizeVital checks a vital sign and fills its canonical value and unit. The
// catalog's conversion does the work; this maps its refusal to the field at fault.
func normalizeVital(cat *catalog.Catalog, field string, v *medjournalv1.Vital) error {
	if err := checkTexts(field,
		textField{"code", v.GetCode(), 0},
		textField{"unit", v.GetUnit(), 0},
	); err != nil {
		return err
	}
	if v.GetCode() == "" {
		return &FieldError{Field: fieldPath(field, "code"), Message: "is required; see CatalogService.ListVitals"}
	}
	value, unit, err := cat.ConvertVital(v.GetCode(), v.GetValue(), v.GetUnit())
	if err != nil {
		return conversionFieldError(field, v.GetValue(), err, "CatalogService.ListVitals")
	}
	v.CanonicalValue, v.CanonicalUnit = value, unit
	return nil
}

// normalizeLab checks a lab result and fills its canonical value, unit and reference
// range. Output fields are written only once everything has passed.
func normalizeLab(cat *catalog.Catalog, field string, l *medjournalv1.Lab) error {
	if err := checkTexts(field,
		textField{"code", l.GetCode(), 0},
		textField{"unit", l.GetUnit(), 0},
	); err != nil {
		return err
	}
	if l.GetCode() == "" {
		return &FieldError{Field: fieldPath(field, "code"), Message: "is required; see CatalogService.ListLabTests"}
	}
	value, unit, err := cat.ConvertLab(l.GetCode(), l.GetValue(), l.GetUnit())
	if err != nil {
		return conversionFieldError(field, l.GetValue(), err, "CatalogService.ListLabTests")
	}
	// ConvertLab accepted code and unit, so both lookups succeed.
	test, _ := cat.LabTest(l.GetCode())
	conv := acceptedUnit(test, l.GetUnit())

	low, err := canonicalBound(fieldPath(field, "reference_low"), l.ReferenceLow, test, conv)
	if err != nil {
		return err
	}
	high, err := canonicalBound(fieldPath(field, "reference_high"), l.ReferenceHigh, test, conv)
	if err != nil {
		return err
	}
	// Compared as given: the conversion is increasing, so the order carries over.
	if l.ReferenceLow != nil && l.ReferenceHigh != nil && *l.ReferenceLow > *l.ReferenceHigh {
		return &FieldError{Field: fieldPath(field, "reference_high"), Message: fmt.Sprintf(
			"must not be below reference_low (%s)", strconv.FormatFloat(*l.ReferenceLow, 'g', -1, 64))}
	}
	if err := checkTexts(field,
		textField{"lab_name", l.GetLabName(), maxLabNameRunes},
	); err != nil {
		return err
	}

	l.CanonicalValue, l.CanonicalUnit = value, unit
	l.CanonicalReferenceLow, l.CanonicalReferenceHigh = low, high
	return nil
}

// conversionFieldError names the field a catalog.ConversionError is about: its sentinel
// tells code from unit from value. The catalog's message already says what would be
// accepted (the units, the plausible range in the patient's unit), so it is passed on.
func conversionFieldError(field string, value float64, err error, listMethod string) error {
	switch {
	case errors.Is(err, catalog.ErrUnknownCode):
		return &FieldError{Field: fieldPath(field, "code"), Message: err.Error() + "; see " + listMethod}
	case errors.Is(err, catalog.ErrUnitNotAccepted):
		return &FieldError{Field: fieldPath(field, "unit"), Message: err.Error()}
	case errors.Is(err, catalog.ErrImplausible) && !finite(value):
		// "NaN Cel is outside the plausible range" would be true but confusing.
		return &FieldError{Field: fieldPath(field, "value"), Message: "must be a finite number"}
	case errors.Is(err, catalog.ErrImplausible):
		return &FieldError{Field: fieldPath(field, "value"), Message: err.Error()}
	}
	// The catalog documents no other error; if one appears, still refuse the measurement.
	return &FieldError{Field: field, Message: err.Error()}
}

// acceptedUnit returns the conversion of unit for test, or nil if test does not accept it.
func acceptedUnit(test *medjournalv1.LabTest, unit string) *medjournalv1.UnitConversion {
	for _, u := range test.GetAcceptedUnits() {
		if u.GetUnit() == unit {
			return u
		}
	}
	return nil
}

// canonicalBound converts a reference bound (nil when the report gives none) to the test's
// canonical unit with catalog.ToCanonical, as catalog.ConvertLab converts values, the
// canonical unit itself left exact. A bound equal to the
// value must convert to exactly the canonical value, because rules compare the two.
//
// The plausible range is deliberately not applied: a bound is the lab's convention, not a
// measurement of the patient, and labs print one-sided ranges with sentinel ends (an HDL
// of "> 40" as 40 to 999) that would otherwise refuse a real result.
func canonicalBound(field string, bound *float64, test *medjournalv1.LabTest, conv *medjournalv1.UnitConversion) (*float64, error) {
	if bound == nil {
		return nil, nil
	}
	b := *bound
	if !finite(b) {
		return nil, &FieldError{Field: field, Message: "must be a finite number"}
	}
	if b < 0 {
		return nil, &FieldError{Field: field, Message: "must not be negative"}
	}
	c := b
	if conv.GetUnit() != test.GetCanonicalUnit() {
		c = catalog.ToCanonical(conv, b)
	}
	if !finite(c) {
		return nil, &FieldError{Field: field, Message: fmt.Sprintf("%s %s is too large to convert to %s",
			strconv.FormatFloat(b, 'g', -1, 64), conv.GetUnit(), test.GetCanonicalUnit())}
	}
	return &c, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
