package server

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// followUpService implements medjournal.v1.FollowUpService.
type followUpService struct{ *Server }

// defaultFlagStatuses is what ListFlags shows without a status filter: what needs work.
var defaultFlagStatuses = []medjournalv1.FlagStatus{
	medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
	medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED,
}

func (s *followUpService) ListFlags(ctx context.Context, req *medjournalv1.ListFlagsRequest) (*medjournalv1.ListFlagsResponse, error) {
	c := callerFrom(ctx)
	patients, err := s.flagScope(ctx, c, req.GetPatientId())
	if err != nil {
		return nil, err
	}
	statuses := req.GetStatuses()
	if len(statuses) == 0 {
		statuses = defaultFlagStatuses
	}
	size := pageSize(req.GetPageSize())
	f := storage.FlagFilter{PatientIDs: patients, Statuses: statuses, MinUrgency: req.GetMinUrgency(), Limit: size + 1}
	query := queryFingerprint(c.id(), req.GetPatientId(), fmt.Sprint(statuses), req.GetMinUrgency().String())
	if tok := req.GetPageToken(); tok != "" {
		pt, err := decodePageToken(tok, query)
		if err != nil {
			return nil, err
		}
		f.After = &storage.FlagKey{Urgency: medjournalv1.Urgency(pt.N), CreateTime: pt.time(), ID: pt.ID}
	}
	flags, err := s.flags.ListFlags(ctx, f)
	if err != nil {
		return nil, s.toConnectError(ctx, "list flags", err)
	}
	for _, fl := range flags {
		noteRead(ctx, fl.GetPatientId())
	}
	resp := &medjournalv1.ListFlagsResponse{Flags: flags}
	if len(flags) > size {
		resp.Flags = flags[:size]
		last := resp.Flags[size-1]
		resp.NextPageToken = encodePageToken(pageToken{
			Time: last.GetCreateTime().AsTime().UnixMilli(), ID: last.GetId(), N: int32(last.GetUrgency()), Query: query,
		})
	}
	return resp, nil
}

// flagScope returns the patients whose flags the caller asks for: a patient's own; for a
// clinician the named patient (with a grant) or, with none named, all their patients.
func (s *Server) flagScope(ctx context.Context, c *caller, patientID string) ([]string, error) {
	if c.role() == medjournalv1.Role_ROLE_CLINICIAN && patientID == "" {
		ids, err := s.store.PatientsOf(ctx, c.id())
		if err != nil {
			return nil, s.toConnectError(ctx, "list patients", err)
		}
		return ids, nil
	}
	id, err := s.authorizeJournal(ctx, c, patientID, readAccess)
	if err != nil {
		return nil, err
	}
	return []string{id}, nil
}

func (s *followUpService) GetFlag(ctx context.Context, req *medjournalv1.GetFlagRequest) (*medjournalv1.GetFlagResponse, error) {
	fl, err := s.readableFlag(ctx, callerFrom(ctx), req.GetFlagId())
	if err != nil {
		return nil, err
	}
	return &medjournalv1.GetFlagResponse{Flag: fl}, nil
}

func (s *followUpService) AcknowledgeFlag(ctx context.Context, req *medjournalv1.AcknowledgeFlagRequest) (*medjournalv1.AcknowledgeFlagResponse, error) {
	fl, err := s.changeFlag(ctx, req.GetFlagId(), medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED, req.GetNote())
	if err != nil {
		return nil, err
	}
	return &medjournalv1.AcknowledgeFlagResponse{Flag: fl}, nil
}

func (s *followUpService) ResolveFlag(ctx context.Context, req *medjournalv1.ResolveFlagRequest) (*medjournalv1.ResolveFlagResponse, error) {
	fl, err := s.changeFlag(ctx, req.GetFlagId(), medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED, req.GetNote())
	if err != nil {
		return nil, err
	}
	return &medjournalv1.ResolveFlagResponse{Flag: fl}, nil
}

func (s *followUpService) DismissFlag(ctx context.Context, req *medjournalv1.DismissFlagRequest) (*medjournalv1.DismissFlagResponse, error) {
	fl, err := s.changeFlag(ctx, req.GetFlagId(), medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED, req.GetNote())
	if err != nil {
		return nil, err
	}
	return &medjournalv1.DismissFlagResponse{Flag: fl}, nil
}

func (s *followUpService) AddFlagNote(ctx context.Context, req *medjournalv1.AddFlagNoteRequest) (*medjournalv1.AddFlagNoteResponse, error) {
	c := callerFrom(ctx)
	current, err := s.readableFlag(ctx, c, req.GetFlagId())
	if err != nil {
		return nil, err
	}
	fl, err := s.flags.AddFlagNote(auditChange(ctx, current.GetPatientId()), req.GetFlagId(), c.id(), req.GetText())
	if err != nil {
		return nil, s.toConnectError(ctx, "add flag note", err)
	}
	return &medjournalv1.AddFlagNoteResponse{Flag: fl}, nil
}

// changeFlag moves a flag through follow-up: clinicians of the patient only.
func (s *followUpService) changeFlag(ctx context.Context, flagID string, to medjournalv1.FlagStatus, note string) (*medjournalv1.Flag, error) {
	c := callerFrom(ctx)
	current, err := s.readableFlag(ctx, c, flagID)
	if err != nil {
		return nil, err
	}
	if err := requireRole(c, medjournalv1.Role_ROLE_CLINICIAN); err != nil {
		return nil, permissionDenied("only a clinician works flags; add a note instead")
	}
	fl, err := s.flags.ChangeFlagStatus(auditChange(ctx, current.GetPatientId()), flagID, c.id(), to, note)
	if err != nil {
		return nil, s.toConnectError(ctx, "change flag", err)
	}
	return fl, nil
}

// readableFlag returns a flag the caller may read; any other flag is not_found, so
// nobody learns that someone else's flag exists.
func (s *Server) readableFlag(ctx context.Context, c *caller, flagID string) (*medjournalv1.Flag, error) {
	fl, err := s.flags.Flag(ctx, flagID)
	notFound := connect.NewError(connect.CodeNotFound, errors.New("flag not found"))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, s.toConnectError(ctx, "get flag", err)
	}
	if _, err := s.authorizeJournal(ctx, c, fl.GetPatientId(), readAccess); err != nil {
		if ce := new(connect.Error); errors.As(err, &ce) && slices.Contains([]connect.Code{connect.CodePermissionDenied, connect.CodeInvalidArgument}, ce.Code()) {
			return nil, notFound
		}
		return nil, err
	}
	return fl, nil
}
