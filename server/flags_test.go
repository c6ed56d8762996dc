package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

func (p *patient) flags(t *testing.T, req *medjournalv1.ListFlagsRequest) []*medjournalv1.Flag {
	t.Helper()
	var resp medjournalv1.ListFlagsResponse
	p.mustCall(t, mj.FollowUpServiceListFlagsProcedure, req, &resp)
	return resp.Flags
}

func (p *patient) flag(t *testing.T, id string) *medjournalv1.Flag {
	t.Helper()
	var resp medjournalv1.GetFlagResponse
	p.mustCall(t, mj.FollowUpServiceGetFlagProcedure, &medjournalv1.GetFlagRequest{FlagId: id}, &resp)
	return resp.Flag
}

func eventTypes(fl *medjournalv1.Flag) []medjournalv1.FlagEventType {
	var out []medjournalv1.FlagEventType
	for _, e := range fl.GetEvents() {
		out = append(out, e.GetType())
	}
	return out
}

func fever(when string, celsius float64) *medjournalv1.Entry {
	return vital(at(when), "body_temperature", celsius, "Cel")
}

// TestFlagRaisedWithEntryAndDeduplicated: a fever raises one infection flag in the same
// call; a second fever in the same episode joins its evidence instead of opening another.
func TestFlagRaisedWithEntryAndDeduplicated(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Feverish")
		p.addMedication(t, "upadacitinib")
		first := p.createEntry(t, fever("2026-10-01T08:00:00Z", 38.4))
		if len(first.FlagIds) != 1 {
			t.Fatalf("fever entry has flags %v, want one", first.FlagIds)
		}
		fl := p.flag(t, first.FlagIds[0])
		if fl.Category != medjournalv1.Category_CATEGORY_INFECTION || fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_OPEN ||
			fl.Urgency < medjournalv1.Urgency_URGENCY_URGENT || fl.PatientId != p.account.Id {
			t.Fatalf("flag = %v", fl)
		}
		if fl.Source.GetDocument() == "" || fl.PatientAdvice == "" || fl.ClinicianSummary == "" || fl.Title == "" {
			t.Errorf("flag lacks wording or source: %v", fl)
		}
		if !slices.Equal(fl.EvidenceEntryIds, []string{first.Id}) || eventTypes(fl)[0] != medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED {
			t.Errorf("evidence %v, events %v", fl.EvidenceEntryIds, eventTypes(fl))
		}

		second := p.createEntry(t, fever("2026-10-01T20:00:00Z", 38.9))
		if !slices.Contains(second.FlagIds, fl.Id) {
			t.Fatalf("second fever flags %v, want it to join %s", second.FlagIds, fl.Id)
		}
		var infection []*medjournalv1.Flag
		for _, f := range p.flags(t, &medjournalv1.ListFlagsRequest{}) {
			if f.RuleId == fl.RuleId {
				infection = append(infection, f)
			}
		}
		if len(infection) != 1 {
			t.Fatalf("%d flags of rule %s, want one per episode", len(infection), fl.RuleId)
		}
		joined := infection[0]
		if !slices.Equal(joined.EvidenceEntryIds, []string{first.Id, second.Id}) {
			t.Errorf("evidence = %v, want both fevers", joined.EvidenceEntryIds)
		}
		// The second fever cites the first too, already evidence: one event, for the new one.
		var added []string
		for _, ev := range joined.GetEvents() {
			if ev.GetType() == medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_ADDED {
				added = append(added, ev.GetEntryId())
			}
		}
		if !slices.Equal(added, []string{second.Id}) {
			t.Errorf("evidence-added events for %v, want one for the second fever %s (events %v)", added, second.Id, eventTypes(joined))
		}

		// A fever weeks later is a new episode: a new flag.
		later := p.createEntry(t, fever("2026-10-25T08:00:00Z", 38.2))
		if len(later.FlagIds) == 0 || slices.Contains(later.FlagIds, fl.Id) {
			t.Errorf("fever three weeks later flags %v; want a new flag", later.FlagIds)
		}

		// A normal temperature raises nothing.
		if normal := p.createEntry(t, fever("2026-10-02T08:00:00Z", 36.8)); len(normal.FlagIds) != 0 {
			t.Errorf("36.8 °C raised %v", normal.FlagIds)
		}
	})
}

// TestFlagReevaluatedOnEditAndDelete: an edit that removes the warning sign withdraws the
// flag with an event; a flag whose other evidence still holds stays open.
func TestFlagReevaluatedOnEditAndDelete(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Typo")
		typo := p.createEntry(t, fever("2026-10-03T08:00:00Z", 39.0))
		flagID := typo.FlagIds[0]
		var upd medjournalv1.UpdateEntryResponse
		p.mustCall(t, mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
			Entry:      &medjournalv1.Entry{Id: typo.Id, Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 36.9, Unit: "Cel"}}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vital"}},
		}, &upd)
		fl := p.flag(t, flagID)
		if fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN || eventTypes(fl)[len(fl.Events)-1] != medjournalv1.FlagEventType_FLAG_EVENT_TYPE_WITHDRAWN {
			t.Fatalf("after editing the fever away: status %v, events %v", fl.Status, eventTypes(fl))
		}
		if len(p.flags(t, &medjournalv1.ListFlagsRequest{})) != 0 {
			t.Errorf("a withdrawn flag is still listed as open")
		}
		withdrawn := p.flags(t, &medjournalv1.ListFlagsRequest{Statuses: []medjournalv1.FlagStatus{medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN}})
		if len(withdrawn) != 1 {
			t.Errorf("withdrawn flags = %d, want the one kept", len(withdrawn))
		}

		// Two fevers, one deleted: the flag stays, its evidence shrinks.
		a := p.createEntry(t, fever("2026-10-10T08:00:00Z", 38.5))
		b := p.createEntry(t, fever("2026-10-10T18:00:00Z", 38.7))
		flagID = a.FlagIds[0]
		p.mustCall(t, mj.JournalServiceDeleteEntryProcedure, &medjournalv1.DeleteEntryRequest{Id: a.Id}, &medjournalv1.DeleteEntryResponse{})
		fl = p.flag(t, flagID)
		if fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_OPEN || !slices.Equal(fl.EvidenceEntryIds, []string{b.Id}) {
			t.Fatalf("after deleting one of two fevers: status %v, evidence %v", fl.Status, fl.EvidenceEntryIds)
		}
		if !slices.Contains(eventTypes(fl), medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_REMOVED) {
			t.Errorf("events = %v, want EVIDENCE_REMOVED", eventTypes(fl))
		}
		p.mustCall(t, mj.JournalServiceDeleteEntryProcedure, &medjournalv1.DeleteEntryRequest{Id: b.Id}, &medjournalv1.DeleteEntryResponse{})
		if fl = p.flag(t, flagID); fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN {
			t.Fatalf("after deleting all evidence: status %v", fl.Status)
		}
		// Deleting through Sync re-evaluates as well.
		s := p.createEntry(t, fever("2026-10-12T08:00:00Z", 38.5))
		p.sync(t, &medjournalv1.SyncRequest{Deletes: []string{s.Id}})
		if fl = p.flag(t, s.FlagIds[0]); fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN {
			t.Fatalf("after deleting through Sync: status %v", fl.Status)
		}
	})
}

// TestEvidenceRelinkedAfterWithdrawal: an entry edited out of a flag's evidence and then
// back into a warning sign is linked again. The writer remembers which entries a flag
// already cites, and must forget that when evidence is taken away.
func TestEvidenceRelinkedAfterWithdrawal(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Relapse")
		a := p.createEntry(t, fever("2026-10-10T08:00:00Z", 38.5))
		b := p.createEntry(t, fever("2026-10-10T18:00:00Z", 38.7))
		flagID := a.FlagIds[0]
		setTemperature := func(celsius float64) {
			p.mustCall(t, mj.JournalServiceUpdateEntryProcedure, &medjournalv1.UpdateEntryRequest{
				Entry:      &medjournalv1.Entry{Id: a.Id, Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: celsius, Unit: "Cel"}}},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vital"}},
			}, &medjournalv1.UpdateEntryResponse{})
		}
		setTemperature(36.9)
		if fl := p.flag(t, flagID); !slices.Equal(fl.EvidenceEntryIds, []string{b.Id}) {
			t.Fatalf("after editing the first fever away: evidence %v, want only %s", fl.EvidenceEntryIds, b.Id)
		}
		setTemperature(38.6)
		fl := p.flag(t, flagID)
		if fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_OPEN || !slices.Equal(fl.EvidenceEntryIds, []string{a.Id, b.Id}) {
			t.Fatalf("after editing it back to a fever: status %v, evidence %v, want both fevers", fl.Status, fl.EvidenceEntryIds)
		}
		// Once more, now that the cache has seen both again: a third fever adds itself only.
		third := p.createEntry(t, fever("2026-10-11T06:00:00Z", 38.8))
		if fl = p.flag(t, flagID); !slices.Contains(third.FlagIds, flagID) || !slices.Equal(fl.EvidenceEntryIds, []string{a.Id, b.Id, third.Id}) {
			t.Fatalf("a third fever: flags %v, evidence %v", third.FlagIds, fl.EvidenceEntryIds)
		}
	})
}

// TestFollowUpActions: only a clinician of the patient works a flag; resolving and
// dismissing need a note; every change is in the history.
func TestFollowUpActions(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Followed")
		clin := newClinician(t, c, "DrFollow")
		stranger := newClinician(t, c, "DrStranger")
		grant(t, p, clin)
		flagID := p.createEntry(t, fever("2026-10-05T08:00:00Z", 38.8)).FlagIds[0]

		ack := &medjournalv1.AcknowledgeFlagRequest{FlagId: flagID, Note: "calling the patient"}
		apitest.WantCode(t, p.call(mj.FollowUpServiceAcknowledgeFlagProcedure, ack, &medjournalv1.AcknowledgeFlagResponse{}), connect.CodePermissionDenied)
		apitest.WantCode(t, stranger.call(mj.FollowUpServiceAcknowledgeFlagProcedure, ack, &medjournalv1.AcknowledgeFlagResponse{}), connect.CodeNotFound)
		apitest.WantCode(t, stranger.call(mj.FollowUpServiceGetFlagProcedure, &medjournalv1.GetFlagRequest{FlagId: flagID}, &medjournalv1.GetFlagResponse{}), connect.CodeNotFound)

		var acked medjournalv1.AcknowledgeFlagResponse
		clin.mustCall(t, mj.FollowUpServiceAcknowledgeFlagProcedure, ack, &acked)
		if acked.Flag.Status != medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED {
			t.Fatalf("status = %v", acked.Flag.Status)
		}
		var noted medjournalv1.AddFlagNoteResponse
		p.mustCall(t, mj.FollowUpServiceAddFlagNoteProcedure, &medjournalv1.AddFlagNoteRequest{FlagId: flagID, Text: "took paracetamol, feeling better"}, &noted)

		err := clin.call(mj.FollowUpServiceResolveFlagProcedure, &medjournalv1.ResolveFlagRequest{FlagId: flagID}, &medjournalv1.ResolveFlagResponse{})
		apitest.WantInvalidField(t, err, "note")
		err = clin.call(mj.FollowUpServiceDismissFlagProcedure, &medjournalv1.DismissFlagRequest{FlagId: flagID}, &medjournalv1.DismissFlagResponse{})
		apitest.WantInvalidField(t, err, "note")
		var resolved medjournalv1.ResolveFlagResponse
		clin.mustCall(t, mj.FollowUpServiceResolveFlagProcedure, &medjournalv1.ResolveFlagRequest{FlagId: flagID, Note: "viral infection, no antibiotics needed"}, &resolved)
		fl := resolved.Flag
		want := []medjournalv1.FlagEventType{
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED,
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED,
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_NOTE_ADDED,
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED,
		}
		if fl.Status != medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED || !slices.Equal(eventTypes(fl), want) {
			t.Fatalf("status %v, events %v, want %v", fl.Status, eventTypes(fl), want)
		}
		if ev := fl.Events[1]; ev.ActorId != clin.account.Id || ev.Note != "calling the patient" || ev.ActorDisplayName != clin.account.DisplayName {
			t.Errorf("acknowledge event = %v", ev)
		}
		if ev := fl.Events[2]; ev.ActorId != p.account.Id {
			t.Errorf("note event actor = %q, want the patient", ev.ActorId)
		}
		err = clin.call(mj.FollowUpServiceAcknowledgeFlagProcedure, ack, &medjournalv1.AcknowledgeFlagResponse{})
		apitest.WantCode(t, err, connect.CodeFailedPrecondition)
	})
}

// TestTriageQueue: a clinician without patient_id gets every patient's flags, most urgent
// first, then oldest first; patients of other clinicians are not in it.
func TestTriageQueue(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.GRPC)
	clin := newClinician(t, c, "DrQueue")
	a, b, notMine := newPatient(t, c, "QueueA"), newPatient(t, c, "QueueB"), newPatient(t, c, "NotMine")
	grant(t, a, clin)
	grant(t, b, clin)
	a.createEntry(t, fever("2026-10-06T08:00:00Z", 38.3))
	env.Clock.Advance(time.Minute)
	b.createEntry(t, fever("2026-10-06T09:00:00Z", 38.3))
	env.Clock.Advance(time.Minute)
	notMine.createEntry(t, fever("2026-10-06T09:00:00Z", 38.3))
	// A stroke sign is the most urgent, so it goes first although it came last.
	env.Clock.Advance(time.Minute)
	b.createEntry(t, symptom(at("2026-10-06T10:00:00Z"), "face_drooping", medjournalv1.Severity_SEVERITY_MODERATE))

	queue := clin.flags(t, &medjournalv1.ListFlagsRequest{})
	if len(queue) < 3 {
		t.Fatalf("queue has %d flags, want at least 3", len(queue))
	}
	if queue[0].Urgency != medjournalv1.Urgency_URGENCY_EMERGENCY || queue[0].PatientId != b.account.Id {
		t.Errorf("first in queue = %v, want b's emergency", queue[0])
	}
	for i := 1; i < len(queue); i++ {
		prev, cur := queue[i-1], queue[i]
		if prev.Urgency < cur.Urgency || (prev.Urgency == cur.Urgency && prev.CreateTime.AsTime().After(cur.CreateTime.AsTime())) {
			t.Errorf("queue not in triage order at %d", i)
		}
		if cur.PatientId == notMine.account.Id {
			t.Errorf("queue holds a flag of a patient who did not grant access")
		}
	}
	// Pages of one continue in order.
	var paged []*medjournalv1.Flag
	req := &medjournalv1.ListFlagsRequest{PageSize: 1}
	for {
		var resp medjournalv1.ListFlagsResponse
		clin.mustCall(t, mj.FollowUpServiceListFlagsProcedure, req, &resp)
		paged = append(paged, resp.Flags...)
		if resp.NextPageToken == "" {
			break
		}
		req.PageToken = resp.NextPageToken
	}
	if len(paged) != len(queue) || !proto.Equal(paged[0], queue[0]) {
		t.Errorf("paged queue has %d flags, want %d", len(paged), len(queue))
	}
	emergencies := clin.flags(t, &medjournalv1.ListFlagsRequest{MinUrgency: medjournalv1.Urgency_URGENCY_EMERGENCY})
	for _, f := range emergencies {
		if f.Urgency != medjournalv1.Urgency_URGENCY_EMERGENCY {
			t.Errorf("min_urgency filter let through %v", f.Urgency)
		}
	}
	// A patient sees only their own flags.
	for _, f := range a.flags(t, &medjournalv1.ListFlagsRequest{}) {
		if f.PatientId != a.account.Id {
			t.Errorf("patient a sees a flag of %s", f.PatientId)
		}
	}
	err := a.call(mj.FollowUpServiceListFlagsProcedure, &medjournalv1.ListFlagsRequest{PatientId: b.account.Id}, &medjournalv1.ListFlagsResponse{})
	apitest.WantCode(t, err, connect.CodePermissionDenied)
}

// TestWatchFlagsDeliversNewFlag: a clinician watching flags receives the flag a patient's
// entry raises, over both protocols; after the patient revokes access, nothing more.
func TestWatchFlagsDeliversNewFlag(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Watched")
		clin := newClinician(t, c, "DrWatch")
		grant(t, p, clin)
		open := p.createEntry(t, fever("2026-10-07T08:00:00Z", 38.5)).FlagIds[0]

		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msgs := make(chan *medjournalv1.WatchFlagsResponse, 16)
		done := make(chan error, 1)
		go func() {
			done <- clin.Stream(ctx, mj.FollowUpServiceWatchFlagsProcedure, clin.token, &medjournalv1.WatchFlagsRequest{},
				func() proto.Message { return &medjournalv1.WatchFlagsResponse{} },
				func(m proto.Message) bool { msgs <- m.(*medjournalv1.WatchFlagsResponse); return true })
		}()
		next := func() *medjournalv1.WatchFlagsResponse {
			select {
			case m := <-msgs:
				return m
			case err := <-done:
				t.Fatalf("watch ended: %v", err)
			case <-ctx.Done():
				t.Fatal("no message within 30s")
			}
			return nil
		}
		// The opening list holds the flag already open, then caught_up.
		if m := next(); m.Flag.GetId() != open {
			t.Fatalf("first message = %v, want the open flag", m)
		}
		if m := next(); !m.CaughtUp {
			t.Fatalf("second message = %v, want caught_up", m)
		}
		// A fever weeks later opens a new flag: it arrives live.
		raised := p.createEntry(t, fever("2026-10-28T09:00:00Z", 38.6))
		m := next()
		if !slices.Contains(raised.FlagIds, m.Flag.GetId()) || m.Flag.GetId() == open ||
			m.Event.GetType() != medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED {
			t.Fatalf("live message = %v, want the new flag %v raised", m, raised.FlagIds)
		}
		// A change to a flag arrives too: the patient's note.
		p.mustCall(t, mj.FollowUpServiceAddFlagNoteProcedure, &medjournalv1.AddFlagNoteRequest{FlagId: open, Text: "better today"}, &medjournalv1.AddFlagNoteResponse{})
		if m := next(); m.Flag.GetId() != open || m.Event.GetType() != medjournalv1.FlagEventType_FLAG_EVENT_TYPE_NOTE_ADDED {
			t.Fatalf("live message = %v, want the note on %s", m, open)
		}

		p.mustCall(t, mj.CareTeamServiceRevokeAccessProcedure, &medjournalv1.RevokeAccessRequest{ClinicianId: clin.account.Id}, &medjournalv1.RevokeAccessResponse{})
		p.createEntry(t, fever("2026-11-15T10:00:00Z", 39.1))
		select {
		case m := <-msgs:
			t.Fatalf("after revoke the clinician received %v", m)
		case <-time.After(500 * time.Millisecond):
		}
		cancel()
		<-done
		// The watching was recorded in the patient's trail, once per patient and stream
		// rather than per flag delivered.
		watched := 0
		for _, ev := range p.auditEvents(t, &medjournalv1.ListAuditEventsRequest{}) {
			if ev.Method == mj.FollowUpServiceWatchFlagsProcedure && ev.ActorId == clin.account.Id {
				watched++
			}
		}
		if watched != 1 {
			t.Errorf("%d WatchFlags audit events, want 1 for the stream", watched)
		}
	})
}

// TestFlagEscalates: a later matching entry joins the open flag and raises its urgency,
// with an ESCALATED event and advice for the new urgency.
func TestFlagEscalates(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Worsening")
		first := p.createEntry(t, fever("2026-09-10T08:00:00Z", 38.4))
		fl := p.flag(t, first.FlagIds[0])
		if fl.Urgency != medjournalv1.Urgency_URGENCY_URGENT {
			t.Fatalf("fever alone is %v, want urgent", fl.Urgency)
		}
		worse := p.createEntry(t, symptom(at("2026-09-10T12:00:00Z"), "shortness_of_breath", medjournalv1.Severity_SEVERITY_MODERATE))
		if !slices.Contains(worse.FlagIds, fl.Id) {
			t.Fatalf("breathlessness after a fever flags %v, want it to join %s", worse.FlagIds, fl.Id)
		}
		fl = p.flag(t, fl.Id)
		if fl.Urgency != medjournalv1.Urgency_URGENCY_EMERGENCY || !slices.Contains(eventTypes(fl), medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ESCALATED) {
			t.Fatalf("after breathlessness: urgency %v, events %v; want emergency, escalated", fl.Urgency, eventTypes(fl))
		}
		if !strings.Contains(strings.ToLower(fl.PatientAdvice), "emergency") {
			t.Errorf("escalated advice %q does not say to seek emergency care", fl.PatientAdvice)
		}
	})
}

func TestListRulesPublishesSources(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		var resp medjournalv1.ListRulesResponse
		if err := c.Call(context.Background(), mj.CatalogServiceListRulesProcedure, "", &medjournalv1.ListRulesRequest{}, &resp); err != nil {
			t.Fatal(err)
		}
		categories := map[medjournalv1.Category]bool{}
		for _, r := range resp.Rules {
			categories[r.Category] = true
			if r.Source.GetDocument() == "" || r.Condition == "" || r.PatientAdvice == "" {
				t.Errorf("rule %s is published without source, condition or advice", r.Id)
			}
		}
		if len(resp.Rules) < 40 || len(categories) < 12 {
			t.Errorf("%d rules over %d categories", len(resp.Rules), len(categories))
		}
	})
}

// TestDoubleDoseFlaggedRecentOrBackDated: a second dose of once-daily upadacitinib on one
// day raises the double-dose flag, whether the day is this week (evaluated from the
// patient's cached journal), two months back (read for that dose alone, within the rule's
// own day), or two months back with an entry of today logged between the day's doses (the
// journal cached for today's entry is extended back to the second dose's day, reading the
// first dose from SQLite); a dose on the next day raises nothing.
func TestDoubleDoseFlaggedRecentOrBackDated(t *testing.T) {
	env := apitest.Start(t)
	now := env.Clock.Now()
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		for _, tc := range []struct {
			name   string
			day    time.Time
			active bool // the patient logs an entry of today after the first dose, so a journal is cached
		}{
			{"recent", now.AddDate(0, 0, -2), false},
			{"back-dated", now.AddDate(0, -2, 0), false},
			{"back-filled", now.AddDate(0, -2, 0), true},
		} {
			name, day := tc.name, tc.day
			t.Run(name, func(t *testing.T) {
				p := newPatient(t, c, "Double"+strings.ReplaceAll(name, "-", ""))
				med := p.addMedication(t, "upadacitinib")
				morning := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, time.UTC)
				doubleDoseFlags := func(e *medjournalv1.Entry) int {
					n := 0
					for _, id := range e.GetFlagIds() {
						if p.flag(t, id).GetRuleId() == "other.double_dose" {
							n++
						}
					}
					return n
				}
				taken := func(at time.Time) *medjournalv1.Entry {
					return p.createEntry(t, dose(timestamppb.New(at), med.Id, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN))
				}
				if n := doubleDoseFlags(taken(morning)); n != 0 {
					t.Fatalf("the day's first dose raised %d double-dose flags", n)
				}
				if tc.active {
					p.createEntry(t, symptom(timestamppb.New(now.Add(-time.Hour)), "headache", medjournalv1.Severity_SEVERITY_MILD))
				}
				if n := doubleDoseFlags(taken(morning.Add(8 * time.Hour))); n != 1 {
					t.Fatalf("the day's second dose raised %d double-dose flags, want 1", n)
				}
				if n := doubleDoseFlags(taken(morning.Add(24 * time.Hour))); n != 0 {
					t.Errorf("the next day's dose raised %d double-dose flags", n)
				}
			})
		}
	})
}
