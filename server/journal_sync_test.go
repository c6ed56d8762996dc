package server_test

import (
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

func (p *patient) sync(t *testing.T, req *medjournalv1.SyncRequest) *medjournalv1.SyncResponse {
	t.Helper()
	var resp medjournalv1.SyncResponse
	p.mustCall(t, mj.JournalServiceSyncProcedure, req, &resp)
	return &resp
}

func ids(es []*medjournalv1.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Id)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestSyncReplayAndDeletions: a phone's batch applied twice leaves one copy of each entry,
// and a second device learns of every change and deletion.
func TestSyncReplayAndDeletions(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Phone")
		online := p.createEntry(t, note(at("2026-07-01T08:00:00Z"), "made online"))

		// Device A comes back online with a week of entries and one deletion.
		var batch []*medjournalv1.Entry
		for i := range 7 {
			batch = append(batch, symptom(timestamppb.New(time.Date(2026, 7, 2+i, 9, 0, 0, 0, time.UTC)), "joint_pain", medjournalv1.Severity_SEVERITY_MILD))
		}
		req := &medjournalv1.SyncRequest{Upserts: batch, Deletes: []string{online.Id}}
		first := p.sync(t, req)
		if got, want := ids(first.Changes), ids(batch); !slices.Equal(got, want) {
			t.Errorf("first sync changes = %v, want the 7 upserts", got)
		}
		if !slices.Equal(first.DeletedIds, []string{online.Id}) {
			t.Errorf("deleted ids = %v, want %v", first.DeletedIds, online.Id)
		}

		// The answer was lost; the phone sends the same request again.
		replay := p.sync(t, req)
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 7 {
			t.Fatalf("after a replay the journal has %d entries, want 7", n)
		}
		if len(replay.Changes) != 7 || len(replay.DeletedIds) != 1 {
			t.Errorf("replay from the old cursor = %d changes, %v deleted", len(replay.Changes), replay.DeletedIds)
		}
		// From the new cursor nothing has changed.
		again := p.sync(t, &medjournalv1.SyncRequest{Cursor: first.Cursor, Upserts: batch, Deletes: []string{online.Id}})
		if len(again.Changes) != 0 || len(again.DeletedIds) != 0 {
			t.Errorf("identical batch from the new cursor reported changes: %v %v", again.Changes, again.DeletedIds)
		}

		// Device B syncs from scratch and sees the journal, deletion included.
		b := p.sync(t, &medjournalv1.SyncRequest{})
		if got := ids(b.Changes); !slices.Equal(got, ids(batch)) {
			t.Errorf("device B sees %v", got)
		}
		if !slices.Contains(b.DeletedIds, online.Id) {
			t.Errorf("device B does not learn of the deletion: %v", b.DeletedIds)
		}

		// B edits one entry and deletes another; A hears of both.
		edited := proto.Clone(batch[0]).(*medjournalv1.Entry)
		edited.GetSymptom().Severity = medjournalv1.Severity_SEVERITY_SEVERE
		p.sync(t, &medjournalv1.SyncRequest{Cursor: b.Cursor, Upserts: []*medjournalv1.Entry{edited}, Deletes: []string{batch[1].Id}})
		a := p.sync(t, &medjournalv1.SyncRequest{Cursor: again.Cursor})
		if len(a.Changes) != 1 || a.Changes[0].GetSymptom().Severity != medjournalv1.Severity_SEVERITY_SEVERE {
			t.Errorf("device A sees changes %v", a.Changes)
		}
		if !slices.Equal(a.DeletedIds, []string{batch[1].Id}) {
			t.Errorf("device A sees deletions %v", a.DeletedIds)
		}

		// A late upsert of the deleted entry does not bring it back.
		p.sync(t, &medjournalv1.SyncRequest{Cursor: a.Cursor, Upserts: []*medjournalv1.Entry{batch[1]}})
		err := p.call(mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: batch[1].Id}, &medjournalv1.GetEntryResponse{})
		apitest.WantCode(t, err, connect.CodeNotFound)
	})
}

func TestSyncIsAllOrNothing(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Atomic")
		good := note(at("2026-07-10T08:00:00Z"), "fine")
		bad := vital(at("2026-07-10T09:00:00Z"), "body_temperature", 3, "Cel")
		err := p.call(mj.JournalServiceSyncProcedure, &medjournalv1.SyncRequest{
			Upserts: []*medjournalv1.Entry{good, good, bad},
		}, &medjournalv1.SyncResponse{})
		apitest.WantInvalidField(t, err, "upserts[2].vital.value")
		noID := note(at("2026-07-10T08:00:00Z"), "no id")
		noID.Id = ""
		err = p.call(mj.JournalServiceSyncProcedure, &medjournalv1.SyncRequest{Upserts: []*medjournalv1.Entry{noID}}, &medjournalv1.SyncResponse{})
		apitest.WantCode(t, err, connect.CodeInvalidArgument)
		err = p.call(mj.JournalServiceSyncProcedure, &medjournalv1.SyncRequest{Cursor: "not-a-cursor"}, &medjournalv1.SyncResponse{})
		apitest.WantInvalidField(t, err, "cursor")
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 0 {
			t.Fatalf("a refused batch wrote %d entries", n)
		}
		// Another patient's entry id in a batch is refused and the batch writes nothing.
		q := newPatient(t, c, "Other")
		theirs := q.createEntry(t, note(at("2026-07-10T08:00:00Z"), "private"))
		stolen := note(at("2026-07-11T08:00:00Z"), "mine?")
		stolen.Id = theirs.Id
		err = p.call(mj.JournalServiceSyncProcedure, &medjournalv1.SyncRequest{
			Upserts: []*medjournalv1.Entry{good, stolen},
		}, &medjournalv1.SyncResponse{})
		apitest.WantCode(t, err, connect.CodeAlreadyExists)
		if n := len(p.listAll(t, &medjournalv1.ListEntriesRequest{})); n != 0 {
			t.Fatalf("a refused batch wrote %d entries", n)
		}
		// Deleting someone else's entry through Sync does nothing to it.
		p.sync(t, &medjournalv1.SyncRequest{Deletes: []string{theirs.Id, uuid.NewString()}})
		var got medjournalv1.GetEntryResponse
		q.mustCall(t, mj.JournalServiceGetEntryProcedure, &medjournalv1.GetEntryRequest{Id: theirs.Id}, &got)
	})
}

func TestSyncPagesLargeChangeSets(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.GRPC)
	p := newPatient(t, c, "Month")
	var all []string
	for chunk := range 3 { // a month of entries, in the biggest batches a phone may send
		var batch []*medjournalv1.Entry
		for i := range 250 {
			batch = append(batch, note(timestamppb.New(time.Date(2026, 8, 1, 0, chunk*250+i, 0, 0, time.UTC)), "entry"))
		}
		p.sync(t, &medjournalv1.SyncRequest{Upserts: batch})
		for _, e := range batch {
			all = append(all, e.Id)
		}
	}
	var got []string
	cursor, calls := "", 0
	for {
		resp := p.sync(t, &medjournalv1.SyncRequest{Cursor: cursor})
		calls++
		got = append(got, ids(resp.Changes)...)
		cursor = resp.Cursor
		if !resp.HasMore {
			break
		}
	}
	if !slices.Equal(sorted(got), sorted(all)) || calls != 2 {
		t.Fatalf("paged sync returned %d entries in %d calls, want 750 in 2", len(got), calls)
	}
}
