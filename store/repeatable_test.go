package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A group of repeatable writes runs without savepoints while nothing fails; when one
// fails after changing the database, the group is rolled back and runs again with a
// savepoint each, so the failure leaves nothing behind and its neighbours still land,
// once. A group with any write that may not run twice uses savepoints from the start.
func TestRepeatableGroupRunsAgainIsolatedWhenAWriteFails(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
	s, _ := openTemp(t, WithClock(func() time.Time { return now }))
	p := createPatient(t, s, "repeatable@example.com")
	boom := errors.New("fails after its insert")
	type write struct {
		repeatable, fails bool
	}
	for _, tc := range []struct {
		name     string
		writes   []write
		wantRuns []int // how often each write's fn runs: twice up to the first failure if the group runs again
	}{
		{"all repeatable, none fails", []write{{true, false}, {true, false}, {true, false}}, []int{1, 1, 1}},
		{"all repeatable, one fails", []write{{true, false}, {true, true}, {true, false}}, []int{2, 2, 1}},
		{"one not repeatable", []write{{true, false}, {true, true}, {false, false}}, []int{1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := make([]int, len(tc.writes))
			ids := make([]string, len(tc.writes))
			var group []*pendingWrite
			for i, w := range tc.writes {
				e := mildSymptom("cough", now.Add(-time.Duration(i+1)*time.Minute))
				ids[i] = e.GetId()
				group = append(group, &pendingWrite{ctx: ctx, repeatable: w.repeatable, done: make(chan error, 1),
					fn: func(tx *dbTx) error {
						runs[i]++
						if _, _, err := (journalTx{tx}).InsertEntry(ctx, p, e); err != nil {
							return err
						}
						if w.fails {
							return boom
						}
						return nil
					}})
			}
			s.commits.commit(group)
			for i, w := range tc.writes {
				err := <-group[i].done
				if w.fails != errors.Is(err, boom) || (!w.fails && err != nil) {
					t.Errorf("write %d: err = %v, want failure %v", i, err, w.fails)
				}
				if runs[i] != tc.wantRuns[i] {
					t.Errorf("write %d ran %d times, want %d", i, runs[i], tc.wantRuns[i])
				}
				_, err = s.Entry(ctx, p, ids[i])
				if stored := err == nil; stored == w.fails {
					t.Errorf("write %d (fails: %v): entry stored %v (%v)", i, w.fails, stored, err)
				}
			}
		})
	}
}
