package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/medjournal/medjournal/storage"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change from migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
	// foreignKeysOff marks a migration that rebuilds a table other tables reference
	// (foreignKeysOffLine).
	foreignKeysOff bool
}

// foreignKeysOffLine, as a line of its own in a migration, runs that migration with
// foreign key enforcement off. SQLite cannot drop a column's constraint, so such a change
// builds a new table, copies the rows and drops the old one; with enforcement on, the drop
// would first delete every row, which the rows referencing them (flag_evidence, say)
// forbid. SQLite's documented procedure for this turns enforcement off outside the
// transaction and runs PRAGMA foreign_key_check before committing; migrate does both.
const foreignKeysOffLine = "-- migrate: foreign_keys off"

// loadMigrations reads the embedded migrations in version order and checks that the
// versions run 1, 2, 3, ... without gaps, so a misnamed file fails every test at once.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number, like 0001_init.sql", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: version, name: base, sql: string(body),
			foreignKeysOff: slices.Contains(strings.Split(string(body), "\n"), foreignKeysOffLine)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the database's schema version (PRAGMA user_version) and the newest
// version this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return 0, 0, err
	}
	if err := s.writer.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", mapError(err))
	}
	return current, len(ms), nil
}

// migrate applies every migration newer than the database's user_version, each in its own
// transaction together with the new user_version, so a crash leaves the database at one
// version or the next, never between. A database newer than this binary is refused rather
// than run with a schema the code does not understand.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	current, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("%w: database is at version %d, this binary knows up to %d; upgrade medjournal",
			storage.ErrSchemaTooNew, current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := s.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// applyMigration runs m and sets user_version in one transaction.
func (s *Store) applyMigration(ctx context.Context, m migration) (err error) {
	if m.foreignKeysOff {
		// The pragma is a no-op inside a transaction, so it is set on the writer's one
		// connection between transactions; nothing else writes while Open migrates. Should
		// the connection be replaced meanwhile, the new one enforces foreign keys and the
		// rebuild's DROP TABLE fails rather than leaving references dangling.
		if _, err := s.writer.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return fmt.Errorf("foreign keys off: %w", mapError(err))
		}
		defer func() {
			// Not ctx: a cancelled Open must not leave the writer without enforcement.
			if _, onErr := s.writer.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); onErr != nil && err == nil {
				err = fmt.Errorf("foreign keys on: %w", mapError(onErr))
			}
		}()
	}
	return s.write(ctx, func(tx *dbTx) error {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		if m.foreignKeysOff {
			if err := checkForeignKeys(ctx, tx); err != nil {
				return err
			}
		}
		// PRAGMA takes no bound parameters; the version is an integer we produced.
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
		return err
	})
}

// checkForeignKeys fails if any row references a row that does not exist, naming the
// first.
func checkForeignKeys(ctx context.Context, tx *dbTx) error {
	var (
		table, parent string
		rowid         sql.NullInt64
		fk            int
	)
	err := tx.QueryRowContext(ctx, "PRAGMA foreign_key_check").Scan(&table, &rowid, &parent, &fk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	return fmt.Errorf("foreign key check: a row of %s (rowid %d) references a missing row of %s", table, rowid.Int64, parent)
}
