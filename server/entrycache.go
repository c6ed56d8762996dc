package server

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"weak"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// entryEncodingCache holds one encoding (JSON or protobuf) of entry objects for as long as
// the objects live: weak keys, so a cached page dropped by the store takes its encodings
// with it, and an entry object answered once and then dropped costs one map entry until
// the next GC. It relies on entries being immutable once answered (see jsonCodec); with
// check set, a hit encodes the entry again and fails the request if the cached encoding
// no longer matches, so a handler that changed an answered entry fails the tests rather
// than sending a stale answer later. With off set it encodes every time.
type entryEncodingCache struct {
	marshal    func(*medjournalv1.Entry) ([]byte, error)
	off, check bool

	mu      sync.Mutex
	byEntry map[weak.Pointer[medjournalv1.Entry]][]byte
}

func newEntryEncodingCache(marshal func(*medjournalv1.Entry) ([]byte, error), cfg Config) *entryEncodingCache {
	return &entryEncodingCache{marshal: marshal, off: cfg.NoEncodingCache, check: cfg.CheckCaches,
		byEntry: map[weak.Pointer[medjournalv1.Entry]][]byte{}}
}

// encoding returns e encoded, from the cache when e was encoded before.
func (c *entryEncodingCache) encoding(e *medjournalv1.Entry) ([]byte, error) {
	if c.off {
		return c.marshal(e)
	}
	key := weak.Make(e)
	c.mu.Lock()
	b, ok := c.byEntry[key]
	c.mu.Unlock()
	if ok && c.check {
		if now, err := c.marshal(e); err != nil || !bytes.Equal(now, b) {
			return nil, fmt.Errorf("entry %s changed after its encoding was cached: answered entries are shared and must not be modified", e.GetId())
		}
	}
	if ok {
		return b, nil
	}
	b, err := c.marshal(e)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, raced := c.byEntry[key]; !raced {
		c.byEntry[key] = b
		runtime.AddCleanup(e, c.forget, key)
	}
	return b, nil
}

func (c *entryEncodingCache) forget(key weak.Pointer[medjournalv1.Entry]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byEntry, key)
}

func (c *entryEncodingCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byEntry)
}
