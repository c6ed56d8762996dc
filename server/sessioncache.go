package server

import (
	"sync"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// sessionCacheTTL is how long a looked-up session is trusted without asking the store.
// Every change this server makes to a session or an account drops the cached copy at once
// (sign-out, revoke, profile update), so the TTL only bounds what another process (an
// operator's tool) could change behind the server's back.
const sessionCacheTTL = 30 * time.Second

// sessionCache keeps recently used sessions by token hash, so an authenticated request
// does not cost a database read. Grants are deliberately not cached: access is checked
// against the store on every call, so a revoked grant ends at once.
type sessionCache struct {
	mu        sync.Mutex
	byHash    map[string]*cachedSession
	byAccount map[string]map[string]bool // account id → token hashes, to drop an account's sessions
}

type cachedSession struct {
	session storage.Session
	account *medjournalv1.Account
	fetched time.Time
}

func newSessionCache() *sessionCache {
	return &sessionCache{byHash: map[string]*cachedSession{}, byAccount: map[string]map[string]bool{}}
}

func (c *sessionCache) get(hash []byte, now time.Time) (storage.Session, *medjournalv1.Account, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, ok := c.byHash[string(hash)]
	if !ok || now.Sub(cs.fetched) > sessionCacheTTL || now.Before(cs.fetched) {
		return storage.Session{}, nil, false
	}
	return cs.session, cs.account, true
}

func (c *sessionCache) put(hash []byte, sess storage.Session, acct *medjournalv1.Account, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byHash) > 100_000 { // a bound on memory; the next requests fill it again
		clear(c.byHash)
		clear(c.byAccount)
	}
	c.byHash[string(hash)] = &cachedSession{session: sess, account: acct, fetched: now}
	if c.byAccount[sess.AccountID] == nil {
		c.byAccount[sess.AccountID] = map[string]bool{}
	}
	c.byAccount[sess.AccountID][string(hash)] = true
}

// touched records a new last-use time in the cached copy.
func (c *sessionCache) touched(hash []byte, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs, ok := c.byHash[string(hash)]; ok {
		cs.session.LastUsedTime = at
	}
}

// dropSession forgets one session (signed out or revoked).
func (c *sessionCache) dropSession(sessionID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for hash, cs := range c.byHash {
		if cs.session.ID == sessionID {
			delete(c.byHash, hash)
			delete(c.byAccount[cs.session.AccountID], hash)
		}
	}
}

// dropAccount forgets every session of an account whose data changed.
func (c *sessionCache) dropAccount(accountID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for hash := range c.byAccount[accountID] {
		delete(c.byHash, hash)
	}
	delete(c.byAccount, accountID)
}
