package flagging_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// feverRule stands in for a rule whose evidence reaches back: a temperature of 38 °C or
// more raises a flag with every fever in the window as evidence, so a new entry changes
// the flag ids of entries written before it.
func feverRule(in rules.Input) ([]rules.Finding, error) {
	if in.Trigger.GetVital().GetCanonicalValue() < 38 {
		return nil, nil
	}
	evidence := []string{in.Trigger.GetId()}
	for _, e := range in.Recent {
		if e.GetId() != in.Trigger.GetId() && e.GetVital().GetCanonicalValue() >= 38 {
			evidence = append(evidence, e.GetId())
		}
	}
	return []rules.Finding{{Rule: &medjournalv1.Rule{Id: "test.fever", Category: medjournalv1.Category_CATEGORY_INFECTION,
		Urgency: medjournalv1.Urgency_URGENCY_URGENT, Episode: durationpb.New(time.Hour), Source: &medjournalv1.Source{Document: "test"}},
		Urgency: medjournalv1.Urgency_URGENCY_URGENT, Evidence: evidence}}, nil
}

// TestFirstPageMatchesSQLAfterEveryWrite: through creates, edits, deletes, sync batches and
// flags raised and withdrawn (which change the flag ids of older entries), the first page
// ListEntries serves, from the store's page cache or not, is exactly the page SQLite
// holds, as a store without the cache reads it from the same file.
func TestFirstPageMatchesSQLAfterEveryWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pages.db")
	s, err := store.Open(ctx, path, store.WithCacheChecks())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	uncached, err := store.Open(ctx, path, store.WithoutPageCache())
	if err != nil {
		t.Fatal(err)
	}
	defer uncached.Close()
	svc := flagging.New(s, &flagging.Evaluator{Window: 24 * time.Hour, LabLookback: time.Hour, Evaluate: feverRule}, flagging.Config{})
	var patients []string
	for i := range 2 {
		p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("page%d@example.com", i),
			DisplayName: "P", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			t.Fatal(err)
		}
		patients = append(patients, p.Id)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var written []*medjournalv1.Entry // the first patient's entries, to edit and delete
	temperature := func(c float64) *medjournalv1.Entry_Vital {
		return &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: c, Unit: "Cel",
			CanonicalValue: c, CanonicalUnit: "Cel"}}
	}
	const limit = 8
	hits, flagged := 0, 0
	for i := range 120 {
		patient := patients[0]
		if i%6 == 5 {
			patient = patients[1] // another patient's writes must not disturb this one's page
		}
		e := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.New(base.Add(time.Duration(i*20+rng.IntN(60)) * time.Minute)),
			Kind: temperature(36.5 + float64(rng.IntN(30))/10)}
		var step string
		switch {
		case i%9 == 4 && len(written) > 0: // an edit: a fever becomes normal, its flag evidence goes
			target := written[rng.IntN(len(written))]
			step = "edit " + target.Id
			if _, err = svc.UpdateEntry(ctx, patients[0], target.Id, func(stored *medjournalv1.Entry) error {
				stored.Kind = temperature(36.6)
				stored.Comment = fmt.Sprint("edited at step ", i)
				return nil
			}); err != nil && !errors.Is(err, storage.ErrNotFound) { // deleted at an earlier step
				t.Fatal(err)
			}
		case i%11 == 7 && len(written) > 0:
			target := written[rng.IntN(len(written))]
			step = "delete " + target.Id
			if _, err = svc.DeleteEntry(ctx, patients[0], target.Id); err != nil && !errors.Is(err, storage.ErrNotFound) {
				t.Fatal(err)
			}
		case i%13 == 12:
			step = "sync"
			if _, err = svc.Sync(ctx, flagging.SyncBatch{PatientID: patient, Upserts: []*medjournalv1.Entry{e}, Limit: 1}); err != nil {
				t.Fatal(err)
			}
		default:
			step = "create"
			if _, _, err = svc.CreateEntry(ctx, patient, e); err != nil {
				t.Fatal(err)
			}
		}
		if patient == patients[0] && (step == "create" || step == "sync") {
			written = append(written, e)
		}
		for _, p := range patients {
			var previous []*medjournalv1.Entry
			for read := range 2 { // the second read of an unchanged journal is served from the cache
				served, err := s.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				stored, err := uncached.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				if len(served) != len(stored) {
					t.Fatalf("step %d (%s), read %d: first page has %d entries, SQLite %d", i, step, read, len(served), len(stored))
				}
				for j := range served {
					if !proto.Equal(served[j], stored[j]) {
						t.Fatalf("step %d (%s), read %d, entry %d:\n served %v\n stored %v", i, step, read, j, served[j], stored[j])
					}
					if len(served[j].GetFlagIds()) > 0 {
						flagged++
					}
				}
				// A page served from the cache is the cached page's own entries, shared
				// with the read that cached it.
				if read == 1 && len(served) > 0 && len(previous) > 0 && served[0] == previous[0] {
					hits++
				}
				previous = served
			}
		}
	}
	if hits == 0 {
		t.Error("the first page was never served from the cache: the test compared SQLite with itself")
	}
	if flagged == 0 {
		t.Error("no entry on a first page carried a flag: the test never saw flags change a page")
	}
}
