package server

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"connectrpc.com/connect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// auditTrail collects, during one request, whose data the caller read when the caller is
// not that patient. The audit interceptor writes the events when the request succeeds.
type auditTrail struct {
	mu       sync.Mutex
	patients []string
}

type auditTrailKey struct{}

// noteRead records that the caller reads patientID's data in this request. Patients
// reading their own journal are not audited.
func noteRead(ctx context.Context, patientID string) {
	c := callerFrom(ctx)
	trail, ok := ctx.Value(auditTrailKey{}).(*auditTrail)
	if !ok || c == nil || c.id() == patientID || patientID == "" {
		return
	}
	trail.mu.Lock()
	defer trail.mu.Unlock()
	for _, p := range trail.patients {
		if p == patientID {
			return
		}
	}
	trail.patients = append(trail.patients, patientID)
}

// auditChange returns a context whose store writes record a change of patientID's data by
// the caller in the same transaction, when the caller is not that patient. The change
// event stands for the request's read of that patient too.
func auditChange(ctx context.Context, patientID string) context.Context {
	c := callerFrom(ctx)
	info, ok := connect.CallInfoForHandlerContext(ctx)
	if c == nil || !ok || c.id() == patientID {
		return ctx
	}
	if trail, ok := ctx.Value(auditTrailKey{}).(*auditTrail); ok {
		trail.mu.Lock()
		trail.patients = slices.DeleteFunc(trail.patients, func(p string) bool { return p == patientID })
		trail.mu.Unlock()
	}
	return storage.WithAudit(ctx, storage.AuditRecord{PatientID: patientID, ActorID: c.id(),
		Method: info.Spec().Procedure, Action: medjournalv1.AuditAction_AUDIT_ACTION_CHANGE})
}

// auditInterceptor writes the read events a successful request collected. A request that
// failed read nothing.
type auditInterceptor struct{ s *Server }

func (a auditInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		trail := &auditTrail{}
		ctx = context.WithValue(ctx, auditTrailKey{}, trail)
		resp, err := next(ctx, req)
		if err == nil {
			if aerr := a.s.recordReads(ctx, trail, req.Spec().Procedure); aerr != nil {
				// The data went nowhere yet: refuse the answer rather than serve it unaudited.
				return nil, aerr
			}
		}
		return resp, err
	}
}

func (auditInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (a auditInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		trail := &auditTrail{}
		ctx = context.WithValue(ctx, auditTrailKey{}, trail)
		err := next(ctx, conn)
		if aerr := a.s.recordReads(ctx, trail, conn.Spec().Procedure); aerr != nil && err == nil {
			err = aerr
		}
		return err
	}
}

func (s *Server) recordReads(ctx context.Context, trail *auditTrail, procedure string) error {
	c := callerFrom(ctx)
	trail.mu.Lock()
	patients := append([]string(nil), trail.patients...)
	trail.patients = nil
	trail.mu.Unlock()
	for _, p := range patients {
		err := s.store.RecordAudit(context.WithoutCancel(ctx), storage.AuditRecord{PatientID: p, ActorID: c.id(),
			Method: procedure, Action: medjournalv1.AuditAction_AUDIT_ACTION_READ})
		if err != nil {
			s.log.ErrorContext(ctx, "audit", slog.Any("err", err))
			return s.toConnectError(ctx, "audit", err)
		}
	}
	return nil
}

// auditService implements medjournal.v1.AuditService.
type auditService struct{ *Server }

func (s *auditService) ListAuditEvents(ctx context.Context, req *medjournalv1.ListAuditEventsRequest) (*medjournalv1.ListAuditEventsResponse, error) {
	c := callerFrom(ctx)
	f := storage.AuditFilter{PatientID: req.GetPatientId(), Limit: pageSize(req.GetPageSize()) + 1}
	switch c.role() {
	case medjournalv1.Role_ROLE_PATIENT:
		if f.PatientID != "" && f.PatientID != c.id() {
			return nil, permissionDenied("patients can only see their own audit trail")
		}
		f.PatientID = c.id()
	case medjournalv1.Role_ROLE_ADMIN:
	default:
		return nil, permissionDenied("the audit trail is for the patient and admins")
	}
	query := queryFingerprint(c.id(), f.PatientID)
	if tok := req.GetPageToken(); tok != "" {
		pt, err := decodePageToken(tok, query)
		if err != nil {
			return nil, err
		}
		f.Before = pt.Time
	}
	events, seqs, err := s.store.ListAuditEvents(ctx, f)
	if err != nil {
		return nil, s.toConnectError(ctx, "list audit events", err)
	}
	size := f.Limit - 1
	resp := &medjournalv1.ListAuditEventsResponse{Events: events}
	if len(events) > size {
		resp.Events = events[:size]
		resp.NextPageToken = encodePageToken(pageToken{Time: seqs[size-1], ID: fmt.Sprint(seqs[size-1]), Query: query})
	}
	// An admin reading a patient's trail reads that patient's data.
	for _, ev := range resp.Events {
		noteRead(ctx, ev.GetPatientId())
	}
	return resp, nil
}
