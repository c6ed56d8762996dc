package flagging

import (
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
)

// Evaluator checks entries against the warning-sign rules. RuleEvaluator makes one from
// the rule engine; tests give simpler rules of their own.
type Evaluator struct {
	Window      time.Duration
	LabLookback time.Duration
	Evaluate    func(rules.Input) ([]rules.Finding, error)
	// MayMatch, when set, says whether any rule can match a trigger whatever the journal
	// holds; when it says no, the journal is neither read nor evaluated. Notes and most
	// everyday symptoms, vitals and labs match no rule.
	MayMatch func(trigger *medjournalv1.Entry) bool
	// Horizon, when set, is how far either side of a trigger (at most Window) the journal
	// can change what the rules find for it; no more is read when the journal is loaded
	// for that trigger alone. A dose needs its own day, not Window's weeks.
	Horizon func(trigger *medjournalv1.Entry) time.Duration
	// ReadsLabs, when set, says whether the rules can read the lab history for a trigger;
	// when it says no, no lab history is read for that trigger alone. A back-dated dose
	// would else read a year of results it never uses.
	ReadsLabs func(trigger *medjournalv1.Entry) bool
	// Index, when set, prepares a patient's journal as it is read: live entries other
	// than notes, and lab results, each sorted by occurred time (ms), then id. Every
	// rules.Input cut from that journal carries it.
	Index func(entries, labs []*medjournalv1.Entry, patient *medjournalv1.Account) *rules.Prepared
}

// RuleEvaluator evaluates with the rule engine.
func RuleEvaluator(engine *rules.Engine) *Evaluator {
	return &Evaluator{
		Window:      engine.Window(),
		LabLookback: rules.LabLookback,
		Evaluate:    engine.Evaluate,
		MayMatch:    engine.MayMatch,
		Horizon:     engine.Horizon,
		ReadsLabs:   engine.ReadsLabs,
		Index:       engine.Prepare,
	}
}

// readsLabs says whether trigger needs its lab history.
func (e *Evaluator) readsLabs(trigger *medjournalv1.Entry) bool {
	return e.ReadsLabs == nil || e.ReadsLabs(trigger)
}

// horizon is how far either side of trigger is read for it alone.
func (e *Evaluator) horizon(trigger *medjournalv1.Entry) time.Duration {
	if e.Horizon == nil {
		return e.Window
	}
	return min(e.Horizon(trigger), e.Window)
}
