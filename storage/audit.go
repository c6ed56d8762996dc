package storage

import (
	"context"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// AuditRecord is one access to a patient's data by someone other than the patient.
type AuditRecord struct {
	PatientID   string
	ActorID     string // the account, or empty for a share link
	ShareLinkID string
	Method      string // e.g. "/medjournal.v1.JournalService/GetEntry" or "GET /share"
	Action      medjournalv1.AuditAction
}

// AuditFilter selects audit events: one patient's, or everyone's (an admin's view).
type AuditFilter struct {
	PatientID string // empty for all patients
	Before    int64  // continue before this seq (from the previous page); 0 for the newest
	Limit     int
}

type auditKey struct{}

// WithAudit returns a context whose writes record rec in the same transaction as the
// change: a change of a patient's data and its audit row commit together or not at all.
// Backends read it back with AuditOf.
func WithAudit(ctx context.Context, rec AuditRecord) context.Context {
	return context.WithValue(ctx, auditKey{}, rec)
}

// AuditOf is the record WithAudit put in ctx, if any.
func AuditOf(ctx context.Context) (AuditRecord, bool) {
	rec, ok := ctx.Value(auditKey{}).(AuditRecord)
	return rec, ok
}
