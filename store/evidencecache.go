package store

import "sync"

// maxLinkedEvidence bounds the evidence links the cache remembers; past it the cache
// starts over, which costs only the links it must then send to SQLite again.
const maxLinkedEvidence = 100_000

// linkedEvidence remembers, per flag, entries known to be linked to it as evidence, so
// that joining a finding to a live flag sends SQLite only the entries that may be new.
// A rule cites every entry in its window that made it match: a fever flag on a busy
// journal cites dozens, nearly all of them cited before, and linking them all again
// (each one a lookup that finds the link already there) was most of the writer's time
// for a finding, which the writer spends while every other create waits.
//
// The cache may forget a link but never claims one that is not committed: links are
// noted only after their write commits, and a write that removes evidence forgets the
// flag both at once and after its commit, so a link noted by an earlier write of the
// same group, whose note runs after the commit too, is forgotten again. An entry the
// cache does not know is simply sent to SQLite, which skips it if it is linked.
type linkedEvidence struct {
	mu     sync.Mutex
	byFlag map[string]map[string]bool
	count  int
}

func newLinkedEvidence() *linkedEvidence {
	return &linkedEvidence{byFlag: map[string]map[string]bool{}}
}

// unknown are the entries of ids not known to be linked to the flag, in the order given.
func (c *linkedEvidence) unknown(flagID string, ids []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	linked := c.byFlag[flagID]
	if len(linked) == 0 {
		return ids
	}
	var out []string
	for _, id := range ids {
		if !linked[id] {
			out = append(out, id)
		}
	}
	return out
}

// note records that ids are linked to the flag; call it only once they are committed.
func (c *linkedEvidence) note(flagID string, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.count+len(ids) > maxLinkedEvidence {
		clear(c.byFlag)
		c.count = 0
	}
	linked := c.byFlag[flagID]
	if linked == nil {
		linked = make(map[string]bool, len(ids))
		c.byFlag[flagID] = linked
	}
	for _, id := range ids {
		if !linked[id] {
			linked[id] = true
			c.count++
		}
	}
}

// forget drops what the cache knows of the flag's evidence.
func (c *linkedEvidence) forget(flagID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count -= len(c.byFlag[flagID])
	delete(c.byFlag, flagID)
}

// evidenceLinked notes, once tx commits, that ids are linked to the flag.
func (tx *Tx) evidenceLinked(flagID string, ids []string) {
	if c := tx.linked; c != nil && len(ids) > 0 {
		tx.afterCommit = append(tx.afterCommit, func() { c.note(flagID, ids) })
	}
}

// evidenceUnlinked forgets the flag's evidence now, so the rest of this write and the
// writes after it in the group send all of theirs to SQLite, and again after commit, after
// the notes of the group's earlier writes (see linkedEvidence).
func (tx *Tx) evidenceUnlinked(flagID string) {
	if c := tx.linked; c != nil {
		c.forget(flagID)
		tx.afterCommit = append(tx.afterCommit, func() { c.forget(flagID) })
	}
}

// unknownEvidence are the ids not known to be linked to the flag: those to send to SQLite.
func (tx *Tx) unknownEvidence(flagID string, ids []string) []string {
	if tx.linked == nil {
		return ids
	}
	return tx.linked.unknown(flagID, ids)
}
