package catalog

import (
	"errors"
	"fmt"
	"math"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// validate checks every file and reports all problems at once, each naming its file and
// item, so that one run of the tests shows everything wrong with an edit to data/.
// Field names in the messages are the JSON keys, as the person fixing them sees them.
func (c *Catalog) validate() error {
	var errs []error
	errs = append(errs, validateDrugs(c.drugs.GetDrugs())...)
	errs = append(errs, validateSymptoms(c.symptoms.GetSymptoms())...)
	errs = append(errs, validateVitals(c.vitals.GetVitals())...)
	errs = append(errs, validateLabTests(c.labTests.GetLabTests())...)
	errs = append(errs, validateRiskFactors(c.riskFactors.GetRiskFactors())...)
	return errors.Join(errs...)
}

func validateDrugs(drugs []*medjournalv1.Drug) []error {
	ck := checker{file: drugsFile}
	byCode := uniqueCodes(&ck, "drug", drugs, slugPattern.MatchString)
	for i, d := range drugs {
		item := itemName("drug", i, d.GetCode())
		ck.nonEmpty(item, "displayName", d.GetDisplayName())
		if _, known := medjournalv1.DrugClass_name[int32(d.GetDrugClass())]; !known ||
			d.GetDrugClass() == medjournalv1.DrugClass_DRUG_CLASS_UNSPECIFIED {
			ck.errorf(item, "drugClass %v is not a drug class", d.GetDrugClass())
		}
		if r := d.GetRxnormCode(); r != "" && !rxnormPattern.MatchString(r) {
			ck.errorf(item, "rxnormCode %q is not an RxNorm concept id", r)
		}
		if len(d.GetRoutes()) == 0 {
			ck.errorf(item, "has no routes")
		}
		ck.noEmptyStrings(item, "routes", d.GetRoutes())
		ck.noEmptyStrings(item, "brandNames", d.GetBrandNames())
	}
	requireCodes(&ck, "drug", byCode, requiredJAKInhibitors)
	for _, code := range requiredJAKInhibitors {
		if d, ok := byCode[code]; ok && d.GetDrugClass() != medjournalv1.DrugClass_DRUG_CLASS_JAK_INHIBITOR {
			ck.errorf(itemName("drug", 0, code), "drugClass is %v, want DRUG_CLASS_JAK_INHIBITOR", d.GetDrugClass())
		}
	}
	return ck.errs
}

func validateSymptoms(symptoms []*medjournalv1.SymptomType) []error {
	ck := checker{file: symptomsFile}
	byCode := uniqueCodes(&ck, "symptom", symptoms, slugPattern.MatchString)
	for i, s := range symptoms {
		item := itemName("symptom", i, s.GetCode())
		ck.nonEmpty(item, "displayName", s.GetDisplayName())
		ck.nonEmpty(item, "description", s.GetDescription())
		ck.noEmptyStrings(item, "synonyms", s.GetSynonyms())
		if sc := s.GetSnomedCode(); sc != "" && !validSNOMED(sc) {
			ck.errorf(item, "snomedCode %q is not a SNOMED CT identifier (bad shape or check digit)", sc)
		}
	}
	requireCodes(&ck, "symptom", byCode, requiredSymptoms)
	return ck.errs
}

func validateVitals(vitals []*medjournalv1.VitalType) []error {
	ck := checker{file: vitalsFile}
	byCode := uniqueCodes(&ck, "vital", vitals, slugPattern.MatchString)
	for i, v := range vitals {
		item := itemName("vital", i, v.GetCode())
		ck.nonEmpty(item, "displayName", v.GetDisplayName())
		if !validLOINC(v.GetLoincCode()) {
			ck.errorf(item, "loincCode %q is not a LOINC code (bad shape or check digit)", v.GetLoincCode())
		}
		ck.units(item, v)
	}
	requireCodes(&ck, "vital", byCode, requiredVitals)
	return ck.errs
}

func validateLabTests(labs []*medjournalv1.LabTest) []error {
	ck := checker{file: labTestsFile}
	byCode := uniqueCodes(&ck, "lab test", labs, validLOINC)
	for i, l := range labs {
		item := itemName("lab test", i, l.GetCode())
		ck.nonEmpty(item, "displayName", l.GetDisplayName())
		ck.nonEmpty(item, "shortName", l.GetShortName())
		ck.units(item, l)
		lo, hi := l.GetTypicalLow(), l.GetTypicalHigh()
		switch {
		case !finite(lo) || !finite(hi) || lo >= hi:
			ck.errorf(item, "typical range %v..%v is empty or not finite", lo, hi)
		case lo < l.GetMinValue() || hi > l.GetMaxValue():
			ck.errorf(item, "typical range %v..%v is outside the plausible range %v..%v",
				lo, hi, l.GetMinValue(), l.GetMaxValue())
		}
	}
	requireCodes(&ck, "lab test", byCode, requiredLabTests)
	return ck.errs
}

func validateRiskFactors(factors []*medjournalv1.RiskFactor) []error {
	ck := checker{file: riskFactorsFile}
	byCode := uniqueCodes(&ck, "risk factor", factors, slugPattern.MatchString)
	for i, r := range factors {
		item := itemName("risk factor", i, r.GetCode())
		ck.nonEmpty(item, "displayName", r.GetDisplayName())
		ck.nonEmpty(item, "description", r.GetDescription())
	}
	requireCodes(&ck, "risk factor", byCode, requiredRiskFactors)
	return ck.errs
}

// units checks what ConvertVital and ConvertLab rely on: the canonical unit comes first
// and converts to itself, every factor turns a finite value into a finite one without
// flipping its sign (so the plausible range maps onto a range), and the range is a range.
func (ck *checker) units(item string, m measurable) {
	canonical := m.GetCanonicalUnit()
	if !validUCUMCode(canonical) {
		ck.errorf(item, "canonicalUnit %q is not a UCUM code", canonical)
	}
	accepted := m.GetAcceptedUnits()
	if len(accepted) == 0 {
		ck.errorf(item, "has no acceptedUnits")
	} else if first := accepted[0]; first.GetUnit() != canonical {
		ck.errorf(item, "first accepted unit is %q, want the canonical unit %q", first.GetUnit(), canonical)
	} else if first.GetFactor() != 1 || first.GetOffset() != 0 {
		ck.errorf(item, "canonical unit %q must have factor 1 and offset 0, has %v and %v",
			canonical, first.GetFactor(), first.GetOffset())
	}
	seen := make(map[string]bool, len(accepted))
	for _, u := range accepted {
		switch unit := u.GetUnit(); {
		case !validUCUMCode(unit):
			ck.errorf(item, "accepted unit %q is not a UCUM code", unit)
		case seen[unit]:
			ck.errorf(item, "accepted unit %q is listed twice", unit)
		case !finite(u.GetFactor()) || u.GetFactor() <= 0:
			ck.errorf(item, "accepted unit %q: factor %v must be finite and > 0", unit, u.GetFactor())
		case !finite(u.GetOffset()):
			ck.errorf(item, "accepted unit %q: offset %v must be finite", unit, u.GetOffset())
		}
		seen[u.GetUnit()] = true
	}
	if lo, hi := m.GetMinValue(), m.GetMaxValue(); !finite(lo) || !finite(hi) || lo >= hi {
		ck.errorf(item, "plausible range minValue %v .. maxValue %v is empty or not finite", lo, hi)
	}
}

// checker collects the problems found in one file.
type checker struct {
	file string
	errs []error
}

func (ck *checker) errorf(item, format string, args ...any) {
	ck.errs = append(ck.errs, fmt.Errorf("catalog: %s: %s: %s", ck.file, item, fmt.Sprintf(format, args...)))
}

func (ck *checker) nonEmpty(item, field, value string) {
	if value == "" {
		ck.errorf(item, "%s is empty", field)
	}
}

func (ck *checker) noEmptyStrings(item, field string, values []string) {
	for i, v := range values {
		if v == "" {
			ck.errorf(item, "%s[%d] is empty", field, i)
		}
	}
}

// uniqueCodes reports malformed and duplicate codes and returns the items by code.
func uniqueCodes[T coded](ck *checker, kind string, items []T, valid func(string) bool) map[string]T {
	byCode := make(map[string]T, len(items))
	for i, it := range items {
		code := it.GetCode()
		if !valid(code) {
			ck.errorf(itemName(kind, i, code), "code %q is malformed", code)
		}
		if _, dup := byCode[code]; dup {
			ck.errorf(itemName(kind, i, code), "code is not unique")
			continue
		}
		byCode[code] = it
	}
	return byCode
}

// requireCodes reports the SPEC.md codes the file lacks.
func requireCodes[T any](ck *checker, kind string, byCode map[string]T, required []string) {
	for _, code := range required {
		if _, ok := byCode[code]; !ok {
			ck.errorf(itemName(kind, 0, code), "missing; SPEC.md promises clients this code")
		}
	}
}

// itemName names an item by its code, or by its position when it has none.
func itemName(kind string, index int, code string) string {
	if code == "" {
		return fmt.Sprintf("%s #%d (no code)", kind, index+1)
	}
	return fmt.Sprintf("%s %q", kind, code)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
