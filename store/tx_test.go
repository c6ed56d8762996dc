package store

import (
	"context"
	"testing"
)

// TestWriteOutlivesItsRequest: a write whose request goes away while its statements run
// still runs to the end and commits with its group, rather than stopping half-way (its
// outcome is decided once its group runs; the client's retry finds it stored). Reads keep
// stopping with their caller.
func TestWriteOutlivesItsRequest(t *testing.T) {
	s, _ := openTemp(t)
	p := createPatient(t, s, "ctx@example.com")
	ctx, cancel := context.WithCancel(context.Background())
	err := s.write(ctx, func(tx *dbTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = 'first' WHERE id = ?`, p); err != nil {
			return err
		}
		cancel() // the client hangs up between two statements of its write
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = 'second' WHERE id = ?`, p)
		return err
	})
	if err != nil {
		t.Fatalf("write after its request ended: %v", err)
	}
	var name string
	if err := s.reader.QueryRowContext(context.Background(), `SELECT display_name FROM accounts WHERE id = ?`, p).Scan(&name); err != nil || name != "second" {
		t.Fatalf("display name %q (err %v), want the whole write: second", name, err)
	}
	err = s.read(ctx, func(tx *dbTx) error {
		return tx.QueryRowContext(ctx, `SELECT display_name FROM accounts WHERE id = ?`, p).Scan(&name)
	})
	if err == nil {
		t.Error("a read whose caller has gone still ran")
	}
}
