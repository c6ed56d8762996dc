package store

import (
	"context"
	"fmt"
)

// SetSizeLimit caps the database file at about maxBytes (0 lifts the cap). Past it,
// writes fail with storage.ErrStorageFull while reads go on, as they would on a full disk; raising
// the cap lets writes resume without a restart. The operator uses it to keep one database
// from filling a shared disk; tests use it to play a full disk.
//
// The limit is a property of the writer's connection (PRAGMA max_page_count), which lives
// as long as the store: there is exactly one and it is never recycled.
func (s *Store) SetSizeLimit(ctx context.Context, maxBytes int64) error {
	var pageSize int64
	if err := s.writer.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return fmt.Errorf("read page size: %w", mapError(err))
	}
	pages := int64(4294967294) // SQLite's own maximum
	if maxBytes > 0 {
		pages = max(1, maxBytes/pageSize)
	}
	// PRAGMA takes no bound parameters; pages is an integer we computed.
	if _, err := s.writer.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		return fmt.Errorf("set size limit: %w", mapError(err))
	}
	return nil
}

// Size returns the database's current size in bytes (pages in use, not counting the WAL).
func (s *Store) Size(ctx context.Context) (int64, error) {
	var pages, pageSize int64
	if err := s.writer.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return 0, fmt.Errorf("read page count: %w", mapError(err))
	}
	if err := s.writer.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return 0, fmt.Errorf("read page size: %w", mapError(err))
	}
	return pages * pageSize, nil
}
