package flagging

import (
	"context"
	"fmt"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
)

// mayMatch says whether trigger needs evaluating at all.
func (s *Service) mayMatch(trigger *medjournalv1.Entry) bool {
	return s.eval != nil && (s.eval.MayMatch == nil || s.eval.MayMatch(trigger))
}

// evalInput reads the journal context of trigger from r. What the rules see of the
// window is decided in one place, ruleInput, for this path and the cached one.
func (s *Service) evalInput(ctx context.Context, r storage.JournalReader, patientID string, trigger *medjournalv1.Entry) (rules.Input, error) {
	pc, err := s.loadPatientContext(ctx, r, patientID, 0, s.triggerRange(trigger), nil)
	if err != nil {
		return rules.Input{}, fmt.Errorf("load journal for rules: %w", err)
	}
	return s.ruleInput(pc, trigger), nil
}

// ruleInput is what the rules read of pc for trigger: the trigger's horizon of the journal,
// not the whole window the context holds, and the lab history if its rules read it. Every
// evaluation, from the cache or from storage, takes its input here, so all of them see
// the same cut.
func (s *Service) ruleInput(pc *patientContext, trigger *medjournalv1.Entry) rules.Input {
	return pc.input(trigger, s.eval.horizon(trigger), s.eval.LabLookback, s.eval.readsLabs(trigger))
}

// evaluate runs the rules for a new or changed live entry in the write and records what
// they found, returning the ids of the flags the entry is now evidence for.
func (s *Service) evaluate(ctx context.Context, w *write, patientID string, trigger *medjournalv1.Entry) ([]string, error) {
	if !s.mayMatch(trigger) {
		return nil, nil
	}
	in, err := s.evalInput(ctx, w, patientID, trigger)
	if err != nil {
		return nil, err
	}
	findings, err := s.eval.Evaluate(in)
	if err != nil {
		return nil, fmt.Errorf("evaluate entry %s: %w", trigger.GetId(), err)
	}
	return s.recordFindings(ctx, w, patientID, trigger, findings)
}

// evaluateCreated evaluates an entry the write just inserted, taking the journal to
// version, when no pre-evaluation holds for it. Another write of the patient came between
// the pre-evaluation and this one: most often a create from another device in the same
// group, or in the group just before. The cached context, extended by the creates since
// (contextAt), is then the journal just before this insert, and evaluating it reads
// nothing in the writer, which every write waits for; otherwise the window is read here.
func (s *Service) evaluateCreated(ctx context.Context, w *write, patientID string, e *medjournalv1.Entry, version storage.JournalVersion) ([]string, error) {
	if !s.mayMatch(e) {
		return nil, nil
	}
	pc := s.cache.contextAt(patientID, version-1, s.triggerRange(e), w.CreatedInTransaction(patientID))
	if pc == nil {
		return s.evaluate(ctx, w, patientID, e)
	}
	findings, err := s.eval.Evaluate(s.ruleInput(pc, e))
	if err != nil {
		return nil, fmt.Errorf("evaluate entry %s: %w", e.GetId(), err)
	}
	return s.recordFindings(ctx, w, patientID, e, findings)
}

// preEvaluation is a rule evaluation made on a read snapshot, before the write, with the
// version of the patient's journal it saw.
type preEvaluation struct {
	version  storage.JournalVersion
	findings []rules.Finding
	// anyJournal is set when no rule can match the entry: the (empty) finding holds
	// whatever the journal is, and no version was read.
	anyJournal bool
}

// holdsAt says whether the pre-evaluation is still right for an entry whose insert took
// the journal to version.
func (pre *preEvaluation) holdsAt(version storage.JournalVersion) bool {
	return pre != nil && (pre.anyJournal || version == pre.version+1)
}

// preEvaluate evaluates e as if it were stored, on a read snapshot. It returns nil when
// there is nothing to evaluate; the write then evaluates.
func (s *Service) preEvaluate(ctx context.Context, patientID string, e *medjournalv1.Entry) (*preEvaluation, error) {
	if s.eval == nil {
		return nil, nil
	}
	if !s.mayMatch(e) {
		return &preEvaluation{anyJournal: true}, nil
	}
	pre := &preEvaluation{}
	// The patient's context is usually cached, and is then taken as current without
	// reading the version: the write checks the version its insert produced and evaluates
	// again if the journal had moved on meanwhile (an edit, a medication, another device's
	// entry). Reading the version first cost a sixth of the store's part of a create.
	need := s.triggerRange(e)
	pc := s.cache.get(patientID, need)
	var err error
	if pc != nil {
		pre.version = pc.version
	} else {
		err = s.store.ReadJournal(ctx, func(r storage.JournalReader) error {
			var err error
			if pre.version, err = r.JournalVersion(ctx, patientID); err != nil {
				return err
			}
			pc, err = s.contextForTrigger(ctx, r, patientID, pre.version, e, need)
			return err
		})
	}
	if err == nil {
		// The context is the journal at pre.version; evaluating it needs no database. The
		// entry is not stored yet, so it is not in Recent: the rules place it themselves.
		pre.findings, err = s.eval.Evaluate(s.ruleInput(pc, e))
	}
	if err != nil {
		return nil, err
	}
	return pre, nil
}
