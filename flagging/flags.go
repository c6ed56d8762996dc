package flagging

import (
	"context"
	"fmt"
	"slices"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
)

// newFlag is the flag a finding opens: the rule's wording, source and episode as they
// are now, so a later change of the rule set leaves flags already raised as they were.
func newFlag(patientID string, at time.Time, f rules.Finding) storage.NewFlag {
	return storage.NewFlag{
		PatientID:        patientID,
		RuleID:           f.Rule.GetId(),
		Category:         f.Rule.GetCategory(),
		Urgency:          f.Urgency,
		Title:            f.Rule.GetTitle(),
		PatientAdvice:    f.Rule.GetPatientAdvice(),
		ClinicianSummary: f.Rule.GetClinicianSummary(),
		Source:           f.Rule.GetSource(),
		Episode:          f.Rule.GetEpisode().AsDuration(),
		LastEvidence:     at,
	}
}

// statusEvents are the follow-up statuses a clinician may move a flag to, with the event
// each records.
var statusEvents = map[medjournalv1.FlagStatus]medjournalv1.FlagEventType{
	medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED,
	medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED:     medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED,
	medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED:    medjournalv1.FlagEventType_FLAG_EVENT_TYPE_DISMISSED,
}

// ChangeFlagStatus moves a flag to a follow-up status on behalf of a clinician, recording
// the change and its note. Closed and withdrawn flags cannot change:
// storage.ErrFailedPrecondition.
func (s *Service) ChangeFlagStatus(ctx context.Context, flagID, actorID string, to medjournalv1.FlagStatus, note string) (*medjournalv1.Flag, error) {
	eventType, ok := statusEvents[to]
	if !ok {
		return nil, fmt.Errorf("%w: cannot move a flag to %s", storage.ErrInvalid, to)
	}
	var out *medjournalv1.Flag
	err := s.writeJournal(ctx, false, func(w *write) error {
		fl, err := oneFlag(ctx, w, flagID)
		if err != nil {
			return err
		}
		if !slices.Contains(liveStatuses, fl.Status) {
			return &storage.PreconditionError{Reason: fmt.Sprintf("the flag is %s and can no longer change", enumLabel(fl.Status.String(), "FLAG_STATUS_"))}
		}
		if fl.Status == to {
			return &storage.PreconditionError{Reason: "the flag is already acknowledged"}
		}
		if err := w.SetFlagStatus(ctx, flagID, to, fl.Urgency); err != nil {
			return err
		}
		if err := addFlagEvent(ctx, w, fl.PatientId, flagID, &medjournalv1.FlagEvent{
			Type: eventType, ActorId: actorID, Note: note, Urgency: fl.Urgency}); err != nil {
			return err
		}
		out, err = oneFlag(ctx, w, flagID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("change flag %s: %w", flagID, err)
	}
	return out, nil
}

// AddFlagNote adds a clinician's note to a flag's history.
func (s *Service) AddFlagNote(ctx context.Context, flagID, actorID, text string) (*medjournalv1.Flag, error) {
	var out *medjournalv1.Flag
	err := s.writeJournal(ctx, false, func(w *write) error {
		fl, err := oneFlag(ctx, w, flagID)
		if err != nil {
			return err
		}
		if err := addFlagEvent(ctx, w, fl.PatientId, flagID, &medjournalv1.FlagEvent{
			Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_NOTE_ADDED, ActorId: actorID, Note: text, Urgency: fl.Urgency}); err != nil {
			return err
		}
		if err := w.TouchFlag(ctx, flagID); err != nil {
			return err
		}
		out, err = oneFlag(ctx, w, flagID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add note to flag %s: %w", flagID, err)
	}
	return out, nil
}

// oneFlag is the flag with that id (storage.ErrNotFound).
func oneFlag(ctx context.Context, tx storage.FlagTx, id string) (*medjournalv1.Flag, error) {
	flags, err := tx.Flags(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(flags) == 0 {
		return nil, storage.ErrNotFound
	}
	return flags[0], nil
}

// ListFlags returns flags in triage order: most urgent first, then oldest first.
func (s *Service) ListFlags(ctx context.Context, f storage.FlagFilter) ([]*medjournalv1.Flag, error) {
	return s.store.ListFlags(ctx, f)
}

// Flag returns one flag with its evidence and history.
func (s *Service) Flag(ctx context.Context, id string) (*medjournalv1.Flag, error) {
	return s.store.Flag(ctx, id)
}

// FlagsBetween returns the patient's flags created in [start, end) or with evidence that
// occurred then, in triage order.
func (s *Service) FlagsBetween(ctx context.Context, patientID string, start, end time.Time) ([]*medjournalv1.Flag, error) {
	return s.store.FlagsBetween(ctx, patientID, start, end)
}
