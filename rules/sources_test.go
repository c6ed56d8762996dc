package rules_test

import (
	"regexp"
	"strings"
	"testing"
)

// internalWording is what a doctor reading a flag cannot look up: the project's own files and
// their section numbering. A rule names the published documents and their sections instead;
// the mapping to the project's clinical reference lives in the comments of rules.textproto.
var internalWording = []string{"reference.md", "addendum", ".md", "sec ", "design proposal", "combination rule"}

// numberedRule is the reference's own rule numbering ("rule 4").
var numberedRule = regexp.MustCompile(`(?i)\brule [0-9]`)

// TestRulesSpeakToDoctors: every text a clinician sees (share page, PDF, FHIR export,
// ListRules) cites published documents and says in plain words what the project set itself.
func TestRulesSpeakToDoctors(t *testing.T) {
	e, _ := mustEngine(t)
	for _, r := range e.Rules().GetRules() {
		if r.GetSource().GetDocument() == "" || r.GetSource().GetSection() == "" {
			t.Errorf("rule %s: source document and section must both be given", r.GetId())
		}
		texts := map[string]string{
			"title":             r.GetTitle(),
			"description":       r.GetDescription(),
			"source.document":   r.GetSource().GetDocument(),
			"source.section":    r.GetSource().GetSection(),
			"clinician_summary": r.GetClinicianSummary(),
			"patient_advice":    r.GetPatientAdvice(),
		}
		for i, esc := range r.GetEscalations() {
			texts["escalation reason "+string(rune('1'+i))] = esc.GetReason()
			texts["escalation patient_advice "+string(rune('1'+i))] = esc.GetPatientAdvice()
		}
		for field, text := range texts {
			// "REFERENCE" in capitals is the file; a lower-case "reference range" is clinical.
			if strings.Contains(text, "REFERENCE") {
				t.Errorf("rule %s %s mentions REFERENCE: %q", r.GetId(), field, text)
			}
			if numberedRule.MatchString(text) {
				t.Errorf("rule %s %s cites a numbered rule: %q", r.GetId(), field, text)
			}
			lower := strings.ToLower(text)
			for _, w := range internalWording {
				if strings.Contains(lower, w) {
					t.Errorf("rule %s %s contains %q: %q", r.GetId(), field, w, text)
				}
			}
		}
	}
}
