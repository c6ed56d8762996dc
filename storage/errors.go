package storage

import "errors"

// Errors a backend reports, wrapped with context. Callers test them with errors.Is; the
// server maps them to API codes in one place.
var (
	// ErrNotFound: no such row, or it belongs to someone else.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a row with that unique key exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrFailedPrecondition: the row is in a state that forbids the change.
	ErrFailedPrecondition = errors.New("failed precondition")
	// ErrInvalid: the data broke a schema constraint; validation should have caught it.
	ErrInvalid = errors.New("invalid data")
	// ErrBusy: the database stayed locked past the busy timeout.
	ErrBusy = errors.New("database busy")
	// ErrStorageFull: the disk or the database's size limit is full; reads still work.
	ErrStorageFull = errors.New("storage full")
	// ErrIO: the operating system reported an I/O error.
	ErrIO = errors.New("storage i/o error")
	// ErrUnknownMedication: a dose names a medication that is not the patient's.
	ErrUnknownMedication = errors.New("not one of the patient's medications")
	// ErrSchemaTooNew: the database was migrated by a newer medjournal.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
	// ErrAuditTampered: the audit trail's hash chain is broken.
	ErrAuditTampered = errors.New("audit trail tampered with")
)

// PreconditionError is an ErrFailedPrecondition whose reason is worded for the person who
// made the request.
type PreconditionError struct{ Reason string }

func (e *PreconditionError) Error() string { return "failed precondition: " + e.Reason }

// Is makes errors.Is(err, ErrFailedPrecondition) true.
func (e *PreconditionError) Is(target error) bool { return target == ErrFailedPrecondition }

// Public returns the reason, safe to show to the client.
func (e *PreconditionError) Public() string { return e.Reason }
