package catalog

import (
	"strconv"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// ConvertVital converts a vital-sign value given in unit to the canonical unit of the
// vital code (e.g. 100.4 "[degF]" to 38 "Cel") and checks that the result is plausible.
// The error is a *ConversionError wrapping ErrUnknownCode, ErrUnitNotAccepted or
// ErrImplausible.
func (c *Catalog) ConvertVital(code string, value float64, unit string) (canonicalValue float64, canonicalUnit string, err error) {
	v, ok := c.vitalByCode[code]
	if !ok {
		return 0, "", &ConversionError{Err: ErrUnknownCode, Kind: KindVital, Code: code, Value: value, Unit: unit}
	}
	return convert(KindVital, v, value, unit)
}

// ConvertLab converts a lab value given in unit to the canonical unit of the lab test
// with LOINC code code (e.g. 80 "g/L" hemoglobin to 8 "g/dL") and checks that the result
// is plausible. The error is a *ConversionError wrapping ErrUnknownCode,
// ErrUnitNotAccepted or ErrImplausible.
func (c *Catalog) ConvertLab(code string, value float64, unit string) (canonicalValue float64, canonicalUnit string, err error) {
	l, ok := c.labTestByCode[code]
	if !ok {
		return 0, "", &ConversionError{Err: ErrUnknownCode, Kind: KindLabTest, Code: code, Value: value, Unit: unit}
	}
	return convert(KindLabTest, l, value, unit)
}

// measurable is what vitals and lab tests share: a canonical unit, the units that convert
// to it, and a plausible range in it.
type measurable interface {
	GetCode() string
	GetDisplayName() string
	GetCanonicalUnit() string
	GetAcceptedUnits() []*medjournalv1.UnitConversion
	GetMinValue() float64
	GetMaxValue() float64
}

func convert(kind string, m measurable, value float64, unit string) (float64, string, error) {
	accepted := m.GetAcceptedUnits()
	var conv *medjournalv1.UnitConversion
	for _, u := range accepted {
		if u.GetUnit() == unit {
			conv = u
			break
		}
	}
	if conv == nil {
		names := make([]string, len(accepted))
		for i, u := range accepted {
			names[i] = u.GetUnit()
		}
		return 0, "", &ConversionError{
			Err: ErrUnitNotAccepted, Kind: kind, Code: m.GetCode(), Name: m.GetDisplayName(),
			Value: value, Unit: unit, AcceptedUnits: names,
		}
	}

	canonical := value
	if conv != accepted[0] {
		canonical = ToCanonical(conv, value)
	}
	// Written so that NaN fails too: every comparison with NaN is false.
	if !(canonical >= m.GetMinValue() && canonical <= m.GetMaxValue()) {
		return 0, "", &ConversionError{
			Err: ErrImplausible, Kind: kind, Code: m.GetCode(), Name: m.GetDisplayName(),
			Value: value, Unit: unit,
			// Bounds in the unit the value came in, so the message reads in the
			// patient's own terms (77 to 113 [degF], not 25 to 45 Cel).
			Min: (m.GetMinValue() - conv.GetOffset()) / conv.GetFactor(),
			Max: (m.GetMaxValue() - conv.GetOffset()) / conv.GetFactor(),
		}
	}
	return canonical, m.GetCanonicalUnit(), nil
}

// ToCanonical converts value, in conv's unit, to the canonical unit: value*factor + offset,
// rounded to 12 significant digits. Everything converted to a canonical unit goes through
// it, so a lab's reference bound equal to its value converts to exactly the same number.
func ToCanonical(conv *medjournalv1.UnitConversion, value float64) float64 {
	return roundSignificant(value*conv.GetFactor() + conv.GetOffset())
}

// roundSignificant rounds x to 12 significant digits. Factors such as 0.1 and 5/9 are
// inexact in binary floating point (100.4 [degF] comes out as 38.00000000000001 Cel, 80
// g/L could come out a hair under 8 g/dL), and rules compare against thresholds that a
// converted value may equal exactly. Twelve digits removes that noise and keeps far more
// precision than any measurement has.
func roundSignificant(x float64) float64 {
	if x == 0 || !finite(x) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		return x
	}
	return r
}
