package server

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/auth"
	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// exportService implements medjournal.v1.ExportService.
type exportService struct{ *Server }

// exportChunk is the size of one streamed piece of an export: small enough for any
// client's message limit, large enough that a year's PDF is a few dozen messages.
const exportChunk = 64 << 10

// Share link lifetimes: a week unless the patient chooses, never more than 90 days.
const (
	defaultShareTTL = 7 * 24 * time.Hour
	maxShareTTL     = 90 * 24 * time.Hour
)

// exportFormats maps each format to its media type, file extension and renderer.
var exportFormats = map[medjournalv1.ExportFormat]struct {
	contentType, ext string
	render           func(*export.Journal, *bytes.Buffer, export.ReportLinks) error
}{
	medjournalv1.ExportFormat_EXPORT_FORMAT_FHIR_JSON: {"application/fhir+json", "fhir.json", func(j *export.Journal, b *bytes.Buffer, _ export.ReportLinks) error {
		data, err := export.FHIR(j)
		b.Write(data)
		return err
	}},
	medjournalv1.ExportFormat_EXPORT_FORMAT_CSV: {"text/csv; charset=utf-8", "csv", func(j *export.Journal, b *bytes.Buffer, _ export.ReportLinks) error {
		return export.CSV(j, b)
	}},
	medjournalv1.ExportFormat_EXPORT_FORMAT_PDF: {"application/pdf", "pdf", func(j *export.Journal, b *bytes.Buffer, _ export.ReportLinks) error {
		return export.PDF(j, b)
	}},
	medjournalv1.ExportFormat_EXPORT_FORMAT_HTML: {"text/html; charset=utf-8", "html", func(j *export.Journal, b *bytes.Buffer, links export.ReportLinks) error {
		return export.HTML(j, b, links)
	}},
}

func (s *exportService) ExportJournal(ctx context.Context, req *medjournalv1.ExportJournalRequest, stream *connect.ServerStream[medjournalv1.ExportJournalResponse]) error {
	patientID, err := s.authorizeJournal(ctx, callerFrom(ctx), req.GetPatientId(), readAccess)
	if err != nil {
		return err
	}
	j, err := s.loadJournal(ctx, patientID, optionalTime(req.GetFrom()), optionalTime(req.GetTo()))
	if err != nil {
		return err
	}
	format := exportFormats[req.GetFormat()]
	var buf bytes.Buffer
	if err := format.render(j, &buf, export.ReportLinks{}); err != nil {
		return s.toConnectError(ctx, "export", fmt.Errorf("render %s: %w", req.GetFormat(), err))
	}
	name := fmt.Sprintf("medjournal-%s.%s", j.GeneratedAt.In(j.Location).Format("2006-01-02"), format.ext)
	first := true
	for data := buf.Bytes(); first || len(data) > 0; first = false {
		n := min(len(data), exportChunk)
		msg := &medjournalv1.ExportJournalResponse{Data: data[:n]}
		if first {
			msg.ContentType, msg.Filename = format.contentType, name
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// loadJournal reads what an export shows: the patient, their medications, the live
// entries in [from, to) and the flags of that period. Zero times are unbounded.
func (s *Server) loadJournal(ctx context.Context, patientID string, from, to time.Time) (*export.Journal, error) {
	patient, err := s.store.Account(ctx, patientID)
	if err != nil {
		return nil, s.toConnectError(ctx, "export", err)
	}
	loc, err := s.zones.Load(patient.GetTimeZone())
	if err != nil {
		loc = time.UTC
	}
	end := to
	if end.IsZero() {
		end = s.cfg.Now().Add(24 * time.Hour)
	}
	meds, err := s.store.ListMedications(ctx, patientID)
	if err != nil {
		return nil, s.toConnectError(ctx, "export", err)
	}
	entries, err := s.store.EntriesBetween(ctx, patientID, from, end)
	if err != nil {
		return nil, s.toConnectError(ctx, "export", err)
	}
	flags, err := s.flags.FlagsBetween(ctx, patientID, from, end)
	if err != nil {
		return nil, s.toConnectError(ctx, "export", err)
	}
	return &export.Journal{
		Patient: patient, Medications: meds, Entries: entries, Flags: flags,
		From: from, To: to, GeneratedAt: s.cfg.Now(), Location: loc, Catalog: s.catalog,
	}, nil
}

func optionalTime(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

func (s *exportService) CreateShareLink(ctx context.Context, req *medjournalv1.CreateShareLinkRequest) (*medjournalv1.CreateShareLinkResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	ttl := defaultShareTTL
	if req.Ttl != nil {
		ttl = min(req.GetTtl().AsDuration(), maxShareTTL)
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, s.toConnectError(ctx, "create share link", err)
	}
	link, err := s.store.CreateShareLink(ctx, c.id(), hash, optionalTime(req.GetFrom()), optionalTime(req.GetTo()), ttl)
	if err != nil {
		return nil, s.toConnectError(ctx, "create share link", err)
	}
	link.Url = s.cfg.PublicURL + sharePathPrefix + token
	return &medjournalv1.CreateShareLinkResponse{ShareLink: link}, nil
}

func (s *exportService) ListShareLinks(ctx context.Context, _ *medjournalv1.ListShareLinksRequest) (*medjournalv1.ListShareLinksResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	links, err := s.store.ListShareLinks(ctx, c.id())
	if err != nil {
		return nil, s.toConnectError(ctx, "list share links", err)
	}
	return &medjournalv1.ListShareLinksResponse{ShareLinks: links}, nil
}

func (s *exportService) RevokeShareLink(ctx context.Context, req *medjournalv1.RevokeShareLinkRequest) (*medjournalv1.RevokeShareLinkResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	link, err := s.store.RevokeShareLink(ctx, c.id(), req.GetId())
	if err != nil {
		return nil, s.toConnectError(ctx, "revoke share link", err)
	}
	return &medjournalv1.RevokeShareLinkResponse{ShareLink: link}, nil
}
