package store

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/sharedlist"
)

// ruleContextCache keeps, per patient, the part of the journal the rules read around the
// patient's recent entries, tagged with the journal version it was read at. A patient who
// logs entry after entry is then evaluated without reading the window from SQLite each
// time, which the profile showed as the largest cost of a create.
//
// A stale context can never decide a flag: an evaluation from the cache carries the
// context's version, and the writer uses its findings only if its own insert took the
// journal from exactly that version (preEvaluation.holdsAt); otherwise it evaluates again
// in its transaction. The cache is kept current so that this is rare: a context is read
// in one snapshot with its version, extended only after a commit, with the entry that
// commit wrote, and only if it was current before that commit; anything else (an edit, a
// delete, a medication, the profile) drops it (Tx.journalChanged).
//
// A commit only notes its entry against the patient (committed); the next lookup of the
// patient's context adds the entries noted (current). Adding one copies the context's
// lists when the entry falls in their middle, and the single writer, which every write
// waits for, spent a tenth of its time doing so after each commit; lookups run on the
// requests' own goroutines, in parallel.
type ruleContextCache struct {
	mu        sync.Mutex
	byPatient map[string]*cachedContext
	// maxExtended bounds what extending a context back may make it hold (extendBack);
	// maxExtendedEntries but in tests.
	maxExtended int
}

// cachedContext is a patient's context as last read or extended, and the entries committed
// since, each the next version, which current adds to it.
type cachedContext struct {
	pc      *patientContext
	pending []versionedEntry
}

// version is the journal version the cached context stands for once its pending entries
// are added.
func (cc *cachedContext) version() journalVersion {
	if n := len(cc.pending); n > 0 {
		return cc.pending[n-1].version
	}
	return cc.pc.version
}

// maxPending bounds the entries noted against a context that no lookup adds: a patient
// whose entries no rule reads (notes) is never looked up. Past it the context goes.
const maxPending = 256

// maxCachedPatients bounds the cache's memory; past it the cache starts over.
const maxCachedPatients = 4096

// cacheMargin is how far beyond the rules' windows a load reaches, so the next entries of
// the day fall inside the held range.
const cacheMargin = 3 * 24 * time.Hour

type patientContext struct {
	version  journalVersion
	from, to time.Time                            // entries held: live entries other than notes in [from, to]
	entries  sharedlist.List[*medjournalv1.Entry] // sorted by occurred time (ms), then id (compareEntries)
	labsFrom time.Time                            // labs held: live labs in [labsFrom, to]
	labs     sharedlist.List[*medjournalv1.Entry]
	meds     []*medjournalv1.Medication
	patient  *medjournalv1.Account
	// index is the evaluator's index of entries and labs (Evaluator.Index), or nil.
	index JournalIndex
}

func newRuleContextCache() *ruleContextCache {
	return &ruleContextCache{byPatient: map[string]*cachedContext{}, maxExtended: maxExtendedEntries}
}

// get returns the patient's context if it holds need (a trigger's triggerRange), at
// whatever version it was read or last extended; callers must not modify it.
func (c *ruleContextCache) get(patientID string, need journalRange) *patientContext {
	if pc := c.current(patientID); pc != nil && pc.covers(need) {
		return pc
	}
	return nil
}

// peek returns the patient's context, whatever it covers, or nil.
func (c *ruleContextCache) peek(patientID string) *patientContext {
	return c.current(patientID)
}

// current is the patient's context with the entries committed since it was read or last
// extended added to it, or nil. It adds them outside the lock, on the caller's goroutine,
// and keeps the result unless the context was replaced or dropped meanwhile.
func (c *ruleContextCache) current(patientID string) *patientContext {
	c.mu.Lock()
	cc := c.byPatient[patientID]
	if cc == nil {
		c.mu.Unlock()
		return nil
	}
	pc, pending := cc.pc, cc.pending
	c.mu.Unlock()
	if len(pending) == 0 {
		return pc
	}
	next := pc
	for _, p := range pending {
		next = next.with(p.entry, p.version)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byPatient[patientID] == cc && cc.pc == pc {
		// Entries committed while these were added stay noted for the next lookup.
		cc.pc, cc.pending = next, slices.Clone(cc.pending[len(pending):])
	}
	return next
}

// covers says whether pc holds everything r asks for. A trigger needs its own horizon,
// not the widest rule's window: a dose needs its day, which a context built for recent
// entries holds weeks further back than the widest window would allow.
func (pc *patientContext) covers(r journalRange) bool {
	return !r.from.Before(pc.from) && !r.to.After(pc.to) && (r.noLabs || !r.labsFrom.Before(pc.labsFrom))
}

// replace puts next, at the same version as old, in place of old, if the patient's
// context is still old; entries noted since stay noted. A newer load wins.
func (c *ruleContextCache) replace(patientID string, old, next *patientContext) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc := c.byPatient[patientID]; cc != nil && cc.pc == old {
		cc.pc = next
	}
}

func (c *ruleContextCache) put(patientID string, pc *patientContext) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byPatient) >= maxCachedPatients {
		clear(c.byPatient)
	}
	c.byPatient[patientID] = &cachedContext{pc: pc}
}

// committed notes an entry that was just committed, taking the version from before to
// after, against the patient's context, if the context stood for before; otherwise it
// forgets the patient. e must not change afterwards: the lookup that adds it copies it.
func (c *ruleContextCache) committed(patientID string, before, after journalVersion, e *medjournalv1.Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cc := c.byPatient[patientID]
	if cc == nil {
		return
	}
	if cc.version() != before || len(cc.pending) >= maxPending {
		delete(c.byPatient, patientID)
		return
	}
	cc.pending = append(cc.pending, versionedEntry{version: after, entry: e})
}

// with is the context extended by e, stored as version after. Contexts are shared
// read-only by evaluations in flight: it extends a copy, which shares the lists' arrays
// with pc (sharedlist), since every create extends its patient's context.
func (pc *patientContext) with(e *medjournalv1.Entry, after journalVersion) *patientContext {
	next := *pc
	next.version = after
	e = proto.Clone(e).(*medjournalv1.Entry)
	e.FlagIds = nil
	at := e.GetOccurredTime().AsTime()
	inRange := !at.Before(pc.from) && !at.After(pc.to)
	inEntries := inRange && e.GetNote() == nil
	inLabs := inRange && e.GetLab() != nil && !at.Before(pc.labsFrom)
	if inEntries {
		next.entries = pc.entries.With(e, compareEntries)
	}
	if inLabs {
		next.labs = pc.labs.With(e, compareEntries)
	}
	if pc.index != nil && (inEntries || inLabs) {
		next.index = pc.index.With(e, inEntries, inLabs)
	}
	return &next
}

// contextAt is the patient's context at exactly version v, holding need (a trigger's range): the
// cached one, extended by the entries created since, in order, if those account for
// every version between. The writer passes the entries its current group has created so
// far, which the cache does not hold until they commit. It is nil when they do not
// account for every version (an edit, a delete or a medication came between), or when
// the cached range does not cover the trigger; the writer then reads SQLite.
func (c *ruleContextCache) contextAt(patientID string, v journalVersion, need journalRange, since []versionedEntry) *patientContext {
	pc := c.get(patientID, need)
	if pc == nil {
		return nil
	}
	// The creates since are uncommitted, so all newer than any cached context: each must
	// be the very next version, or something else changed the journal between.
	for _, created := range since {
		if pc.version == v {
			break
		}
		if created.version != pc.version+1 {
			return nil
		}
		pc = pc.with(created.entry, created.version)
	}
	if pc.version != v {
		return nil
	}
	return pc
}

// versionedEntry is an entry created in the writer's current group, with the journal
// version its insert made.
type versionedEntry struct {
	version journalVersion
	entry   *medjournalv1.Entry
}

// groupCreates are the entries the writes of one commit-loop group created, by patient,
// in order: a write's entries join when it succeeds, since a write rolled back to its
// savepoint leaves its versions to the next write.
type groupCreates map[string][]versionedEntry

// forget drops the patient's context, after a write the cache cannot follow.
func (c *ruleContextCache) forget(patientID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byPatient, patientID)
}

// isRecent says whether an entry at at lies where a patient logs day to day, from
// lateLogging ago to now: the range a cached context is built to cover. Contexts for
// other entries are loaded for them alone and not cached.
func isRecent(at, now time.Time) bool {
	return !at.Before(now.Add(-lateLogging)) && !at.After(now.Add(time.Hour))
}

// compareEntries orders entries as the store's queries do: occurred time in milliseconds,
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
func (s *Store) recentRange(at time.Time) journalRange {
	w := s.evaluator.Window + cacheMargin
	now := s.now()
	lo, hi := now.Add(-lateLogging), now
	if at.After(hi) {
		hi = at
	}
	return journalRange{from: lo.Add(-w), to: hi.Add(w), labsFrom: lo.Add(-s.evaluator.LabLookback - cacheMargin)}
}

// triggerRange covers what the rules need for trigger alone: its horizon either side, and
// the lab history before it. A back-dated entry (a dose logged for last month, an old lab
// report) would else read everything from its date to now, and a writer evaluating in its
// transaction reads only what that one evaluation needs.
func (s *Store) triggerRange(trigger *medjournalv1.Entry) journalRange {
	at := trigger.GetOccurredTime().AsTime()
	h := s.evaluator.horizon(trigger)
	if !s.evaluator.readsLabs(trigger) {
		// No lab history: a context holding none, which covers no trigger's labs.
		return journalRange{from: at.Add(-h), to: at.Add(h), labsFrom: at.Add(h), noLabs: true}
	}
	return journalRange{from: at.Add(-h), to: at.Add(h), labsFrom: at.Add(-s.evaluator.LabLookback)}
}

// loadPatientContext reads the part r of the patient's journal the rules read, tagged
// with the version v it was read at. When same, a context read earlier, is at version v
// too, its medications and profile are the patient's at v (changing either changes the
// version), and are taken from it rather than read again.
func (s *Store) loadPatientContext(ctx context.Context, tx *Tx, patientID string, v journalVersion, r journalRange, same *patientContext) (*patientContext, error) {
	pc := &patientContext{version: v, from: r.from, to: r.to, labsFrom: r.labsFrom}
	entries, err := ruleEntries(ctx, tx, patientID, false, millis(pc.from), millis(pc.to))
	if err != nil {
		return nil, err
	}
	var labs []*medjournalv1.Entry
	if !r.noLabs {
		if labs, err = ruleEntries(ctx, tx, patientID, true, millis(pc.labsFrom), millis(pc.to)); err != nil {
			return nil, err
		}
	}
	pc.entries, pc.labs = sharedlist.Of(entries), sharedlist.Of(labs)
	if same != nil && same.version == v {
		pc.meds, pc.patient = same.meds, same.patient
	} else {
		if pc.meds, err = medicationsOf(ctx, tx, patientID); err != nil {
			return nil, err
		}
		if pc.patient, err = accountByID(ctx, tx, patientID); err != nil {
			return nil, err
		}
	}
	s.indexContext(pc)
	return pc, nil
}

// indexContext gives pc the evaluator's index of its lists, if the evaluator keeps one.
func (s *Store) indexContext(pc *patientContext) {
	if s.evaluator != nil && s.evaluator.Index != nil {
		pc.index = s.evaluator.Index(pc.entries.Items(), pc.labs.Items(), pc.patient)
	}
}

// ruleEntries reads the patient's live entries the rules read with occurred times from lo
// to hi milliseconds inclusive, in compareEntries order: every kind but notes, or only
// lab results.
func ruleEntries(ctx context.Context, tx *Tx, patientID string, labs bool, lo, hi int64) ([]*medjournalv1.Entry, error) {
	kind := `kind != ?`
	kindArg := int32(medjournalv1.EntryKind_ENTRY_KIND_NOTE)
	if labs {
		kind, kindArg = `kind = ?`, int32(medjournalv1.EntryKind_ENTRY_KIND_LAB)
	}
	rows, err := queryEntries(ctx, tx, `SELECT `+ruleEntryColumns+` FROM entries
		WHERE patient_id = ? AND delete_time IS NULL AND `+kind+` AND occurred_time >= ? AND occurred_time <= ?
		ORDER BY occurred_time, id`, patientID, kindArg, lo, hi)
	if err != nil {
		return nil, err
	}
	entries := make([]*medjournalv1.Entry, len(rows))
	for i, row := range rows {
		entries[i] = row.entry
	}
	return entries, nil
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
func (pc *patientContext) input(trigger *medjournalv1.Entry, window, labLookback time.Duration, withLabs bool) EvalInput {
	at := trigger.GetOccurredTime().AsTime()
	in := EvalInput{Trigger: trigger, Medications: pc.meds, Patient: pc.patient, Index: pc.index}
	if recent := between(pc.entries.Items(), millis(at.Add(-window)), millis(at.Add(window))); len(recent) > 0 {
		in.Recent = recent
	}
	if !withLabs {
		return in
	}
	if labs := between(pc.labs.Items(), millis(at.Add(-labLookback)), millis(at)); len(labs) > 0 {
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
