package catalog

import medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"

// The lookups return the catalog's own messages, not copies: the rule engine looks codes
// up for every entry, and copying each time would buy nothing. Callers must treat the
// results as read-only; a caller that wants to change one clones it first with
// proto.Clone. Lists keep the order of the data files, the order pickers show.

// Drug returns the drug with the given code, e.g. "upadacitinib".
func (c *Catalog) Drug(code string) (*medjournalv1.Drug, bool) {
	d, ok := c.drugByCode[code]
	return d, ok
}

// Symptom returns the symptom with the given code, e.g. "chest_pain".
func (c *Catalog) Symptom(code string) (*medjournalv1.SymptomType, bool) {
	s, ok := c.symptomByCode[code]
	return s, ok
}

// Vital returns the vital sign with the given code, e.g. "body_temperature".
func (c *Catalog) Vital(code string) (*medjournalv1.VitalType, bool) {
	v, ok := c.vitalByCode[code]
	return v, ok
}

// LabTest returns the lab test with the given LOINC code, e.g. "751-8".
func (c *Catalog) LabTest(code string) (*medjournalv1.LabTest, bool) {
	l, ok := c.labTestByCode[code]
	return l, ok
}

// RiskFactor returns the risk factor with the given code, e.g. "history_of_vte".
func (c *Catalog) RiskFactor(code string) (*medjournalv1.RiskFactor, bool) {
	r, ok := c.riskFactorByCode[code]
	return r, ok
}

// Drugs returns the answer to CatalogService.ListDrugs. It is shared: do not modify it.
func (c *Catalog) Drugs() *medjournalv1.ListDrugsResponse { return c.drugs }

// Symptoms returns the answer to CatalogService.ListSymptoms. It is shared: do not
// modify it.
func (c *Catalog) Symptoms() *medjournalv1.ListSymptomsResponse { return c.symptoms }

// Vitals returns the answer to CatalogService.ListVitals. It is shared: do not modify it.
func (c *Catalog) Vitals() *medjournalv1.ListVitalsResponse { return c.vitals }

// LabTests returns the answer to CatalogService.ListLabTests. It is shared: do not
// modify it.
func (c *Catalog) LabTests() *medjournalv1.ListLabTestsResponse { return c.labTests }

// RiskFactors returns the answer to CatalogService.ListRiskFactors. It is shared: do not
// modify it.
func (c *Catalog) RiskFactors() *medjournalv1.ListRiskFactorsResponse { return c.riskFactors }
