package store

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// firstPageCache keeps, per patient, the newest page of the journal as ListEntries last
// read it, tagged with the patient's journal version. The first page is what the app shows
// each time it opens, and reading it from SQLite (stepping the rows, decoding each entry)
// was half of ListEntries' CPU.
//
// It can never serve a stale page: it is used only when its version equals the version
// read in the same snapshot, and every write that changes what a page shows bumps that
// version in its own transaction: creating, editing and deleting entries, and raising or
// withdrawing the flags whose ids entries carry, which happens only in those same writes.
//
// The page's entries are shared by every request that reads it, and the server caches
// their encodings by object: nothing may change them. With check set (tests), each page
// keeps its entries' encodings and every hit compares them, failing the read if an entry
// changed since it was cached.
type firstPageCache struct {
	check     bool
	mu        sync.Mutex
	byPatient map[string]cachedPage
}

// maxCachedPages bounds the cache's memory (a page is at most a few hundred entries);
// past it the cache starts over.
const maxCachedPages = 2048

type cachedPage struct {
	version storage.JournalVersion
	limit   int
	entries []*medjournalv1.Entry // shared: nobody may modify them
	frozen  [][]byte              // with check, each entry's encoding when it was cached
}

func newFirstPageCache() *firstPageCache {
	return &firstPageCache{byPatient: map[string]cachedPage{}}
}

// get returns a copy of the cached page list if it was read at version v with limit.
func (c *firstPageCache) get(patientID string, v storage.JournalVersion, limit int) ([]*medjournalv1.Entry, bool, error) {
	if c == nil {
		return nil, false, nil // the cache is off
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.byPatient[patientID]
	if !ok || p.version != v || p.limit != limit {
		return nil, false, nil
	}
	for i, b := range p.frozen {
		if now, err := freeze(p.entries[i]); err != nil || !bytes.Equal(now, b) {
			return nil, false, fmt.Errorf("cached entry %s changed after it was cached: entries the store returns are shared and must not be modified", p.entries[i].GetId())
		}
	}
	return slices.Clone(p.entries), true, nil
}

// freeze is e's encoding, to notice a change to it.
func freeze(e *medjournalv1.Entry) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(e)
}

func (c *firstPageCache) put(patientID string, v storage.JournalVersion, limit int, entries []*medjournalv1.Entry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byPatient) >= maxCachedPages {
		clear(c.byPatient)
	}
	page := cachedPage{version: v, limit: limit, entries: slices.Clone(entries)}
	if c.check {
		for _, e := range entries {
			b, err := freeze(e)
			if err != nil {
				return // not cached, not wrong
			}
			page.frozen = append(page.frozen, b)
		}
	}
	c.byPatient[patientID] = page
}
