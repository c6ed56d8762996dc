// Package tz loads IANA time zones once. time.LoadLocation opens and parses the zone's
// file on every call; the profile of CreateEntry showed it as 8 % of the server's CPU,
// because the rules and the day view ask for the patient's zone on every request.
package tz

import (
	"sync"
	"time"
)

// Cache holds the zones it has loaded. Only zones that exist are kept, and there are a few
// hundred of them, so it stays small whatever callers ask for. The zero value is ready to
// use; a Cache must not be copied after first use.
type Cache struct {
	zones sync.Map // name → *time.Location
}

// Load returns the zone called name, as time.LoadLocation does ("" and "UTC" are UTC).
func (c *Cache) Load(name string) (*time.Location, error) {
	if loc, ok := c.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	c.zones.Store(name, loc)
	return loc, nil
}
