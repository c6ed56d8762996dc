package server

import (
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/store"
)

// Evaluator connects the rule engine to the store, which runs it inside the transaction
// that writes each entry so flags commit with their entries. The two packages do not know
// each other; this adapter is the only place they meet.
func Evaluator(engine *rules.Engine) store.Evaluator {
	return store.Evaluator{
		Window:      engine.Window(),
		LabLookback: rules.LabLookback,
		MayMatch:    engine.MayMatch,
		Horizon:     engine.Horizon,
		ReadsLabs:   engine.ReadsLabs,
		Evaluate: func(in store.EvalInput) ([]store.Finding, error) {
			found, err := engine.Evaluate(rules.Input{
				Trigger:     in.Trigger,
				Recent:      in.Recent,
				LabHistory:  in.LabHistory,
				Medications: in.Medications,
				Patient:     in.Patient,
			})
			if err != nil {
				return nil, err
			}
			out := make([]store.Finding, len(found))
			for i, f := range found {
				out[i] = store.Finding{Rule: f.Rule, Urgency: f.Urgency, Evidence: f.Evidence}
			}
			return out, nil
		},
	}
}
