package server

import (
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
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
		Index: func(entries, labs []*medjournalv1.Entry, patient *medjournalv1.Account) store.JournalIndex {
			return journalIndex{engine.NewJournal(entries, labs, patient)}
		},
		Evaluate: func(in store.EvalInput) ([]store.Finding, error) {
			var prepared *rules.Journal
			if j, ok := in.Index.(journalIndex); ok {
				prepared = j.Journal
			}
			found, err := engine.Evaluate(rules.Input{
				Trigger:     in.Trigger,
				Recent:      in.Recent,
				LabHistory:  in.LabHistory,
				Medications: in.Medications,
				Patient:     in.Patient,
				Journal:     prepared,
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

// journalIndex is a rules.Journal as the store keeps it beside its cached journal.
type journalIndex struct{ *rules.Journal }

func (j journalIndex) With(e *medjournalv1.Entry, entry, lab bool) store.JournalIndex {
	return journalIndex{j.Journal.With(e, entry, lab)}
}
