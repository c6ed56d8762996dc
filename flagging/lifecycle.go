package flagging

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/medjournal/medjournal/rules"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// A flag's life: a finding opens it, or joins the rule's live flag of the same episode
// (adding its evidence, and raising urgency and advice if it is more urgent); a clinician
// acknowledges, resolves or dismisses it; an edit or delete that leaves no evidence still
// supporting it withdraws it. Every step is an event in the flag's history, written in
// the same write as the change that caused it.

// recordFindings records what the rules found for trigger and returns the ids of the
// flags the trigger is now evidence for, sorted.
func (s *Service) recordFindings(ctx context.Context, w *write, patientID string, trigger *medjournalv1.Entry, findings []rules.Finding) ([]string, error) {
	var flagIDs []string
	for _, f := range findings {
		id, err := recordFinding(ctx, w, patientID, trigger, f)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(flagIDs, id) {
			flagIDs = append(flagIDs, id)
		}
	}
	slices.Sort(flagIDs)
	return flagIDs, nil
}

// recordFinding joins a finding to the rule's live flag of the same episode, raising its
// urgency if the finding is more urgent, or opens a new flag. It returns the flag's id.
func recordFinding(ctx context.Context, w *write, patientID string, trigger *medjournalv1.Entry, f rules.Finding) (string, error) {
	at := trigger.GetOccurredTime().AsTime()
	fl, ok, err := w.LiveFlag(ctx, patientID, f.Rule.GetId())
	if err != nil {
		return "", err
	}
	// Evidence more than an episode away from the flag's newest evidence, in either
	// direction, is a new episode.
	if !ok || at.Sub(fl.LastEvidence).Abs() > fl.Episode {
		return openFlag(ctx, w, patientID, at, f)
	}
	added, err := w.LinkEvidence(ctx, fl.ID, f.Evidence)
	if err != nil {
		return "", err
	}
	for _, entryID := range added {
		if err := addFlagEvent(ctx, w, patientID, fl.ID, &medjournalv1.FlagEvent{
			Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_ADDED, Urgency: fl.Urgency, EntryId: entryID}); err != nil {
			return "", err
		}
	}
	urgency := fl.Urgency
	if f.Urgency > urgency {
		if err := addFlagEvent(ctx, w, patientID, fl.ID, &medjournalv1.FlagEvent{
			Type:    medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ESCALATED,
			Note:    fmt.Sprintf("urgency raised from %s", enumLabel(urgency.String(), "URGENCY_")),
			Urgency: f.Urgency, EntryId: trigger.GetId()}); err != nil {
			return "", err
		}
		urgency = f.Urgency
		// The advice follows the urgency: an escalated flag tells the patient what to do now.
		if err := w.SetFlagAdvice(ctx, fl.ID, f.Rule.GetPatientAdvice()); err != nil {
			return "", err
		}
	}
	newest := fl.LastEvidence
	if at.After(newest) {
		newest = at
	}
	return fl.ID, w.SetFlagEvidence(ctx, fl.ID, urgency, newest)
}

func openFlag(ctx context.Context, w *write, patientID string, at time.Time, f rules.Finding) (string, error) {
	id, err := w.InsertFlag(ctx, newFlag(patientID, at, f))
	if err != nil {
		return "", err
	}
	if _, err := w.LinkEvidence(ctx, id, f.Evidence); err != nil {
		return "", err
	}
	trigger := ""
	if len(f.Evidence) > 0 {
		trigger = f.Evidence[0]
	}
	return id, addFlagEvent(ctx, w, patientID, id, &medjournalv1.FlagEvent{
		Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED, Urgency: f.Urgency, EntryId: trigger})
}

// addFlagEvent appends to a flag's history and notes the flag changed, for watchers.
func addFlagEvent(ctx context.Context, w *write, patientID, flagID string, ev *medjournalv1.FlagEvent) error {
	if err := w.AddFlagEvent(ctx, flagID, ev); err != nil {
		return err
	}
	w.flagChanged(patientID, flagID)
	return nil
}

// liveStatuses are the statuses in which a flag still gathers evidence.
var liveStatuses = []medjournalv1.FlagStatus{
	medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
	medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED,
}

// withdrawEvidence takes an edited or deleted entry out of the evidence of the patient's
// live flags and checks each such flag again against its remaining evidence: a flag that
// no remaining entry still supports is withdrawn, with an event, never removed.
func (s *Service) withdrawEvidence(ctx context.Context, w *write, patientID, entryID string) error {
	flags, err := w.LiveFlagsWithEvidence(ctx, entryID)
	if err != nil {
		return err
	}
	for _, fl := range flags {
		if err := w.UnlinkEvidence(ctx, fl.ID, entryID); err != nil {
			return err
		}
		urgency, evidenceTime, err := s.remainingSupport(ctx, w, patientID, fl.ID, fl.RuleID)
		if err != nil {
			return err
		}
		if urgency == 0 {
			if err := w.SetFlagStatus(ctx, fl.ID, medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN, fl.Urgency); err != nil {
				return err
			}
			if err := addFlagEvent(ctx, w, patientID, fl.ID, &medjournalv1.FlagEvent{
				Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_WITHDRAWN,
				Note: "the entries that raised this flag were changed or deleted", Urgency: fl.Urgency, EntryId: entryID}); err != nil {
				return err
			}
			continue
		}
		if err := w.SetFlagEvidence(ctx, fl.ID, urgency, evidenceTime); err != nil {
			return err
		}
		if err := addFlagEvent(ctx, w, patientID, fl.ID, &medjournalv1.FlagEvent{
			Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_REMOVED,
			Note: "an entry was changed or deleted; the remaining evidence still supports the flag", Urgency: urgency, EntryId: entryID}); err != nil {
			return err
		}
	}
	return nil
}

// remainingSupport re-runs the flag's rule with each remaining live evidence entry as the
// trigger and returns the highest urgency it still reaches (0 if none) and the time of
// the newest supporting entry.
func (s *Service) remainingSupport(ctx context.Context, w *write, patientID, flagID, ruleID string) (medjournalv1.Urgency, time.Time, error) {
	if s.eval == nil {
		return 0, time.Time{}, nil
	}
	evidence, err := w.EvidenceEntries(ctx, flagID)
	if err != nil {
		return 0, time.Time{}, err
	}
	var (
		best   medjournalv1.Urgency
		newest time.Time
	)
	for _, ev := range evidence {
		in, err := s.evalInput(ctx, w, patientID, ev)
		if err != nil {
			return 0, time.Time{}, err
		}
		findings, err := s.eval.Evaluate(in)
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("re-evaluate entry %s: %w", ev.GetId(), err)
		}
		for _, f := range findings {
			if f.Rule.GetId() != ruleID {
				continue
			}
			best = max(best, f.Urgency)
			if t := ev.GetOccurredTime().AsTime(); t.After(newest) {
				newest = t
			}
		}
	}
	return best, newest, nil
}

// enumLabel turns an enum value name into a word for people: URGENCY_ROUTINE → routine.
func enumLabel(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}
