package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// TestFullDiskRefusesWritesKeepsReads plays a full disk with the store's size limit:
// writes answer resource_exhausted and leave nothing half-written (no entry without its
// flag, no flag without its entry), reads go on, and writes resume when space returns.
func TestFullDiskRefusesWritesKeepsReads(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.GRPC)
	p := newPatient(t, c, "Full")
	kept := p.createEntry(t, fever("2026-02-01T08:00:00Z", 38.5))
	ctx := context.Background()
	size, err := env.Store.Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SetSizeLimit(ctx, size); err != nil {
		t.Fatal(err)
	}
	var refused *medjournalv1.Entry
	for i := range 200 { // pages have some slack; soon one write needs a new page
		e := vital(timestamppb.New(time.Date(2026, 2, 2, 0, i, 0, 0, time.UTC)), "body_temperature", 39.0, "Cel")
		e.Comment = fmt.Sprintf("%0500d", i)
		err := p.call(mj.JournalServiceCreateEntryProcedure, &medjournalv1.CreateEntryRequest{Entry: e}, &medjournalv1.CreateEntryResponse{})
		if err != nil {
			apitest.WantCode(t, err, connect.CodeResourceExhausted)
			refused = e
			break
		}
	}
	if refused == nil {
		t.Fatal("no write was refused with the database at its size limit")
	}
	// Nothing of the refused write is there; reads still work.
	err = p.call(mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: refused.Id}, &medjournalv1.GetEntryResponse{})
	apitest.WantCode(t, err, connect.CodeNotFound)
	var got medjournalv1.GetEntryResponse
	p.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: kept.Id}, &got)
	for _, fl := range p.flags(t, &medjournalv1.ListFlagsRequest{}) {
		for _, ev := range fl.EvidenceEntryIds {
			if ev == refused.Id {
				t.Errorf("flag %s holds evidence from a refused write", fl.Id)
			}
		}
	}
	if err := env.Store.CheckIntegrity(ctx); err != nil {
		t.Fatal(err)
	}
	// Space returns: the same write now succeeds.
	if err := env.Store.SetSizeLimit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if e := p.createEntry(t, refused); len(e.FlagIds) == 0 {
		t.Errorf("the retried fever raised no flag")
	}
}
