package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// liveStatuses are the statuses in which a flag still gathers evidence (storage.LiveFlag).
var liveStatuses = []medjournalv1.FlagStatus{
	medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
	medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED,
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
	err := s.read(ctx, func(tx *dbTx) error {
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
	err := s.read(ctx, func(tx *dbTx) error {
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
	err := s.read(ctx, func(tx *dbTx) error {
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

// flagsByID loads flags with evidence and events, in the order of ids; unknown ids are
// skipped.
func flagsByID(ctx context.Context, tx *dbTx, ids []string) ([]*medjournalv1.Flag, error) {
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

func queryStrings(ctx context.Context, tx *dbTx, query string, args ...any) ([]string, error) {
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
