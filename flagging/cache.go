package flagging

import (
	"slices"
	"sync"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// ruleContextCache keeps, per patient, the part of the journal the rules read around the
// patient's recent entries, tagged with the journal version it was read at. A patient who
// logs entry after entry is then evaluated without reading the window from storage each
// time, which the profile showed as the largest cost of a create.
//
// A stale context can never decide a flag: an evaluation from the cache carries the
// context's version, and the write uses its findings only if its own insert took the
// journal from exactly that version (preEvaluation.holdsAt); otherwise it evaluates again
// in its transaction. The cache is invalidated in one place, by that same version
// (committed): a context is read in one snapshot with its version and extended only by a
// commit that took the journal from its version to the next, with the entry that commit
// wrote. Any other change (an edit, a delete, a medication, the profile) moves the version
// without extending the context, so the next create finds the context behind, evaluates in
// its write, and drops it. No write has to remember to clear the cache.
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
	pending []storage.CreatedEntry
}

// version is the journal version the cached context stands for once its pending entries
// are added.
func (cc *cachedContext) version() storage.JournalVersion {
	if n := len(cc.pending); n > 0 {
		return cc.pending[n-1].Version
	}
	return cc.pc.version
}

// maxPending bounds the entries noted against a context that no lookup adds: a patient
// whose entries no rule reads (notes) is never looked up. Past it the context goes.
const maxPending = 256

// maxCachedPatients bounds the cache's memory; past it the cache starts over.
const maxCachedPatients = 4096

func newRuleContextCache() *ruleContextCache {
	return &ruleContextCache{byPatient: map[string]*cachedContext{}, maxExtended: maxExtendedEntries}
}

// get returns the patient's context if it holds need (a trigger's triggerRange), at
// whatever version it was read or last extended; callers must not modify it.
func (c *ruleContextCache) get(patientID string, need journalRange) *patientContext {
	if c == nil {
		return nil // the cache is off
	}
	if pc := c.current(patientID); pc != nil && pc.covers(need) {
		return pc
	}
	return nil
}

// current is the patient's context, whatever it covers, with the entries committed since
// it was read or last extended added to it, or nil. It adds them outside the lock, on the
// caller's goroutine, and keeps the result unless the context was replaced or dropped
// meanwhile.
func (c *ruleContextCache) current(patientID string) *patientContext {
	if c == nil {
		return nil
	}
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
		next = next.with(p.Entry, p.Version)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byPatient[patientID] == cc && cc.pc == pc {
		// Entries committed while these were added stay noted for the next lookup.
		cc.pc, cc.pending = next, slices.Clone(cc.pending[len(pending):])
	}
	return next
}

// replace puts next, at the same version as old, in place of old, if the patient's
// context is still old; entries noted since stay noted. A newer load wins.
func (c *ruleContextCache) replace(patientID string, old, next *patientContext) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc := c.byPatient[patientID]; cc != nil && cc.pc == old {
		cc.pc = next
	}
}

func (c *ruleContextCache) put(patientID string, pc *patientContext) {
	if c == nil {
		return
	}
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
// A note is noted as the version alone, since no context holds notes: a patient's notes
// keep no memory while they wait for a lookup.
func (c *ruleContextCache) committed(patientID string, before, after storage.JournalVersion, e *medjournalv1.Entry) {
	if e.GetNote() != nil {
		e = nil
	}
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
	cc.pending = append(cc.pending, storage.CreatedEntry{Version: after, Entry: e})
}

// contextAt is the patient's context at exactly version v, holding need (a trigger's
// range): the cached one, extended by the entries created since, in order, if those
// account for every version between. The writer passes the entries its current group has
// created so far, which the cache does not hold until they commit. It is nil when they do
// not account for every version (an edit, a delete or a medication came between), or when
// the cached range does not hold need; the writer then reads storage.
func (c *ruleContextCache) contextAt(patientID string, v storage.JournalVersion, need journalRange, since []storage.CreatedEntry) *patientContext {
	pc := c.get(patientID, need)
	if pc == nil {
		return nil
	}
	// The creates since are uncommitted, so all newer than any cached context: each must
	// be the very next version, or something else changed the journal between. since may
	// end with the trigger itself (at v+1) and creates after it: the context stops at v,
	// so an entry is never part of its own journal.
	for _, created := range since {
		if pc.version == v || created.Version > v {
			break
		}
		if created.Version != pc.version+1 {
			return nil
		}
		pc = pc.with(created.Entry, created.Version)
	}
	if pc.version != v {
		return nil
	}
	return pc
}
