package rules

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

//go:embed data/rules.textproto
var rulesText []byte

// readRules parses the embedded rule set. Text format, unlike JSON, allows comments, so
// each rule can say why it is written the way it is next to its source.
func readRules() (*medjournalv1.ListRulesResponse, error) {
	list := &medjournalv1.ListRulesResponse{}
	if err := prototext.Unmarshal(rulesText, list); err != nil {
		return nil, fmt.Errorf("rules: data/rules.textproto: %w", err)
	}
	return list, nil
}

var ruleID = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

// forbiddenAdvice are phrases patient advice must not contain: the labels tie stopping or
// pausing a drug to the clinician's judgement, so the product never tells a patient to do
// it on their own.
var forbiddenAdvice = []string{"stop taking", "stop using", "stop your", "discontinue", "skip your", "skip the next", "pause your"}

// checkAdvice: advice never tells a patient to stop a drug on their own, and advice at
// emergency urgency tells them to seek emergency care now.
func checkAdvice(bad func(id, format string, args ...any), id string, u medjournalv1.Urgency, advice string) {
	for _, phrase := range forbiddenAdvice {
		if strings.Contains(advice, phrase) {
			bad(id, "patient advice says %q: only a clinician decides to stop or pause a drug", phrase)
		}
	}
	if u == medjournalv1.Urgency_URGENCY_EMERGENCY && !strings.Contains(advice, "emergency") {
		bad(id, "is an emergency, so its patient advice must say to seek emergency care now")
	}
}

// validateRules checks every rule is complete and cites its source, reporting all
// problems at once.
func validateRules(list *medjournalv1.ListRulesResponse) error {
	var errs []error
	seen := map[string]bool{}
	bad := func(id, format string, args ...any) {
		errs = append(errs, fmt.Errorf("rule %s: %s", id, fmt.Sprintf(format, args...)))
	}
	if len(list.GetRules()) == 0 {
		return errors.New("rules: data/rules.textproto has no rules")
	}
	for _, r := range list.GetRules() {
		id := r.GetId()
		switch {
		case !ruleID.MatchString(id):
			bad(id, "id must look like group.name")
		case seen[id]:
			bad(id, "duplicate id")
		}
		seen[id] = true
		for field, v := range map[string]string{
			"title": r.GetTitle(), "condition": r.GetCondition(), "patient_advice": r.GetPatientAdvice(),
			"clinician_summary": r.GetClinicianSummary(), "description": r.GetDescription(),
			"source.document": r.GetSource().GetDocument(), "source.section": r.GetSource().GetSection(),
		} {
			if strings.TrimSpace(v) == "" {
				bad(id, "%s is empty", field)
			}
		}
		if _, ok := medjournalv1.Category_name[int32(r.GetCategory())]; !ok || r.GetCategory() == 0 {
			bad(id, "category is not set")
		}
		if r.GetUrgency() < medjournalv1.Urgency_URGENCY_ROUTINE || r.GetUrgency() > medjournalv1.Urgency_URGENCY_EMERGENCY {
			bad(id, "urgency is not set")
		}
		if w := r.GetWindow().AsDuration(); r.GetWindow() == nil || w <= 0 || w > LabLookback {
			bad(id, "window must be positive and at most %v", LabLookback)
		}
		if e := r.GetEpisode().AsDuration(); r.GetEpisode() == nil || e <= 0 {
			bad(id, "episode must be positive")
		}
		advice := strings.ToLower(r.GetPatientAdvice())
		checkAdvice(bad, id, r.GetUrgency(), advice)
		for i, esc := range r.GetEscalations() {
			if esc.GetUrgency() <= r.GetUrgency() || esc.GetUrgency() > medjournalv1.Urgency_URGENCY_EMERGENCY {
				bad(id, "escalation %d must raise the urgency", i)
			}
			if strings.TrimSpace(esc.GetReason()) == "" || strings.TrimSpace(esc.GetCondition()) == "" {
				bad(id, "escalation %d needs a condition and a reason", i)
			}
			escAdvice := strings.ToLower(esc.GetPatientAdvice())
			if escAdvice == "" {
				escAdvice = advice
			}
			checkAdvice(bad, fmt.Sprintf("%s escalation %d", id, i), esc.GetUrgency(), escAdvice)
		}
	}
	return errors.Join(errs...)
}
