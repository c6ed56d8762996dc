package journal

import (
	"fmt"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Limits copied from the protovalidate rules on Medication in entry.proto.
const (
	maxDrugCodeRunes    = 64
	maxDisplayNameRunes = 200
	maxMedDoseUnitRunes = 32
	maxRouteRunes       = 32
	maxScheduleRunes    = 100
)

// NormalizeMedication checks m: drug_code may be any code (SPEC: other medications are
// logged "with any code or none"), but one a typo away from a catalog drug is refused with
// a suggestion, because the rules read the drug class from the code and a misspelt
// "upadacitinb" would silently turn off the JAK inhibitor rules;
// start_date and end_date, when set, are real calendar days in YYYY-MM-DD, and the end is
// not before the start. It also repeats the cheap protovalidate rules (text hygiene and
// lengths, dose_amount, a name or a code), as NormalizeEntry does. prefix is the
// medication's field path in the request, e.g. "medication". Nothing is changed in m; the
// name says what the server calls it for, next to NormalizeEntry.
func NormalizeMedication(cat *catalog.Catalog, m *medjournalv1.Medication, prefix string) error {
	if m == nil {
		return &FieldError{Field: prefix, Message: "is required"}
	}
	if err := checkTexts(prefix,
		textField{"id", m.GetId(), 0},
		textField{"drug_code", m.GetDrugCode(), maxDrugCodeRunes},
		textField{"display_name", m.GetDisplayName(), maxDisplayNameRunes},
	); err != nil {
		return err
	}
	if code := m.GetDrugCode(); code != "" {
		if _, ok := cat.Drug(code); !ok {
			if near, ok := nearestDrug(cat, code); ok {
				return &FieldError{Field: fieldPath(prefix, "drug_code"), Message: fmt.Sprintf(
					"%q is not in the catalog; did you mean %q? See CatalogService.ListDrugs", code, near)}
			}
		}
	} else if m.GetDisplayName() == "" {
		return &FieldError{Field: fieldPath(prefix, "display_name"), Message: "is required when drug_code is empty"}
	}
	if err := checkAmount(fieldPath(prefix, "dose_amount"), m.GetDoseAmount(), maxDoseAmount); err != nil {
		return err
	}
	if err := checkTexts(prefix,
		textField{"dose_unit", m.GetDoseUnit(), maxMedDoseUnitRunes},
		textField{"route", m.GetRoute(), maxRouteRunes},
		textField{"schedule", m.GetSchedule(), maxScheduleRunes},
	); err != nil {
		return err
	}
	return checkDateRange(prefix, m.GetStartDate(), m.GetEndDate())
}

// checkDateRange checks the optional start and end days. protovalidate compares them as
// strings, which is right only once both are known to be real days in the same form.
func checkDateRange(prefix, start, end string) error {
	startField, endField := fieldPath(prefix, "start_date"), fieldPath(prefix, "end_date")
	if start != "" {
		if _, err := ParseDate(start); err != nil {
			return &FieldError{Field: startField, Message: err.Error()}
		}
	}
	if end != "" {
		if _, err := ParseDate(end); err != nil {
			return &FieldError{Field: endField, Message: err.Error()}
		}
	}
	// Both are YYYY-MM-DD now, so their string order is their calendar order.
	if start != "" && end != "" && end < start {
		return &FieldError{Field: endField, Message: fmt.Sprintf("must not be before start_date (%s)", start)}
	}
	return nil
}
