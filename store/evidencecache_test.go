package store

import (
	"fmt"
	"slices"
	"testing"
)

// The cache leaves out only links it was told of, forgets a flag whole, and starts over
// rather than grow past its bound.
func TestLinkedEvidenceKnowsOnlyWhatItWasTold(t *testing.T) {
	c := newLinkedEvidence()
	if got := c.unknown("f", []string{"a", "b"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("empty cache: unknown = %v", got)
	}
	c.note("f", []string{"a", "b"})
	if got := c.unknown("f", []string{"c", "a", "d", "b"}); !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("unknown = %v, want [c d]", got)
	}
	if got := c.unknown("g", []string{"a"}); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("another flag's links leaked: unknown = %v", got)
	}
	c.forget("f")
	if got := c.unknown("f", []string{"a"}); !slices.Equal(got, []string{"a"}) || c.count != 0 {
		t.Fatalf("after forget: unknown = %v, count %d", got, c.count)
	}
	for i := range maxLinkedEvidence {
		c.note(fmt.Sprint("flag", i%100), []string{fmt.Sprint(i)})
	}
	c.note("f", []string{"a"})
	if c.count != 1 || len(c.byFlag) != 1 {
		t.Fatalf("past the bound: %d links in %d flags, want the cache started over", c.count, len(c.byFlag))
	}
}
