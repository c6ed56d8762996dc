package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to dest while the server keeps running.
//
// VACUUM INTO reads one snapshot, so the copy holds every transaction committed before it
// started and none after. It writes to a temporary file beside dest that is synced and
// renamed into place, so dest is either the whole backup or absent, never half a file.
// An existing dest is not overwritten.
func (s *Store) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup: resolve %q: %w", dest, err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup: %s already exists", abs)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := abs + ".partial"
	_ = os.Remove(tmp) // left over by an interrupted backup
	if _, err := s.reader.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", abs, mapError(err))
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(filepath.Dir(abs)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s for sync: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
