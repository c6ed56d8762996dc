package catalog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by [ConversionError], so that the server can tell with
// errors.Is which field of an entry is at fault (code, unit or value).
var (
	// ErrUnknownCode means the code names no vital or lab test in the catalog.
	ErrUnknownCode = errors.New("unknown code")
	// ErrUnitNotAccepted means the unit is not one the vital or lab test accepts.
	ErrUnitNotAccepted = errors.New("unit not accepted")
	// ErrImplausible means the value, once converted, is outside the plausible range of
	// the vital or lab test, or is not a number at all.
	ErrImplausible = errors.New("implausible value")
)

// Kinds of measurement a ConversionError is about.
const (
	KindVital   = "vital"
	KindLabTest = "lab test"
)

// ConversionError explains why ConvertVital or ConvertLab refused a value. Its message is
// meant for the person who entered the value, so the server can pass it on as an
// invalid_argument message: it names what would have been accepted.
type ConversionError struct {
	// Err is ErrUnknownCode, ErrUnitNotAccepted or ErrImplausible.
	Err error
	// Kind is KindVital or KindLabTest.
	Kind string
	// Code and Name identify the vital or lab test; Name is empty for ErrUnknownCode.
	Code string
	Name string
	// Value and Unit are as given.
	Value float64
	Unit  string
	// AcceptedUnits are the units the code accepts, canonical first (not for
	// ErrUnknownCode).
	AcceptedUnits []string
	// Min and Max bound the plausible range, in Unit (only for ErrImplausible).
	Min, Max float64
}

// Error returns a message such as
// `"mg" is not a unit of body_temperature; use one of Cel, [degF]`.
func (e *ConversionError) Error() string {
	switch e.Err {
	case ErrUnknownCode:
		return fmt.Sprintf("%q is not a %s in the catalog", e.Code, e.Kind)
	case ErrUnitNotAccepted:
		use := strings.Join(e.AcceptedUnits, ", ")
		if e.Unit == "" {
			return fmt.Sprintf("no unit given for %s; use one of %s", e.subject(), use)
		}
		return fmt.Sprintf("%q is not a unit of %s; use one of %s", e.Unit, e.subject(), use)
	case ErrImplausible:
		return fmt.Sprintf("%s %s is outside the plausible range for %s: %s to %s %s",
			strconv.FormatFloat(e.Value, 'g', -1, 64), e.Unit, e.subject(),
			strconv.FormatFloat(e.Min, 'g', 6, 64), strconv.FormatFloat(e.Max, 'g', 6, 64), e.Unit)
	}
	return fmt.Sprintf("%s %s: %v", e.Kind, e.Code, e.Err)
}

// Unwrap returns the sentinel error.
func (e *ConversionError) Unwrap() error { return e.Err }

// subject names the measurement: vital codes read as words, LOINC codes need the name.
func (e *ConversionError) subject() string {
	if e.Kind == KindLabTest && e.Name != "" {
		return fmt.Sprintf("%s (%s)", e.Code, e.Name)
	}
	return e.Code
}
