package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
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
}

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
		ms = append(ms, migration{version: version, name: base, sql: string(body)})
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
		err := s.write(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			// PRAGMA takes no bound parameters; the version is an integer we produced.
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}
