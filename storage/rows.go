package storage

import (
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// EntryKey is an entry's place in the journal's newest-first order: ListEntries continues
// strictly after it, so entries added meanwhile never shift a page.
type EntryKey struct {
	OccurredTime time.Time
	ID           string
}

// EntryFilter selects entries of one patient for ListEntries.
type EntryFilter struct {
	PatientID string
	From, To  time.Time // zero means unbounded; From inclusive, To exclusive
	Kinds     []medjournalv1.EntryKind
	After     *EntryKey // continue after this entry (from the previous page)
	Limit     int
}

// FlagFilter selects flags for ListFlags.
type FlagFilter struct {
	PatientIDs []string // one patient, or a clinician's patients for the triage queue
	Statuses   []medjournalv1.FlagStatus
	MinUrgency medjournalv1.Urgency
	After      *FlagKey
	Limit      int
}

// FlagKey is a flag's place in triage order: most urgent first, then oldest first.
type FlagKey struct {
	Urgency    medjournalv1.Urgency
	CreateTime time.Time
	ID         string
}

// Session is a signed-in device, stored by the hash of its bearer token.
type Session struct {
	ID           string
	AccountID    string
	TokenHash    []byte
	CreateTime   time.Time
	ExpireTime   time.Time
	LastUsedTime time.Time
	UserAgent    string
}

// ShareLink is a share link with the facts the API message does not carry.
type ShareLink struct {
	*medjournalv1.ShareLink
	PatientID string
}

// NormalizeEmail is the form e-mail addresses are stored and looked up in.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
