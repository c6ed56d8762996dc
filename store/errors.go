package store

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors the store reports, wrapped with context. Callers test them with errors.Is.
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
)

// mapError turns driver errors into the store's sentinels by SQLite extended result code,
// never by message text, keeping the original error in the chain for logs.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	var sentinel error
	switch code := se.Code(); code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		sentinel = ErrAlreadyExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		sentinel = ErrFailedPrecondition
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_DATATYPE,
		sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		sentinel = ErrInvalid
	case sqlite3.SQLITE_FULL:
		sentinel = ErrStorageFull
	default:
		switch code & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			sentinel = ErrBusy
		case sqlite3.SQLITE_FULL:
			sentinel = ErrStorageFull
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
			sentinel = ErrIO
		default:
			return err
		}
	}
	if errors.Is(err, sentinel) {
		return err
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}

// PreconditionError is an ErrFailedPrecondition whose reason is worded for the person who
// made the request.
type PreconditionError struct{ Reason string }

func (e *PreconditionError) Error() string { return "failed precondition: " + e.Reason }

// Is makes errors.Is(err, ErrFailedPrecondition) true.
func (e *PreconditionError) Is(target error) bool { return target == ErrFailedPrecondition }

// Public returns the reason, safe to show to the client.
func (e *PreconditionError) Public() string { return e.Reason }
