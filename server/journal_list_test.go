package server_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

func TestListEntriesPagesAndFilters(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Lister")
		base := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		var ids []string // oldest first
		for i := range 23 {
			when := timestamppb.New(base.Add(time.Duration(i) * time.Hour))
			var e *medjournalv1.Entry
			if i%3 == 0 {
				e = symptom(when, "fatigue", medjournalv1.Severity_SEVERITY_MILD)
			} else {
				e = note(when, fmt.Sprintf("note %d", i))
			}
			ids = append(ids, p.createEntry(t, e).Id)
		}
		// Two entries at the same instant are ordered by id, so pages never tie.
		same := timestamppb.New(base.Add(5 * time.Hour))
		ids = append(ids, p.createEntry(t, note(same, "same time")).Id)

		var pages int
		req := &medjournalv1.ListEntriesRequest{PageSize: 5}
		var got []*medjournalv1.Entry
		for {
			var resp medjournalv1.ListEntriesResponse
			p.mustCall(t, mj.JournalServiceListEntriesProcedure, req, &resp)
			pages++
			if len(resp.Entries) > 5 {
				t.Fatalf("page of %d entries, want at most 5", len(resp.Entries))
			}
			got = append(got, resp.Entries...)
			if resp.NextPageToken == "" {
				break
			}
			req.PageToken = resp.NextPageToken
		}
		if len(got) != 24 || pages != 5 {
			t.Fatalf("got %d entries in %d pages, want 24 in 5", len(got), pages)
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1].OccurredTime.AsTime(), got[i].OccurredTime.AsTime()
			if a.Before(b) || (a.Equal(b) && got[i-1].Id < got[i].Id) {
				t.Fatalf("entries %d and %d are not newest first", i-1, i)
			}
		}

		kinds := p.listAll(t, &medjournalv1.ListEntriesRequest{Kinds: []medjournalv1.EntryKind{medjournalv1.EntryKind_ENTRY_KIND_SYMPTOM}, PageSize: 3})
		if len(kinds) != 8 {
			t.Errorf("symptoms only: %d entries, want 8", len(kinds))
		}
		window := p.listAll(t, &medjournalv1.ListEntriesRequest{
			From: timestamppb.New(base.Add(2 * time.Hour)), To: timestamppb.New(base.Add(6 * time.Hour)),
		})
		if len(window) != 5 { // hours 2, 3, 4, 5 and the extra one at 5
			t.Errorf("time window: %d entries, want 5", len(window))
		}

		// A token replayed with other filters is refused.
		var first medjournalv1.ListEntriesResponse
		p.mustCall(t, mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{PageSize: 2}, &first)
		err := p.call(mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{
			PageSize: 2, PageToken: first.NextPageToken, Kinds: []medjournalv1.EntryKind{medjournalv1.EntryKind_ENTRY_KIND_NOTE},
		}, &first)
		apitest.WantInvalidField(t, err, "page_token")
		err = p.call(mj.JournalServiceListEntriesProcedure, &medjournalv1.ListEntriesRequest{PageToken: "garbage"}, &first)
		apitest.WantInvalidField(t, err, "page_token")
	})
}

// TestListEntriesStableUnderConcurrentInserts pages through a journal while another
// client keeps adding entries, newer and older than the page position: every entry that
// existed before paging started is seen exactly once.
func TestListEntriesStableUnderConcurrentInserts(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Busy")
		base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		before := map[string]bool{}
		for i := range 60 {
			before[p.createEntry(t, note(timestamppb.New(base.Add(time.Duration(i)*time.Minute)), "before")).Id] = true
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// Alternate entries newer than everything and older than everything.
				offset := time.Duration(1000+i) * time.Minute
				if i%2 == 1 {
					offset = -offset
				}
				var resp medjournalv1.CreateEntryResponse
				if err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{
					Entry: note(timestamppb.New(base.Add(offset)), "during"),
				}, &resp); err != nil {
					t.Errorf("concurrent insert: %v", err)
					return
				}
			}
		}()
		seen := map[string]int{}
		req := &medjournalv1.ListEntriesRequest{PageSize: 7}
		for {
			var resp medjournalv1.ListEntriesResponse
			p.mustCall(t, mj.JournalServiceListEntriesProcedure, req, &resp)
			for _, e := range resp.Entries {
				seen[e.Id]++
			}
			if resp.NextPageToken == "" {
				break
			}
			req.PageToken = resp.NextPageToken
		}
		close(stop)
		wg.Wait()
		for id, n := range seen {
			if n > 1 {
				t.Errorf("entry %s listed %d times", id, n)
			}
		}
		for id := range before {
			if seen[id] != 1 {
				t.Errorf("entry %s that existed before paging was listed %d times", id, seen[id])
			}
		}
	})
}

// TestGetDayAcrossDaylightSaving checks the local day's bounds on the days clocks change:
// Europe/Berlin and America/New_York, spring (23 hours) and autumn (25 hours).
func TestGetDayAcrossDaylightSaving(t *testing.T) {
	env := apitest.Start(t)
	cases := []struct {
		zone, date  string
		start, end  string // UTC instants of the local midnights
		hoursLength float64
	}{
		{"Europe/Berlin", "2026-03-29", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23},
		{"Europe/Berlin", "2026-10-25", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25},
		{"America/New_York", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 23},
		{"America/New_York", "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 25},
		{"Europe/Berlin", "2026-07-01", "2026-06-30T22:00:00Z", "2026-07-01T22:00:00Z", 24},
	}
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		for _, tc := range cases {
			t.Run(tc.zone+" "+tc.date, func(t *testing.T) {
				var up medjournalv1.SignUpResponse
				if err := c.Call(t.Context(), signUp, "", &medjournalv1.SignUpRequest{
					Email: apitest.UniqueEmail("dst"), Password: apitest.Password, DisplayName: "D", TimeZone: tc.zone,
				}, &up); err != nil {
					t.Fatal(err)
				}
				p := &patient{Client: c, account: up.Account, token: up.Session.Token}
				start, end := at(tc.start).AsTime(), at(tc.end).AsTime()
				ms := time.Millisecond
				inside := []time.Time{start, start.Add(ms), end.Add(-ms)}
				outside := []time.Time{start.Add(-ms), end}
				want := map[string]bool{}
				for _, when := range inside {
					want[p.createEntry(t, note(timestamppb.New(when), "in")).Id] = true
				}
				for _, when := range outside {
					p.createEntry(t, note(timestamppb.New(when), "out"))
				}
				var day medjournalv1.GetDayResponse
				p.mustCall(t, mj.JournalServiceGetDayProcedure, &medjournalv1.GetDayRequest{Date: tc.date}, &day)
				if !day.StartTime.AsTime().Equal(start) || !day.EndTime.AsTime().Equal(end) {
					t.Errorf("day runs %v to %v, want %v to %v", day.StartTime.AsTime(), day.EndTime.AsTime(), start, end)
				}
				if h := end.Sub(start).Hours(); h != tc.hoursLength {
					t.Fatalf("test case is wrong: %v hours", h)
				}
				if len(day.Entries) != len(want) {
					t.Fatalf("day has %d entries, want %d", len(day.Entries), len(want))
				}
				for _, e := range day.Entries {
					if !want[e.Id] {
						t.Errorf("entry at %v does not belong to the day", e.OccurredTime.AsTime())
					}
				}
				if day.TimeZone != tc.zone {
					t.Errorf("time zone = %q", day.TimeZone)
				}
			})
		}
		p := newPatient(t, c, "BadDay")
		for _, bad := range []string{"2026-02-30", "2026-13-01", "yesterday"} {
			err := p.call(mj.JournalServiceGetDayProcedure, &medjournalv1.GetDayRequest{Date: bad}, &medjournalv1.GetDayResponse{})
			apitest.WantInvalidField(t, err, "date")
		}
	})
}
