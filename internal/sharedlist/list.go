// Package sharedlist keeps sorted lists that readers share while new versions of them are
// made, each one item longer. The rules' cached journals are such lists: every create
// extends its patient's journal, while evaluations in flight still read the version
// before, and copying a busy journal's hundreds of entries for each create was most of
// what keeping the cache cost.
package sharedlist

import (
	"slices"
	"sync/atomic"
)

// List is one version of a sorted list. Versions share a backing array where they can:
// an item that goes last, as a patient's next entry nearly always does, is written into
// spare room after the list, which the versions before it hold shorter slices of and
// never see. A slot is taken only if no version holds it yet (claim counts the slots
// handed out), so a slot some version can see is never written again, whoever extends
// which version. The zero List is empty.
type List[T any] struct {
	items []T
	claim *atomic.Int64 // nil: the array is not counted, so not to be shared
}

// Of is a list of items, which must be sorted and are not to be modified after; its first
// extension copies them.
func Of[T any](items []T) List[T] { return List[T]{items: items} }

// Items are the list's items in order. Callers must not modify them; the slice has no
// spare capacity, so appending to it copies.
func (l List[T]) Items() []T { return l.items[:len(l.items):len(l.items)] }

// Len is the number of items.
func (l List[T]) Len() int { return len(l.items) }

// With is the list with x in its place by cmp (before items that compare equal).
func (l List[T]) With(x T, cmp func(a, b T) int) List[T] {
	n := len(l.items)
	if n > 0 && cmp(l.items[n-1], x) > 0 {
		i, _ := slices.BinarySearchFunc(l.items, x, cmp)
		out := make([]T, 0, n+1)
		out = append(out, l.items[:i]...)
		out = append(out, x)
		return counted(append(out, l.items[i:]...))
	}
	if l.claim != nil && n < cap(l.items) && l.claim.CompareAndSwap(int64(n), int64(n+1)) {
		return List[T]{items: append(l.items, x), claim: l.claim}
	}
	out := make([]T, n, 2*n+8) // room for the items to come
	copy(out, l.items)
	return counted(append(out, x))
}

// counted is items with a claim on all of them.
func counted[T any](items []T) List[T] {
	claim := new(atomic.Int64)
	claim.Store(int64(len(items)))
	return List[T]{items: items, claim: claim}
}
