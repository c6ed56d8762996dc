package server

import (
	"context"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// Storage is what the handlers read and write directly, one small interface per table
// family. Entries' writes and everything about flags go through the workflow
// (flagging.Service) instead, which re-evaluates the rules; a backend (store, for SQLite)
// implements both, and cmd/medjournal wires it in.
type Storage interface {
	accountStorage
	sessionStorage
	careTeamStorage
	shareLinkStorage
	medicationStorage
	auditStorage
	entryReads
}

type accountStorage interface {
	CreateAccount(ctx context.Context, a *medjournalv1.Account, passwordHash string) (*medjournalv1.Account, error)
	Account(ctx context.Context, id string) (*medjournalv1.Account, error)
	Credentials(ctx context.Context, email string) (*medjournalv1.Account, string, error)
	UpdateProfile(ctx context.Context, accountID string, change func(*medjournalv1.Profile) error) (*medjournalv1.Profile, error)
}

type sessionStorage interface {
	CreateSession(ctx context.Context, accountID string, tokenHash []byte, expireAfter time.Duration, userAgent string) (storage.Session, error)
	SessionByTokenHash(ctx context.Context, tokenHash []byte) (storage.Session, *medjournalv1.Account, error)
	SessionsOf(ctx context.Context, accountID string) ([]storage.Session, error)
	TouchSession(ctx context.Context, id string) error
	DeleteSession(ctx context.Context, accountID, id string) error
}

type careTeamStorage interface {
	CreateInvite(ctx context.Context, patientID string, codeHash []byte, ttl time.Duration) (time.Time, error)
	AcceptInvite(ctx context.Context, codeHash []byte, clinicianID string) (*medjournalv1.Account, error)
	HasGrant(ctx context.Context, patientID, clinicianID string) (bool, error)
	ListCareTeam(ctx context.Context, patientID string) ([]*medjournalv1.Account, error)
	ListPatients(ctx context.Context, clinicianID string) ([]*medjournalv1.Account, error)
	PatientsOf(ctx context.Context, clinicianID string) ([]string, error)
	RevokeAccess(ctx context.Context, patientID, clinicianID string) error
}

type shareLinkStorage interface {
	CreateShareLink(ctx context.Context, patientID string, tokenHash []byte, from, to time.Time, ttl time.Duration) (*medjournalv1.ShareLink, error)
	ListShareLinks(ctx context.Context, patientID string) ([]*medjournalv1.ShareLink, error)
	OpenShareLink(ctx context.Context, tokenHash []byte, method string) (*storage.ShareLink, error)
	RevokeShareLink(ctx context.Context, patientID, id string) (*medjournalv1.ShareLink, error)
}

// medicationStorage writes what the rules read besides entries. Each write moves the
// patient's journal version, which is how the workflow learns its cached view is stale.
type medicationStorage interface {
	CreateMedication(ctx context.Context, patientID string, m *medjournalv1.Medication) (*medjournalv1.Medication, error)
	Medication(ctx context.Context, patientID, id string) (*medjournalv1.Medication, error)
	ListMedications(ctx context.Context, patientID string) ([]*medjournalv1.Medication, error)
	UpdateMedication(ctx context.Context, patientID, id string, change func(*medjournalv1.Medication) error) (*medjournalv1.Medication, error)
	DeleteMedication(ctx context.Context, patientID, id string) (*medjournalv1.Medication, error)
}

type auditStorage interface {
	RecordAudit(ctx context.Context, rec storage.AuditRecord) error
	ListAuditEvents(ctx context.Context, f storage.AuditFilter) ([]*medjournalv1.AuditEvent, []int64, error)
}

// entryReads are the journal's plain reads; they change nothing the rules see.
type entryReads interface {
	Entry(ctx context.Context, patientID, id string) (*medjournalv1.Entry, error)
	ListEntries(ctx context.Context, f storage.EntryFilter) ([]*medjournalv1.Entry, error)
	EntriesBetween(ctx context.Context, patientID string, start, end time.Time) ([]*medjournalv1.Entry, error)
}
