package sharedlist

import (
	"cmp"
	"slices"
	"testing"
)

// Versions of a list share one backing array, yet none ever sees another's items:
// extending an older version again, after a newer one took the slot after it, copies
// instead of writing over the newer version's item, and an item that goes before the end
// is placed in order.
func TestWithNeverWritesASlotAVersionHolds(t *testing.T) {
	var empty List[int]
	first := empty.With(10, cmp.Compare[int])
	second := first.With(20, cmp.Compare[int])
	third := second.With(30, cmp.Compare[int])
	if &third.items[0] != &first.items[0] || third.claim != first.claim {
		t.Fatal("appending to the newest version copied its list; it should share the array")
	}
	// A second extension of second: third holds the slot after it.
	branch := second.With(40, cmp.Compare[int])
	if got := third.Items(); !slices.Equal(got, []int{10, 20, 30}) {
		t.Fatalf("third = %v after extending second again, want [10 20 30]", got)
	}
	if got := branch.Items(); !slices.Equal(got, []int{10, 20, 40}) || &branch.items[0] == &third.items[0] {
		t.Fatalf("branch = %v: extending an older version wrote into the shared array", got)
	}
	// Earlier than the end: a copy, in order.
	sorted := third.With(5, cmp.Compare[int])
	if got := sorted.Items(); !slices.Equal(got, []int{5, 10, 20, 30}) || &sorted.items[1] == &third.items[0] {
		t.Fatalf("an earlier item gave %v, or the list was changed in place", got)
	}
	if got := third.Items(); !slices.Equal(got, []int{10, 20, 30}) {
		t.Fatalf("third = %v after an earlier item went into a copy", got)
	}
	// In the middle, before an equal item.
	if got := third.With(20, func(a, b int) int { return cmp.Compare(a/10, b/10) }).Items(); !slices.Equal(got, []int{10, 20, 20, 30}) {
		t.Fatalf("a middle item gave %v", got)
	}
	// Without a claim (a list made by Of) the first extension copies, even with room.
	loaded := slices.Grow([]int{1, 2}, 4)
	grown := Of(loaded).With(3, cmp.Compare[int])
	if &grown.items[0] == &loaded[0] || grown.claim.Load() != 3 {
		t.Fatal("a list without a claim was shared")
	}
	// Items has no room to append into.
	if items := grown.Items(); cap(items) != len(items) {
		t.Fatalf("Items has capacity %d beyond its %d items", cap(items), len(items))
	}
}
