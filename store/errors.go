package store

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/medjournal/medjournal/storage"
)

// mapError turns driver errors into the store's sentinels by SQLite extended result code,
// never by message text, keeping the original error in the chain for logs.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	var sentinel error
	switch code := se.Code(); code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		sentinel = storage.ErrAlreadyExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		sentinel = storage.ErrFailedPrecondition
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_DATATYPE,
		sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		sentinel = storage.ErrInvalid
	case sqlite3.SQLITE_FULL:
		sentinel = storage.ErrStorageFull
	default:
		switch code & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			sentinel = storage.ErrBusy
		case sqlite3.SQLITE_FULL:
			sentinel = storage.ErrStorageFull
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
			sentinel = storage.ErrIO
		default:
			return err
		}
	}
	if errors.Is(err, sentinel) {
		return err
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}
