package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// liveStatuses are the statuses in which a flag still gathers evidence.
var liveStatuses = []medjournalv1.FlagStatus{
	medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
	medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED,
}

type liveFlag struct {
	id      string
	ruleID  string
	urgency medjournalv1.Urgency
}

// recordFinding joins a finding to the rule's live flag of the same episode, raising its
// urgency if the finding is more urgent, or opens a new flag. It returns the flag's id.
func recordFinding(ctx context.Context, tx *Tx, patientID string, trigger *medjournalv1.Entry, f Finding) (string, error) {
	at := trigger.GetOccurredTime().AsTime()
	var (
		id          string
		urgency     int32
		lastEvident int64
		episodeMS   int64
	)
	err := tx.QueryRowContext(ctx, `SELECT id, urgency, last_evidence_time, episode_ms FROM flags
		WHERE patient_id = ? AND rule_id = ? AND status IN (?, ?)
		ORDER BY last_evidence_time DESC LIMIT 1`,
		patientID, f.Rule.GetId(), int32(liveStatuses[0]), int32(liveStatuses[1])).
		Scan(&id, &urgency, &lastEvident, &episodeMS)
	switch {
	case errors.Is(mapError(err), storage.ErrNotFound):
		return openFlag(ctx, tx, patientID, at, f)
	case err != nil:
		return "", err
	}
	// Evidence more than an episode away from the flag's newest evidence, in either
	// direction, is a new episode.
	if gap := at.Sub(fromMillis(lastEvident)).Abs(); gap > time.Duration(episodeMS)*time.Millisecond {
		return openFlag(ctx, tx, patientID, at, f)
	}
	added, err := addEvidence(ctx, tx, id, f.Evidence)
	if err != nil {
		return "", err
	}
	for _, entryID := range added {
		if err := addFlagEvent(ctx, tx, patientID, id, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_ADDED, "", "",
			medjournalv1.Urgency(urgency), entryID); err != nil {
			return "", err
		}
	}
	newest := max(lastEvident, millis(at))
	if f.Urgency > medjournalv1.Urgency(urgency) {
		if err := addFlagEvent(ctx, tx, patientID, id, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ESCALATED, "",
			fmt.Sprintf("urgency raised from %s", enumLabel(medjournalv1.Urgency(urgency).String(), "URGENCY_")), f.Urgency, trigger.GetId()); err != nil {
			return "", err
		}
		urgency = int32(f.Urgency)
		// The advice follows the urgency: an escalated flag tells the patient what to do now.
		if _, err := tx.ExecContext(ctx, `UPDATE flags SET patient_advice = ? WHERE id = ?`, f.Rule.GetPatientAdvice(), id); err != nil {
			return "", err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE flags SET urgency = ?, last_evidence_time = ?, update_time = ? WHERE id = ?`,
		urgency, newest, millis(tx.now), id)
	return id, err
}

func openFlag(ctx context.Context, tx *Tx, patientID string, at time.Time, f Finding) (string, error) {
	id := uuid.NewString()
	source, err := marshal(f.Rule.GetSource())
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO flags (id, patient_id, rule_id, category, urgency, status,
		title, patient_advice, clinician_summary, source, episode_ms, last_evidence_time, create_time, update_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, patientID, f.Rule.GetId(), int32(f.Rule.GetCategory()), int32(f.Urgency),
		int32(medjournalv1.FlagStatus_FLAG_STATUS_OPEN), f.Rule.GetTitle(), f.Rule.GetPatientAdvice(),
		f.Rule.GetClinicianSummary(), source, f.Rule.GetEpisode().AsDuration().Milliseconds(),
		millis(at), millis(tx.now), millis(tx.now))
	if err != nil {
		return "", err
	}
	if _, err := addEvidence(ctx, tx, id, f.Evidence); err != nil {
		return "", err
	}
	trigger := ""
	if len(f.Evidence) > 0 {
		trigger = f.Evidence[0]
	}
	return id, addFlagEvent(ctx, tx, patientID, id, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED, "", "", f.Urgency, trigger)
}

// addEvidence links entries to a flag and returns those not linked before, in the order
// given. Entries the writer knows to be linked are left out (linkedEvidence): a finding
// on a busy journal cites dozens of entries, nearly all of them cited before, so what is
// left is usually the trigger alone, and a statement per entry is the cheapest way to
// link it.
func addEvidence(ctx context.Context, tx *Tx, flagID string, entryIDs []string) ([]string, error) {
	// Once this write commits, every entry of the list is linked: those the cache knows
	// were already, the others are inserted now or found there.
	tx.evidenceLinked(flagID, entryIDs)
	var added []string
	for _, id := range tx.unknownEvidence(flagID, entryIDs) {
		res, err := tx.ExecContext(ctx, `INSERT INTO flag_evidence (flag_id, entry_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, flagID, id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n > 0 { // an id listed twice is added once
			added = append(added, id)
		}
	}
	return added, nil
}

// addFlagEvent appends to a flag's history and marks the flag changed for listeners.
func addFlagEvent(ctx context.Context, tx *Tx, patientID, flagID string, typ medjournalv1.FlagEventType, actorID, note string, urgency medjournalv1.Urgency, entryID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO flag_events (flag_id, type, actor_id, note, urgency, entry_id, create_time)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, flagID, int32(typ), actorID, note, int32(urgency), entryID, millis(tx.now))
	change := FlagChange{FlagID: flagID, PatientID: patientID}
	if err == nil && !slices.Contains(tx.changedFlags, change) {
		tx.changedFlags = append(tx.changedFlags, change)
	}
	return err
}

// FlagChange names a flag that a committed transaction raised or changed.
type FlagChange struct {
	FlagID    string
	PatientID string
}

func setFlagStatus(ctx context.Context, tx *Tx, flagID string, status medjournalv1.FlagStatus, urgency medjournalv1.Urgency) error {
	_, err := tx.ExecContext(ctx, `UPDATE flags SET status = ?, urgency = ?, update_time = ? WHERE id = ?`,
		int32(status), int32(urgency), millis(tx.now), flagID)
	return err
}

func liveFlagsWithEvidence(ctx context.Context, tx *Tx, entryID string) ([]liveFlag, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.rule_id, f.urgency FROM flags f
		JOIN flag_evidence e ON e.flag_id = f.id
		WHERE e.entry_id = ? AND f.status IN (?, ?)`,
		entryID, int32(liveStatuses[0]), int32(liveStatuses[1]))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []liveFlag
	for rows.Next() {
		var (
			fl liveFlag
			u  int32
		)
		if err := rows.Scan(&fl.id, &fl.ruleID, &u); err != nil {
			return nil, err
		}
		fl.urgency = medjournalv1.Urgency(u)
		out = append(out, fl)
	}
	return out, rows.Err()
}

// ListFlags returns flags in triage order: most urgent first, then oldest first.
func (s *Store) ListFlags(ctx context.Context, f storage.FlagFilter) ([]*medjournalv1.Flag, error) {
	if len(f.PatientIDs) == 0 {
		return nil, nil
	}
	where := []string{"patient_id IN (" + marks(len(f.PatientIDs)) + ")"}
	var args []any
	for _, id := range f.PatientIDs {
		args = append(args, id)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+marks(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, int32(st))
		}
	}
	if f.MinUrgency > 0 {
		where, args = append(where, "urgency >= ?"), append(args, int32(f.MinUrgency))
	}
	if k := f.After; k != nil {
		// Urgency descends, then create_time and id ascend.
		where = append(where, "(urgency < ? OR (urgency = ? AND (create_time, id) > (?, ?)))")
		args = append(args, int32(k.Urgency), int32(k.Urgency), millis(k.CreateTime), k.ID)
	}
	args = append(args, f.Limit)
	query := `SELECT id FROM flags WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY urgency DESC, create_time, id LIMIT ?`
	var out []*medjournalv1.Flag
	err := s.read(ctx, func(tx *Tx) error {
		ids, err := queryStrings(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		out, err = flagsByID(ctx, tx, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	return out, nil
}

// Flag returns one flag with its evidence and history.
func (s *Store) Flag(ctx context.Context, id string) (*medjournalv1.Flag, error) {
	var out []*medjournalv1.Flag
	err := s.read(ctx, func(tx *Tx) error {
		var err error
		out, err = flagsByID(ctx, tx, []string{id})
		return err
	})
	if err == nil && len(out) == 0 {
		err = storage.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get flag %s: %w", id, err)
	}
	return out[0], nil
}

// FlagsBetween returns the patient's flags created in [start, end) or with evidence that
// occurred then, in triage order.
func (s *Store) FlagsBetween(ctx context.Context, patientID string, start, end time.Time) ([]*medjournalv1.Flag, error) {
	var out []*medjournalv1.Flag
	err := s.read(ctx, func(tx *Tx) error {
		ids, err := queryStrings(ctx, tx, `SELECT id FROM flags WHERE patient_id = ? AND (
				(create_time >= ? AND create_time < ?) OR id IN (
					SELECT ev.flag_id FROM flag_evidence ev JOIN entries e ON e.id = ev.entry_id
					WHERE e.patient_id = ? AND e.occurred_time >= ? AND e.occurred_time < ?))
			ORDER BY urgency DESC, create_time, id`,
			patientID, millis(start), millis(end), patientID, millis(start), millis(end))
		if err != nil {
			return err
		}
		out, err = flagsByID(ctx, tx, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("flags between %v and %v: %w", start, end, err)
	}
	return out, nil
}

// ChangeFlagStatus moves a flag to a follow-up status on behalf of a clinician, recording
// the change and its note. Closed and withdrawn flags cannot change:
// storage.ErrFailedPrecondition.
func (s *Store) ChangeFlagStatus(ctx context.Context, flagID, actorID string, to medjournalv1.FlagStatus, note string) (*medjournalv1.Flag, error) {
	events := map[medjournalv1.FlagStatus]medjournalv1.FlagEventType{
		medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED,
		medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED:     medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED,
		medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED:    medjournalv1.FlagEventType_FLAG_EVENT_TYPE_DISMISSED,
	}
	eventType, ok := events[to]
	if !ok {
		return nil, fmt.Errorf("%w: cannot move a flag to %s", storage.ErrInvalid, to)
	}
	var out *medjournalv1.Flag
	err := s.write(ctx, func(tx *Tx) error {
		flags, err := flagsByID(ctx, tx, []string{flagID})
		if err != nil {
			return err
		}
		if len(flags) == 0 {
			return storage.ErrNotFound
		}
		fl := flags[0]
		if !slices.Contains(liveStatuses, fl.Status) {
			return &storage.PreconditionError{Reason: fmt.Sprintf("the flag is %s and can no longer change", enumLabel(fl.Status.String(), "FLAG_STATUS_"))}
		}
		if fl.Status == to {
			return &storage.PreconditionError{Reason: "the flag is already acknowledged"}
		}
		if err := setFlagStatus(ctx, tx, flagID, to, fl.Urgency); err != nil {
			return err
		}
		if err := addFlagEvent(ctx, tx, fl.PatientId, flagID, eventType, actorID, note, fl.Urgency, ""); err != nil {
			return err
		}
		flags, err = flagsByID(ctx, tx, []string{flagID})
		out = flags[0]
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("change flag %s: %w", flagID, err)
	}
	return out, nil
}

// AddFlagNote adds a note to a flag's history.
func (s *Store) AddFlagNote(ctx context.Context, flagID, actorID, text string) (*medjournalv1.Flag, error) {
	var out *medjournalv1.Flag
	err := s.write(ctx, func(tx *Tx) error {
		flags, err := flagsByID(ctx, tx, []string{flagID})
		if err != nil {
			return err
		}
		if len(flags) == 0 {
			return storage.ErrNotFound
		}
		if err := addFlagEvent(ctx, tx, flags[0].PatientId, flagID, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_NOTE_ADDED, actorID, text, flags[0].Urgency, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE flags SET update_time = ? WHERE id = ?`, millis(tx.now), flagID); err != nil {
			return err
		}
		flags, err = flagsByID(ctx, tx, []string{flagID})
		out = flags[0]
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add note to flag %s: %w", flagID, err)
	}
	return out, nil
}

// flagsByID loads flags with evidence and events, in the order of ids; unknown ids are
// skipped.
func flagsByID(ctx context.Context, tx *Tx, ids []string) ([]*medjournalv1.Flag, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, patient_id, rule_id, category, urgency, status, title,
		patient_advice, clinician_summary, source, create_time, update_time
		FROM flags WHERE id IN (`+marks(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := map[string]*medjournalv1.Flag{}
	for rows.Next() {
		var (
			fl                        = &medjournalv1.Flag{Source: &medjournalv1.Source{}}
			category, urgency, status int32
			source                    []byte
			created, updated          int64
		)
		if err := rows.Scan(&fl.Id, &fl.PatientId, &fl.RuleId, &category, &urgency, &status, &fl.Title,
			&fl.PatientAdvice, &fl.ClinicianSummary, &source, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		if err := proto.Unmarshal(source, fl.Source); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode source of flag %s: %w", fl.Id, err)
		}
		fl.Category, fl.Urgency, fl.Status = medjournalv1.Category(category), medjournalv1.Urgency(urgency), medjournalv1.FlagStatus(status)
		fl.CreateTime, fl.UpdateTime = timestamppb.New(fromMillis(created)), timestamppb.New(fromMillis(updated))
		byID[fl.Id] = fl
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Evidence oldest first, then the history.
	evRows, err := tx.QueryContext(ctx, `SELECT ev.flag_id, ev.entry_id FROM flag_evidence ev
		JOIN entries e ON e.id = ev.entry_id
		WHERE ev.flag_id IN (`+marks(len(ids))+`) ORDER BY e.occurred_time, e.id`, args...)
	if err != nil {
		return nil, err
	}
	for evRows.Next() {
		var flagID, entryID string
		if err := evRows.Scan(&flagID, &entryID); err != nil {
			evRows.Close()
			return nil, err
		}
		byID[flagID].EvidenceEntryIds = append(byID[flagID].EvidenceEntryIds, entryID)
	}
	evRows.Close()
	if err := evRows.Err(); err != nil {
		return nil, err
	}
	events, err := tx.QueryContext(ctx, `SELECT fe.flag_id, fe.type, fe.actor_id, fe.note, fe.urgency, fe.entry_id,
		fe.create_time, COALESCE(a.display_name, '') FROM flag_events fe LEFT JOIN accounts a ON a.id = fe.actor_id
		WHERE fe.flag_id IN (`+marks(len(ids))+`) ORDER BY fe.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer events.Close()
	for events.Next() {
		var (
			flagID       string
			ev           = &medjournalv1.FlagEvent{}
			typ, urgency int32
			created      int64
		)
		if err := events.Scan(&flagID, &typ, &ev.ActorId, &ev.Note, &urgency, &ev.EntryId, &created, &ev.ActorDisplayName); err != nil {
			return nil, err
		}
		ev.Type, ev.Urgency, ev.CreateTime = medjournalv1.FlagEventType(typ), medjournalv1.Urgency(urgency), timestamppb.New(fromMillis(created))
		byID[flagID].Events = append(byID[flagID].Events, ev)
	}
	if err := events.Err(); err != nil {
		return nil, err
	}
	out := make([]*medjournalv1.Flag, 0, len(ids))
	for _, id := range ids {
		if fl, ok := byID[id]; ok {
			out = append(out, fl)
		}
	}
	return out, nil
}

func queryStrings(ctx context.Context, tx *Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// marks returns n comma-separated SQL placeholders.
func marks(n int) string { return strings.Repeat(",?", n)[1:] }

// enumLabel turns an enum value name into a word for people: URGENCY_ROUTINE → routine.
func enumLabel(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}
