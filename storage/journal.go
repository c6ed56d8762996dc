package storage

import (
	"context"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// JournalVersion counts the changes to what the rules read of one patient: entries,
// medications and the profile. Every such change moves it by one in its own transaction,
// so a rule evaluation that saw version v is current for a write that moves it from v to
// v+1, and for no other. A patient whose journal never changed is at version 0.
type JournalVersion int64

// StoredEntry is an entry as stored, with the row facts the API message does not carry.
type StoredEntry struct {
	Entry     *medjournalv1.Entry
	PatientID string
	Deleted   bool
}

// CreatedEntry is an entry inserted earlier in the same transaction, with the journal
// version its insert made.
type CreatedEntry struct {
	Version JournalVersion
	Entry   *medjournalv1.Entry
}

// ChangeSet is a patient's journal changes after a sync cursor, oldest change first.
type ChangeSet struct {
	Changes    []*medjournalv1.Entry // live entries changed after the cursor
	DeletedIDs []string              // entries deleted after the cursor
	Cursor     int64                 // the position to send next time
	HasMore    bool                  // more changes than the limit: call again with Cursor
}

// LiveFlag is a flag that still gathers evidence: open or acknowledged.
type LiveFlag struct {
	ID           string
	RuleID       string
	Urgency      medjournalv1.Urgency
	LastEvidence time.Time     // when its newest evidence occurred
	Episode      time.Duration // evidence further than this from LastEvidence is a new episode
}

// NewFlag is a flag to open: the rule's wording and source as they are when it opens.
type NewFlag struct {
	PatientID        string
	RuleID           string
	Category         medjournalv1.Category
	Urgency          medjournalv1.Urgency
	Title            string
	PatientAdvice    string
	ClinicianSummary string
	Source           *medjournalv1.Source
	Episode          time.Duration
	LastEvidence     time.Time
}

// JournalReader reads what the rules need of a patient's journal, all from one snapshot.
type JournalReader interface {
	// Now is the time every row the transaction writes is stamped with.
	Now() time.Time
	// JournalVersion is the patient's version in this snapshot.
	JournalVersion(ctx context.Context, patientID string) (JournalVersion, error)
	// RuleEntries are the patient's live entries that occurred in [from, to], both ends
	// included at millisecond precision, sorted by occurred time (ms) then id, without
	// their flag ids: every kind but notes, or only lab results if labsOnly.
	RuleEntries(ctx context.Context, patientID string, labsOnly bool, from, to time.Time) ([]*medjournalv1.Entry, error)
	// Medications are the patient's medications.
	Medications(ctx context.Context, patientID string) ([]*medjournalv1.Medication, error)
	// Account is the account with that id (ErrNotFound).
	Account(ctx context.Context, id string) (*medjournalv1.Account, error)
}

// JournalTx is one write of a patient's journal and flags. Everything done through it
// commits together or not at all: an entry and the flags it raised are never apart.
// Backends may run several writes in one database transaction (group commit); each write
// still sees its own effects and those of the writes before it.
type JournalTx interface {
	JournalReader
	EntryTx
	FlagTx
	// AfterCommit runs fn once the write is durable, never if it is rolled back. fn must
	// not block: it may run on the backend's writer.
	AfterCommit(fn func())
}

// EntryTx writes a patient's journal entries. Each change moves the patient's
// JournalVersion and sync cursor in the same transaction.
type EntryTx interface {
	// InsertEntry stores e in the patient's journal and returns it as stored (patient,
	// create and update times set) with the version its insert made, or nil and no write
	// when an entry with e's id exists already.
	InsertEntry(ctx context.Context, patientID string, e *medjournalv1.Entry) (*medjournalv1.Entry, JournalVersion, error)
	// UpdateEntry replaces the patient's stored entry with e's id by e (ErrNotFound if the
	// patient has none).
	UpdateEntry(ctx context.Context, patientID string, e *medjournalv1.Entry) error
	// DeleteEntry marks the patient's entry deleted, leaving a tombstone for sync
	// (ErrNotFound if the patient has none).
	DeleteEntry(ctx context.Context, patientID, id string) error
	// Entry is the entry with that id, of any patient, live or deleted (ErrNotFound).
	Entry(ctx context.Context, id string) (*StoredEntry, error)
	// CheckDoseMedication is ErrUnknownMedication if e is a dose of a medication that is
	// not the patient's.
	CheckDoseMedication(ctx context.Context, patientID string, e *medjournalv1.Entry) error
	// ChangesSince are the patient's changes after the sync cursor since, at most limit.
	ChangesSince(ctx context.Context, patientID string, since int64, limit int) (ChangeSet, error)
	// CreatedInTransaction are the entries of the patient inserted in this transaction
	// so far, by this write (the one just inserted included) and the committed-to-be
	// writes before it in the same group, oldest first, each with the version its insert
	// made. A write that fails takes its own out again.
	CreatedInTransaction(patientID string) []CreatedEntry
}

// FlagTx writes flags, their evidence and their history.
type FlagTx interface {
	// LiveFlag is the patient's live flag of the rule with the newest evidence, if any.
	LiveFlag(ctx context.Context, patientID, ruleID string) (LiveFlag, bool, error)
	// LiveFlagsWithEvidence are the live flags the entry is evidence for.
	LiveFlagsWithEvidence(ctx context.Context, entryID string) ([]LiveFlag, error)
	// InsertFlag opens a flag and returns its id.
	InsertFlag(ctx context.Context, f NewFlag) (string, error)
	// LinkEvidence links entries to a flag and returns those not linked before, in the
	// order given.
	LinkEvidence(ctx context.Context, flagID string, entryIDs []string) ([]string, error)
	// UnlinkEvidence takes an entry out of a flag's evidence.
	UnlinkEvidence(ctx context.Context, flagID, entryID string) error
	// EvidenceEntries are the live entries linked to the flag.
	EvidenceEntries(ctx context.Context, flagID string) ([]*medjournalv1.Entry, error)
	// AddFlagEvent appends ev to the flag's history, stamped with Now.
	AddFlagEvent(ctx context.Context, flagID string, ev *medjournalv1.FlagEvent) error
	// SetFlagEvidence sets a live flag's urgency and the time of its newest evidence.
	SetFlagEvidence(ctx context.Context, flagID string, urgency medjournalv1.Urgency, lastEvidence time.Time) error
	// SetFlagAdvice sets what the flag tells the patient to do.
	SetFlagAdvice(ctx context.Context, flagID, advice string) error
	// SetFlagStatus moves the flag to status at urgency.
	SetFlagStatus(ctx context.Context, flagID string, status medjournalv1.FlagStatus, urgency medjournalv1.Urgency) error
	// TouchFlag marks the flag updated now.
	TouchFlag(ctx context.Context, flagID string) error
	// Flags are the flags with those ids, with evidence and history, in the order given;
	// unknown ids are skipped.
	Flags(ctx context.Context, ids []string) ([]*medjournalv1.Flag, error)
}
