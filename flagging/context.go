package flagging

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"time"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
)

// cacheMargin is how far beyond the rules' windows a load reaches, so the next entries of
// the day fall inside the held range.
const cacheMargin = 3 * 24 * time.Hour

// patientContext is what the rules read of a patient's journal, as of one journal version:
// the live entries other than notes within a range of occurred times, the lab results
// within a longer one, the medications and the profile. The cache keeps one per active
// patient (ruleContextCache); a trigger it does not cover reads one of its own.
type patientContext struct {
	version  storage.JournalVersion
	from, to time.Time             // entries held: live entries other than notes in [from, to]
	entries  []*medjournalv1.Entry // sorted by occurred time (ms), then id (compareEntries)
	labsFrom time.Time             // labs held: live labs in [labsFrom, to]
	labs     []*medjournalv1.Entry
	meds     []*medjournalv1.Medication
	patient  *medjournalv1.Account
	// index is the evaluator's preparation of entries and labs (Evaluator.Index), or nil.
	index *rules.Prepared
}

// covers says whether pc holds everything r asks for. A trigger needs its own horizon,
// not the widest rule's window: a dose needs its day, which a context built for recent
// entries holds weeks further back than the widest window would allow.
func (pc *patientContext) covers(r journalRange) bool {
	return !r.from.Before(pc.from) && !r.to.After(pc.to) && (r.noLabs || !r.labsFrom.Before(pc.labsFrom))
}

// with is the context extended by e, stored as version after; a nil e, a note, or an
// entry outside both of the context's ranges only moves the version. The two ranges are
// checked apart: a lab result back-filled from before the entries' range still belongs
// to the longer lab history. Contexts are shared read-only by evaluations in flight: it
// extends a copy; the lists are copied only where e goes into them.
// extends its patient's context.
func (pc *patientContext) with(e *medjournalv1.Entry, after storage.JournalVersion) *patientContext {
	next := *pc
	next.version = after
	if e == nil || e.GetNote() != nil {
		return &next
	}
	at := e.GetOccurredTime().AsTime()
	inEntries := !at.Before(pc.from) && !at.After(pc.to)
	inLabs := e.GetLab() != nil && !at.Before(pc.labsFrom) && !at.After(pc.to)
	if !inEntries && !inLabs {
		return &next
	}
	e = proto.Clone(e).(*medjournalv1.Entry)
	e.FlagIds = nil
	if inEntries {
		next.entries = withEntry(pc.entries, e)
	}
	if inLabs {
		next.labs = withEntry(pc.labs, e)
	}
	if pc.index != nil {
		next.index = pc.index.With(e, inEntries, inLabs)
	}
	return &next
}

// isRecent says whether an entry at at lies where a patient logs day to day, from
// lateLogging ago to now: the range a cached context is built to cover. Other entries
// extend the cached context back (extendBack) or are read for themselves alone.
func isRecent(at, now time.Time) bool {
	return !at.Before(now.Add(-lateLogging)) && !at.After(now.Add(time.Hour))
}

// compareEntries orders entries as storage.JournalReader.RuleEntries does: occurred time in milliseconds,
// then id.
func compareEntries(a, b *medjournalv1.Entry) int {
	return cmp.Or(
		cmp.Compare(occurredMillis(a), occurredMillis(b)),
		cmp.Compare(a.GetId(), b.GetId()),
	)
}

// occurredMillis is millis(e's occurred time), read from the timestamp's fields: the
// binary searches over a patient's journal call it a dozen times per lookup, and building
// a time.Time for each was most of their cost.
func occurredMillis(e *medjournalv1.Entry) int64 {
	ts := e.GetOccurredTime()
	if n := ts.GetNanos(); n >= 0 && n < 1e9 {
		return ts.GetSeconds()*1000 + int64(n)/int64(time.Millisecond)
	}
	return millis(ts.AsTime()) // nanos out of range: AsTime normalizes them
}

// lateLogging is how far back from now a patient commonly logs entries: the day's symptoms
// in the evening, a lab result when the report arrives. A loaded context covers triggers
// anywhere from lateLogging ago to now; one centred on the first trigger alone was missed,
// and read again, each time the next entry lay a few days to either side of it.
const lateLogging = 7 * 24 * time.Hour

// journalRange is what loadPatientContext reads: live entries other than notes in
// [from, to], and lab results in [labsFrom, to] unless noLabs.
type journalRange struct {
	from, to, labsFrom time.Time
	noLabs             bool
}

// recentRange covers what the rules need for any trigger between lateLogging ago and now
// (and at, a recent trigger, which may lie up to an hour ahead), with margin: what a cached
// context holds for the patient's next entries.
func (s *Service) recentRange(at time.Time) journalRange {
	w := s.eval.Window + cacheMargin
	now := s.now()
	lo, hi := now.Add(-lateLogging), now
	if at.After(hi) {
		hi = at
	}
	return journalRange{from: lo.Add(-w), to: hi.Add(w), labsFrom: lo.Add(-s.eval.LabLookback - cacheMargin)}
}

// triggerRange covers what the rules need for trigger alone: its horizon either side, and
// the lab history before it. A back-dated entry (a dose logged for last month, an old lab
// report) would else read everything from its date to now, and a writer evaluating in its
// transaction reads only what that one evaluation needs.
func (s *Service) triggerRange(trigger *medjournalv1.Entry) journalRange {
	at := trigger.GetOccurredTime().AsTime()
	h := s.eval.horizon(trigger)
	if !s.eval.readsLabs(trigger) {
		// No lab history: a context holding none, which covers no trigger's labs.
		return journalRange{from: at.Add(-h), to: at.Add(h), labsFrom: at.Add(h), noLabs: true}
	}
	return journalRange{from: at.Add(-h), to: at.Add(h), labsFrom: at.Add(-s.eval.LabLookback)}
}

// loadPatientContext reads the part r of the patient's journal the rules read, tagged
// with the version v it was read at. When same, a context read earlier, is at version v
// too, its medications and profile are the patient's at v (changing either changes the
// version), and are taken from it rather than read again.
func (s *Service) loadPatientContext(ctx context.Context, tx storage.JournalReader, patientID string, v storage.JournalVersion, r journalRange, same *patientContext) (*patientContext, error) {
	pc := &patientContext{version: v, from: r.from, to: r.to, labsFrom: r.labsFrom}
	entries, err := tx.RuleEntries(ctx, patientID, false, pc.from, pc.to)
	if err != nil {
		return nil, err
	}
	var labs []*medjournalv1.Entry
	if !r.noLabs {
		if labs, err = tx.RuleEntries(ctx, patientID, true, pc.labsFrom, pc.to); err != nil {
			return nil, err
		}
	}
	pc.entries, pc.labs = entries, labs
	if same != nil && same.version == v {
		pc.meds, pc.patient = same.meds, same.patient
	} else {
		if pc.meds, err = tx.Medications(ctx, patientID); err != nil {
			return nil, err
		}
		if pc.patient, err = tx.Account(ctx, patientID); err != nil {
			return nil, err
		}
	}
	s.indexContext(pc)
	return pc, nil
}

// indexContext gives pc the evaluator's index of its lists, if the evaluator keeps one.
func (s *Service) indexContext(pc *patientContext) {
	if s.eval != nil && s.eval.Index != nil {
		pc.index = s.eval.Index(pc.entries, pc.labs, pc.patient)
	}
}

// input selects what the rules read for trigger: entries within window on either side
// (the trigger's horizon: what its rules can see, often two days of a context that holds
// weeks, which the engine would otherwise walk past on every evaluation), notes never;
// lab history up to the trigger for baselines and repeat tests, when withLabs (a trigger
// whose rules read no labs gets none, as from SQLite, which reads none for it; see
// triggerRange). Both are slices of the
// context's own lists, found by binary search, so selecting costs the same however busy
// the patient's journal is; the rules count doses of the trigger's day only, whatever else
// Recent holds.
func (pc *patientContext) input(trigger *medjournalv1.Entry, window, labLookback time.Duration, withLabs bool) rules.Input {
	at := trigger.GetOccurredTime().AsTime()
	in := rules.Input{Trigger: trigger, Medications: pc.meds, Patient: pc.patient, Prepared: pc.index}
	if recent := between(pc.entries, millis(at.Add(-window)), millis(at.Add(window))); len(recent) > 0 {
		in.Recent = recent
	}
	if !withLabs {
		return in
	}
	if labs := between(pc.labs, millis(at.Add(-labLookback)), millis(at)); len(labs) > 0 {
		in.LabHistory = labs
	}
	return in
}

// between is the part of list, sorted by occurred time, from lo to hi milliseconds.
func between(list []*medjournalv1.Entry, lo, hi int64) []*medjournalv1.Entry {
	at := func(i int) int64 { return occurredMillis(list[i]) }
	from := sort.Search(len(list), func(i int) bool { return at(i) >= lo })
	to := sort.Search(len(list), func(i int) bool { return at(i) > hi })
	return list[from:to:to]
}

// withEntry is list with e in its place by compareEntries, in a new array: contexts share
// their lists with evaluations in flight, which must never see them change. The list is
// clipped so that Insert cannot write into spare room another context's slice may hold.
func withEntry(list []*medjournalv1.Entry, e *medjournalv1.Entry) []*medjournalv1.Entry {
	i, _ := slices.BinarySearchFunc(list, e, compareEntries)
	return slices.Insert(slices.Clip(list), i, e)
}

// millis is t in milliseconds since the Unix epoch: the precision entries are ordered at.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is the time ms milliseconds after the Unix epoch, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
