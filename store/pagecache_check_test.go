package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// The first page's entries are shared by every request that reads it. A caller that
// changes one would have every later request answered with its change; with checks on
// (as in every API test) the next read of the page fails instead, naming the entry.
func TestCachedPageRefusesAChangedEntry(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "check.db"), store.WithCacheChecks())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreateAccount(ctx, &medjournalv1.Account{Email: "c@example.com", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
	if err != nil {
		t.Fatal(err)
	}
	err = st.WriteJournal(ctx, false, func(tx storage.JournalTx) error {
		_, _, err := tx.InsertEntry(ctx, p.Id, &medjournalv1.Entry{Id: "00000000-0000-4000-8000-000000000001",
			OccurredTime: timestamppb.New(time.Now()), Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "as logged"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	first := storage.EntryFilter{PatientID: p.Id, Limit: 50}
	page, err := st.ListEntries(ctx, first)
	if err != nil || len(page) != 1 {
		t.Fatalf("first read: %v, %d entries", err, len(page))
	}
	if again, err := st.ListEntries(ctx, first); err != nil || again[0] != page[0] {
		t.Fatalf("second read is not served from the cache: %v", err)
	}
	page[0].GetNote().Text = "changed by a careless caller"
	if _, err := st.ListEntries(ctx, first); err == nil || !strings.Contains(err.Error(), "must not be modified") {
		t.Fatalf("read after the change: %v, want an error saying shared entries must not be modified", err)
	}
}
