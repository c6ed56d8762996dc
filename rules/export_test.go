package rules

import medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"

// EvaluateEveryRule evaluates in against every rule, not only the trigger's candidates:
// the oracle for the candidate table.
func EvaluateEveryRule(e *Engine, in Input) ([]Finding, error) { return e.evaluate(in, e.rules) }

// StoreOrdered is a list of entries as the store orders it (byStoreOrder).
func StoreOrdered(list []*medjournalv1.Entry) []*medjournalv1.Entry { return byStoreOrder(list) }

// CandidateRuleIDs are the ids of the rules the trigger is checked against.
func CandidateRuleIDs(e *Engine, trigger *medjournalv1.Entry) []string {
	var ids []string
	for _, r := range e.rulesFor(trigger) {
		ids = append(ids, r.def.GetId())
	}
	return ids
}
