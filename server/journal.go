package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/storage"
)

// journalService implements medjournal.v1.JournalService: medications and entries.
type journalService struct{ *Server }

// medicationFields and entryFields are what an empty update mask means (AIP-134).
var (
	medicationFields = []string{"drug_code", "display_name", "dose_amount", "dose_unit", "route", "schedule", "start_date", "end_date"}
	entryFields      = []string{"occurred_time", "comment", "dose", "symptom", "vital", "lab", "note"}
)

func (s *journalService) CreateMedication(ctx context.Context, req *medjournalv1.CreateMedicationRequest) (*medjournalv1.CreateMedicationResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	m := req.GetMedication()
	if err := s.fieldError(journal.NormalizeMedication(s.catalog, m, "medication")); err != nil {
		return nil, err
	}
	out, err := s.store.CreateMedication(ctx, patientID, m)
	if err != nil {
		return nil, s.toConnectError(ctx, "create medication", err)
	}
	return &medjournalv1.CreateMedicationResponse{Medication: out}, nil
}

func (s *journalService) GetMedication(ctx context.Context, req *medjournalv1.GetMedicationRequest) (*medjournalv1.GetMedicationResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), readAccess)
	if err != nil {
		return nil, err
	}
	m, err := s.store.Medication(ctx, patientID, req.GetId())
	if err != nil {
		return nil, s.toConnectError(ctx, "get medication", err)
	}
	return &medjournalv1.GetMedicationResponse{Medication: m}, nil
}

func (s *journalService) ListMedications(ctx context.Context, req *medjournalv1.ListMedicationsRequest) (*medjournalv1.ListMedicationsResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), readAccess)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.ListMedications(ctx, patientID)
	if err != nil {
		return nil, s.toConnectError(ctx, "list medications", err)
	}
	return &medjournalv1.ListMedicationsResponse{Medications: ms}, nil
}

func (s *journalService) UpdateMedication(ctx context.Context, req *medjournalv1.UpdateMedicationRequest) (*medjournalv1.UpdateMedicationResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	paths := maskOrAll(req.GetUpdateMask().GetPaths(), medicationFields)
	out, err := s.store.UpdateMedication(ctx, patientID, req.GetMedication().GetId(), func(m *medjournalv1.Medication) error {
		applyMask(m, req.GetMedication(), paths)
		if err := s.validateMerged("medication", m); err != nil {
			return err
		}
		return s.fieldError(journal.NormalizeMedication(s.catalog, m, "medication"))
	})
	if err != nil {
		return nil, s.toConnectError(ctx, "update medication", err)
	}
	return &medjournalv1.UpdateMedicationResponse{Medication: out}, nil
}

func (s *journalService) DeleteMedication(ctx context.Context, req *medjournalv1.DeleteMedicationRequest) (*medjournalv1.DeleteMedicationResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	m, err := s.store.DeleteMedication(ctx, patientID, req.GetId())
	if err != nil {
		return nil, s.toConnectError(ctx, "delete medication", err)
	}
	return &medjournalv1.DeleteMedicationResponse{Medication: m}, nil
}

func (s *journalService) CreateEntry(ctx context.Context, req *medjournalv1.CreateEntryRequest) (*medjournalv1.CreateEntryResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	e := proto.Clone(req.GetEntry()).(*medjournalv1.Entry)
	if err := s.checkEntry(e, "entry", nil); err != nil {
		return nil, err
	}
	out, _, err := s.flags.CreateEntry(ctx, patientID, e)
	if err != nil {
		return nil, s.entryWriteError(ctx, "create entry", "entry", e, err)
	}
	return &medjournalv1.CreateEntryResponse{Entry: out}, nil
}

func (s *journalService) GetEntry(ctx context.Context, req *medjournalv1.GetEntryRequest) (*medjournalv1.GetEntryResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), readAccess)
	if err != nil {
		return nil, err
	}
	e, err := s.store.Entry(ctx, patientID, req.GetId())
	if err != nil {
		return nil, s.toConnectError(ctx, "get entry", err)
	}
	return &medjournalv1.GetEntryResponse{Entry: e}, nil
}

func (s *journalService) ListEntries(ctx context.Context, req *medjournalv1.ListEntriesRequest) (*medjournalv1.ListEntriesResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), readAccess)
	if err != nil {
		return nil, err
	}
	f := storage.EntryFilter{PatientID: patientID, Kinds: req.GetKinds(), Limit: pageSize(req.GetPageSize()) + 1,
		From: optionalTime(req.GetFrom()), To: optionalTime(req.GetTo())}
	query := queryFingerprint(patientID, fmt.Sprint(req.GetFrom().AsTime().UnixMilli(), req.From != nil),
		fmt.Sprint(req.GetTo().AsTime().UnixMilli(), req.To != nil), fmt.Sprint(req.GetKinds()))
	if tok := req.GetPageToken(); tok != "" {
		pt, err := decodePageToken(tok, query)
		if err != nil {
			return nil, err
		}
		f.After = &storage.EntryKey{OccurredTime: pt.time(), ID: pt.ID}
	}
	entries, err := s.store.ListEntries(ctx, f)
	if err != nil {
		return nil, s.toConnectError(ctx, "list entries", err)
	}
	resp := &medjournalv1.ListEntriesResponse{Entries: entries}
	if size := f.Limit - 1; len(entries) > size {
		resp.Entries = entries[:size]
		last := resp.Entries[size-1]
		resp.NextPageToken = encodePageToken(pageToken{Time: last.GetOccurredTime().AsTime().UnixMilli(), ID: last.GetId(), Query: query})
	}
	return resp, nil
}

func (s *journalService) UpdateEntry(ctx context.Context, req *medjournalv1.UpdateEntryRequest) (*medjournalv1.UpdateEntryResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	paths := maskOrAll(req.GetUpdateMask().GetPaths(), entryFields)
	out, err := s.flags.UpdateEntry(ctx, patientID, req.GetEntry().GetId(), func(e *medjournalv1.Entry) error {
		kind := journal.Kind(e)
		applyMask(e, req.GetEntry(), paths)
		if journal.Kind(e) != kind {
			return invalidArgument("entry", "an entry's kind cannot change (stored as %s); delete it and create a new one", kind)
		}
		if err := s.validateMerged("entry", e); err != nil {
			return err
		}
		return s.checkEntry(e, "entry", nil)
	})
	if err != nil {
		return nil, s.entryWriteError(ctx, "update entry", "entry", req.GetEntry(), err)
	}
	return &medjournalv1.UpdateEntryResponse{Entry: out}, nil
}

func (s *journalService) DeleteEntry(ctx context.Context, req *medjournalv1.DeleteEntryRequest) (*medjournalv1.DeleteEntryResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), writeAccess)
	if err != nil {
		return nil, err
	}
	e, err := s.flags.DeleteEntry(ctx, patientID, req.GetId())
	if err != nil {
		return nil, s.toConnectError(ctx, "delete entry", err)
	}
	return &medjournalv1.DeleteEntryResponse{Entry: e}, nil
}

func (s *journalService) GetDay(ctx context.Context, req *medjournalv1.GetDayRequest) (*medjournalv1.GetDayResponse, error) {
	c := callerFrom(ctx)
	patientID, err := s.authorizeJournal(ctx, c, req.GetPatientId(), readAccess)
	if err != nil {
		return nil, err
	}
	day, err := journal.ParseDate(req.GetDate())
	if err != nil {
		return nil, invalidArgument("date", "%q is not a calendar day in the form YYYY-MM-DD", req.GetDate())
	}
	patient := c.account
	if patientID != c.id() {
		if patient, err = s.store.Account(ctx, patientID); err != nil {
			return nil, s.toConnectError(ctx, "get day", err)
		}
	}
	loc, err := s.zones.Load(patient.GetTimeZone())
	if err != nil {
		return nil, s.toConnectError(ctx, "get day", fmt.Errorf("patient %s has time zone %q: %w", patientID, patient.GetTimeZone(), err))
	}
	start, end := localDay(day, loc)
	entries, err := s.store.EntriesBetween(ctx, patientID, start, end)
	if err != nil {
		return nil, s.toConnectError(ctx, "get day", err)
	}
	flags, err := s.flags.FlagsBetween(ctx, patientID, start, end)
	if err != nil {
		return nil, s.toConnectError(ctx, "get day", err)
	}
	return &medjournalv1.GetDayResponse{
		Date:      req.GetDate(),
		TimeZone:  loc.String(),
		StartTime: timestamppb.New(start),
		EndTime:   timestamppb.New(end),
		Entries:   entries,
		Flags:     flags,
	}, nil
}

// localDay returns the first instant of the day and of the next day in loc. Building both
// from the calendar date, rather than adding 24 hours, gives 23- and 25-hour days on
// daylight-saving changes.
func localDay(day time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// syncChangesLimit bounds one Sync answer; the phone calls again while has_more is set.
const syncChangesLimit = 500

func (s *journalService) Sync(ctx context.Context, req *medjournalv1.SyncRequest) (*medjournalv1.SyncResponse, error) {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), "", writeAccess)
	if err != nil {
		return nil, err
	}
	since, err := decodeSyncCursor(req.GetCursor())
	if err != nil {
		return nil, err
	}
	meds, err := s.medicationIDs(ctx, patientID)
	if err != nil {
		return nil, err
	}
	upserts := make([]*medjournalv1.Entry, len(req.GetUpserts()))
	for i, e := range req.GetUpserts() {
		upserts[i] = proto.Clone(e).(*medjournalv1.Entry)
		if err := s.checkEntry(upserts[i], fmt.Sprintf("upserts[%d]", i), meds); err != nil {
			return nil, err
		}
	}
	res, err := s.flags.Sync(ctx, flagging.SyncBatch{
		PatientID: patientID, Upserts: upserts, Deletes: req.GetDeletes(),
		Since: since, Limit: syncChangesLimit,
	})
	var item *flagging.ItemError
	if errors.As(err, &item) && errors.Is(err, storage.ErrAlreadyExists) {
		return nil, connect.NewError(connect.CodeAlreadyExists, fmt.Errorf("%s: an entry with this id exists in another journal; choose a new UUID", item.Field))
	}
	if err != nil {
		return nil, s.toConnectError(ctx, "sync", err)
	}
	return &medjournalv1.SyncResponse{
		Changes:    res.Changes,
		DeletedIds: res.DeletedIDs,
		Cursor:     encodeSyncCursor(res.Cursor),
		HasMore:    res.HasMore,
	}, nil
}

// checkEntry validates and normalizes an entry for the patient's journal: catalog codes,
// units and plausible values (package journal), and a dose's medication being one of the
// patient's. meds, when given, is the patient's medication ids, read once per batch.
func (s *Server) checkEntry(e *medjournalv1.Entry, field string, meds map[string]bool) error {
	if err := s.fieldError(journal.NormalizeEntry(s.catalog, e, field, s.cfg.Now())); err != nil {
		return err
	}
	// A single entry (meds nil) has its medication checked by the store, in the write
	// itself (storage.ErrUnknownMedication, answered by entryWriteError).
	if dose := e.GetDose(); dose != nil && meds != nil && !meds[dose.GetMedicationId()] {
		return unknownMedication(field, dose.GetMedicationId())
	}
	return nil
}

// entryWriteError answers a failed write of entry e, given as field: a dose whose
// medication is not the patient's is invalid_argument naming the medication field.
func (s *Server) entryWriteError(ctx context.Context, op, field string, e *medjournalv1.Entry, err error) error {
	if errors.Is(err, storage.ErrUnknownMedication) {
		return unknownMedication(field, e.GetDose().GetMedicationId())
	}
	return s.toConnectError(ctx, op, err)
}

func unknownMedication(field, medicationID string) error {
	return invalidArgument(field+".dose.medication_id", "%s is not one of your medications; add it with CreateMedication first", medicationID)
}

func (s *Server) medicationIDs(ctx context.Context, patientID string) (map[string]bool, error) {
	ms, err := s.store.ListMedications(ctx, patientID)
	if err != nil {
		return nil, s.toConnectError(ctx, "list medications", err)
	}
	ids := make(map[string]bool, len(ms))
	for _, m := range ms {
		ids[m.GetId()] = true
	}
	return ids, nil
}

// fieldError turns a *journal.FieldError into invalid_argument naming the field.
func (s *Server) fieldError(err error) error {
	if err == nil {
		return nil
	}
	var fe *journal.FieldError
	if errors.As(err, &fe) {
		return invalidArgument(fe.Field, "%s", fe.Message)
	}
	return err
}
