package loadtest

import (
	"testing"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// TestFullPageError: a sampled ListEntries answer counts as an error unless it is a full
// page, since every load-test patient starts with more entries than a page holds.
func TestFullPageError(t *testing.T) {
	page := func(n int) *medjournalv1.ListEntriesResponse {
		resp := &medjournalv1.ListEntriesResponse{}
		for range n {
			resp.Entries = append(resp.Entries, &medjournalv1.Entry{})
		}
		return resp
	}
	if err := fullPageError(page(listPageSize)); err != nil {
		t.Errorf("a full page: %v", err)
	}
	for _, n := range []int{0, 1, listPageSize - 1, listPageSize + 1} {
		if err := fullPageError(page(n)); connect.CodeOf(err) != connect.CodeDataLoss {
			t.Errorf("a page of %d entries: err = %v, want data_loss", n, err)
		}
	}
	if setupEntriesPerPatient <= listPageSize {
		t.Errorf("patients start with %d entries, not more than a page of %d", setupEntriesPerPatient, listPageSize)
	}
}
