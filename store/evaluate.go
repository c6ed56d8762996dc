package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Finding is what the rule engine found for one rule. The store turns it into a new flag
// or joins it to the rule's open flag of the same episode.
type Finding struct {
	// Rule is the rule that matched: id, category, wording, source and episode length.
	Rule *medjournalv1.Rule
	// Urgency may be above the rule's own, after escalations.
	Urgency medjournalv1.Urgency
	// Evidence are the ids of the entries that made the rule match, the trigger first.
	Evidence []string
}

// EvalInput is the part of a patient's journal the rule engine needs for one entry. Every
// list is bounded by time, so evaluating costs the same however long the journal is.
type EvalInput struct {
	Trigger     *medjournalv1.Entry
	Recent      []*medjournalv1.Entry // live entries other than notes within the trigger's horizon (Evaluator.Horizon; Window without one), both sides, oldest first; a trigger not yet stored is not among them
	LabHistory  []*medjournalv1.Entry // live lab results within LabLookback before the trigger, oldest first
	Medications []*medjournalv1.Medication
	Patient     *medjournalv1.Account
	// Index is the evaluator's own index of the journal Recent and LabHistory were cut
	// from (Evaluator.Index), or nil. It holds at least what they hold, and may reach
	// further either side: the evaluator cuts it to the trigger's horizon itself.
	Index JournalIndex
}

// JournalIndex is an evaluator's own prepared form of a patient's journal: the entries it
// reads, taken apart once when the store reads the journal rather than again for every
// trigger evaluated against it. The store keeps it beside its cached copy of the journal
// and extends it with every entry it adds to that copy. An index is shared by evaluations
// in flight and must not change; With makes a new one.
type JournalIndex interface {
	// With is the index with e added to its entries, to its lab history, or to both.
	With(e *medjournalv1.Entry, entry, lab bool) JournalIndex
}

// Evaluator checks entries against the warning-sign rules. The store runs it inside the
// write transaction that stores an entry, so flags commit together with their entries
// or not at all.
type Evaluator struct {
	Window      time.Duration
	LabLookback time.Duration
	Evaluate    func(EvalInput) ([]Finding, error)
	// MayMatch, when set, says whether any rule can match a trigger whatever the journal
	// holds; when it says no, the store neither reads the journal nor evaluates. Notes and
	// most everyday symptoms, vitals and labs match no rule.
	MayMatch func(trigger *medjournalv1.Entry) bool
	// Horizon, when set, is how far either side of a trigger (at most Window) the journal
	// can change what the rules find for it; the store then reads no further when it loads
	// the journal for that trigger alone. A dose needs its own day, not Window's weeks.
	Horizon func(trigger *medjournalv1.Entry) time.Duration
	// ReadsLabs, when set, says whether the rules can read the lab history for a trigger;
	// when it says no, the store reads no lab history when it loads the journal for that
	// trigger alone. A back-dated dose would else read a year of results it never uses.
	ReadsLabs func(trigger *medjournalv1.Entry) bool
	// Index, when set, indexes a patient's journal as the store reads it: live entries
	// other than notes, and lab results, each sorted by occurred time (ms), then id. The
	// store passes the index with every EvalInput cut from that journal.
	Index func(entries, labs []*medjournalv1.Entry, patient *medjournalv1.Account) JournalIndex
}

// readsLabs says whether trigger needs its lab history.
func (e *Evaluator) readsLabs(trigger *medjournalv1.Entry) bool {
	return e.ReadsLabs == nil || e.ReadsLabs(trigger)
}

// horizon is how far either side of trigger the store reads for it alone.
func (e *Evaluator) horizon(trigger *medjournalv1.Entry) time.Duration {
	if e.Horizon == nil {
		return e.Window
	}
	return min(e.Horizon(trigger), e.Window)
}

// mayMatch says whether trigger needs evaluating at all.
func (s *Store) mayMatch(trigger *medjournalv1.Entry) bool {
	return s.evaluator != nil && (s.evaluator.MayMatch == nil || s.evaluator.MayMatch(trigger))
}

// WithEvaluator makes the store check every created, changed or deleted entry.
func WithEvaluator(e Evaluator) Option {
	return func(s *Store) { s.evaluator = &e }
}

// SetFlagListener makes the store call fn after each commit that raised or changed flags,
// for live delivery to watching clinicians. fn runs on the writer's goroutine and must
// not block. Set it before the store is used.
func (s *Store) SetFlagListener(fn func([]FlagChange)) { s.flagListener = fn }

// ruleEntryColumns are entryColumns without the flag ids, which rules never read.
const ruleEntryColumns = `id, patient_id, body, occurred_time, create_time, update_time, delete_time, change_seq, NULL`

// evalInput reads the journal context of trigger within tx. What the rules see of the
// window is decided in one place, ruleInput, for this path and the cached one.
func (s *Store) evalInput(ctx context.Context, tx *Tx, patientID string, trigger *medjournalv1.Entry) (EvalInput, error) {
	pc, err := s.loadPatientContext(ctx, tx, patientID, 0, s.triggerRange(trigger), nil)
	if err != nil {
		return EvalInput{}, fmt.Errorf("load journal for rules: %w", err)
	}
	return s.ruleInput(pc, trigger), nil
}

// ruleInput is what the rules read of pc for trigger: the trigger's horizon of the journal,
// not the whole window the context holds, and the lab history if its rules read it. Every
// evaluation, from the cache or from SQLite, takes its input here, so all of them see the
// same cut.
func (s *Store) ruleInput(pc *patientContext, trigger *medjournalv1.Entry) EvalInput {
	return pc.input(trigger, s.evaluator.horizon(trigger), s.evaluator.LabLookback, s.evaluator.readsLabs(trigger))
}

// evaluate runs the rules for a new or changed live entry and records what they found,
// returning the ids of the flags the entry is now evidence for.
func (s *Store) evaluate(ctx context.Context, tx *Tx, patientID string, trigger *medjournalv1.Entry) ([]string, error) {
	if !s.mayMatch(trigger) {
		return nil, nil
	}
	in, err := s.evalInput(ctx, tx, patientID, trigger)
	if err != nil {
		return nil, err
	}
	findings, err := s.evaluator.Evaluate(in)
	if err != nil {
		return nil, fmt.Errorf("evaluate entry %s: %w", trigger.GetId(), err)
	}
	return s.recordFindings(ctx, tx, patientID, trigger, findings)
}

// evaluateCreated evaluates an entry the writer just inserted, taking the journal to
// version, when no pre-evaluation holds for it. Another write of the patient came between
// the pre-evaluation and this one: most often a create from another device in the same
// group, or in the group just before. The cached context, extended by the creates since
// (contextAt), is then the journal just before this insert, and evaluating it reads no
// SQLite in the writer, which every write waits for; otherwise the window is read here.
func (s *Store) evaluateCreated(ctx context.Context, tx *Tx, patientID string, e *medjournalv1.Entry, version journalVersion) ([]string, error) {
	if !s.mayMatch(e) {
		return nil, nil
	}
	pc := s.ruleCache.contextAt(patientID, version-1, s.triggerRange(e), tx.createdSince(patientID))
	if pc == nil {
		return s.evaluate(ctx, tx, patientID, e)
	}
	findings, err := s.evaluator.Evaluate(s.ruleInput(pc, e))
	if err != nil {
		return nil, fmt.Errorf("evaluate entry %s: %w", e.GetId(), err)
	}
	return s.recordFindings(ctx, tx, patientID, e, findings)
}

func (s *Store) recordFindings(ctx context.Context, tx *Tx, patientID string, trigger *medjournalv1.Entry, findings []Finding) ([]string, error) {
	var flagIDs []string
	for _, f := range findings {
		id, err := recordFinding(ctx, tx, patientID, trigger, f)
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

// preEvaluation is a rule evaluation made on a read snapshot, before the write, with the
// version of the patient's journal it saw.
type preEvaluation struct {
	version  journalVersion
	findings []Finding
	// anyJournal is set when no rule can match the entry: the (empty) finding holds
	// whatever the journal is, and no version was read.
	anyJournal bool
}

// holdsAt says whether the pre-evaluation is still right for an entry whose insert took
// the journal to version.
func (pre *preEvaluation) holdsAt(version journalVersion) bool {
	return pre != nil && (pre.anyJournal || version == pre.version+1)
}

// journalVersion counts the writes to what the rules read of a patient, each bumping it in
// its own transaction: a new entry through the insert's trigger (insertEntry), an edit or
// a delete through bumpJournalVersionOfEntry, a medication or the profile through
// bumpJournalVersion.
type journalVersion int64

// journalVersionQuery reads a patient's version; a patient whose journal never changed has
// no row, and version 0.
const journalVersionQuery = `SELECT COALESCE((SELECT version FROM journal_versions WHERE patient_id = ?), 0)`

func patientJournalVersion(ctx context.Context, tx *Tx, patientID string) (journalVersion, error) {
	var v journalVersion
	err := tx.QueryRowContext(ctx, journalVersionQuery, patientID).Scan(&v)
	return v, err
}

// journalVersionNow reads the patient's journal version outside any transaction.
func (s *Store) journalVersionNow(ctx context.Context, patientID string) (journalVersion, error) {
	s.readerStmts.prepareWanted(ctx)
	var v journalVersion
	err := s.readerStmts.queryRow(ctx, journalVersionQuery, patientID).Scan(&v)
	return v, err
}

// bumpJournalVersion marks a change to the patient's journal, medications or profile.
func bumpJournalVersion(ctx context.Context, tx *Tx, patientID string) error {
	_, err := bumpJournalVersionTo(ctx, tx, patientID)
	tx.journalChanged(patientID)
	return err
}

// bumpJournalVersionTo bumps the version and returns the new one.
func bumpJournalVersionTo(ctx context.Context, tx *Tx, patientID string) (journalVersion, error) {
	var v journalVersion
	err := tx.QueryRowContext(ctx, `INSERT INTO journal_versions (patient_id, version) VALUES (?, 1)
		ON CONFLICT (patient_id) DO UPDATE SET version = version + 1 RETURNING version`, patientID).Scan(&v)
	return v, err
}

// preEvaluate evaluates e as if it were stored, on a read snapshot. It returns nil when
// there is nothing to evaluate or the snapshot cannot be read; the writer then evaluates.
func (s *Store) preEvaluate(ctx context.Context, patientID string, e *medjournalv1.Entry) (*preEvaluation, error) {
	if s.evaluator == nil {
		return nil, nil
	}
	if !s.mayMatch(e) {
		return &preEvaluation{anyJournal: true}, nil
	}
	pre := &preEvaluation{}
	// The patient's context is usually cached, and is then taken as current without
	// reading the version: the writer checks the version its insert produced and evaluates
	// again if the journal had moved on meanwhile (an edit, a medication, another device's
	// entry). Reading the version first cost a sixth of the store's part of a create.
	need := s.triggerRange(e)
	pc := s.ruleCache.get(patientID, need)
	var err error
	if pc != nil {
		pre.version = pc.version
	} else {
		err = s.read(ctx, func(tx *Tx) error {
			var err error
			if pre.version, err = patientJournalVersion(ctx, tx, patientID); err != nil {
				return err
			}
			pc, err = s.contextForTrigger(ctx, tx, patientID, pre.version, e, need)
			return err
		})
	}
	if err == nil {
		// The context is the journal at pre.version; evaluating it needs no database. The
		// entry is not stored yet, so it is not in Recent: the rules place it themselves.
		pre.findings, err = s.evaluator.Evaluate(s.ruleInput(pc, e))
	}
	if err != nil {
		return nil, err
	}
	return pre, nil
}

// withdrawEvidence takes an edited or deleted entry out of the evidence of the patient's
// live flags and checks each such flag again against its remaining evidence: a flag that
// no remaining entry still supports is withdrawn, with an event, never removed.
func (s *Store) withdrawEvidence(ctx context.Context, tx *Tx, patientID, entryID string) error {
	flags, err := liveFlagsWithEvidence(ctx, tx, entryID)
	if err != nil {
		return err
	}
	for _, fl := range flags {
		if _, err := tx.ExecContext(ctx, `DELETE FROM flag_evidence WHERE flag_id = ? AND entry_id = ?`, fl.id, entryID); err != nil {
			return err
		}
		tx.evidenceUnlinked(fl.id)
		urgency, evidenceTime, err := s.remainingSupport(ctx, tx, patientID, fl)
		if err != nil {
			return err
		}
		if urgency == 0 {
			if err := setFlagStatus(ctx, tx, fl.id, medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN, fl.urgency); err != nil {
				return err
			}
			if err := addFlagEvent(ctx, tx, patientID, fl.id, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_WITHDRAWN, "",
				"the entries that raised this flag were changed or deleted", fl.urgency, entryID); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE flags SET urgency = ?, last_evidence_time = ?, update_time = ? WHERE id = ?`,
			int32(urgency), millis(evidenceTime), millis(tx.now), fl.id); err != nil {
			return err
		}
		if err := addFlagEvent(ctx, tx, patientID, fl.id, medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_REMOVED, "",
			"an entry was changed or deleted; the remaining evidence still supports the flag", urgency, entryID); err != nil {
			return err
		}
	}
	return nil
}

// remainingSupport re-runs the flag's rule with each remaining live evidence entry as the
// trigger and returns the highest urgency it still reaches (0 if none) and the time of
// the newest supporting entry.
func (s *Store) remainingSupport(ctx context.Context, tx *Tx, patientID string, fl liveFlag) (medjournalv1.Urgency, time.Time, error) {
	if s.evaluator == nil {
		return 0, time.Time{}, nil
	}
	evidence, err := queryEntries(ctx, tx, `SELECT `+entryColumns+` FROM entries
		WHERE id IN (SELECT entry_id FROM flag_evidence WHERE flag_id = ?) AND delete_time IS NULL`, fl.id)
	if err != nil {
		return 0, time.Time{}, err
	}
	var (
		best   medjournalv1.Urgency
		newest time.Time
	)
	for _, ev := range evidence {
		in, err := s.evalInput(ctx, tx, patientID, ev.entry)
		if err != nil {
			return 0, time.Time{}, err
		}
		findings, err := s.evaluator.Evaluate(in)
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("re-evaluate entry %s: %w", ev.entry.GetId(), err)
		}
		for _, f := range findings {
			if f.Rule.GetId() != fl.ruleID {
				continue
			}
			best = max(best, f.Urgency)
			if t := ev.entry.GetOccurredTime().AsTime(); t.After(newest) {
				newest = t
			}
		}
	}
	return best, newest, nil
}
