package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// openForStatements opens a store with three patient accounts and returns it.
func openForStatements(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "stmts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i := range 3 {
		if _, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("s%d@example.com", i),
			DisplayName: "S", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

const emailsQuery = `SELECT email FROM accounts ORDER BY email`

// TestStatementsArePreparedAfterFirstUse: a query run in a transaction is prepared once the
// transaction is over, and later transactions use the prepared statement.
func TestStatementsArePreparedAfterFirstUse(t *testing.T) {
	s := openForStatements(t)
	ctx := context.Background()
	count := func() int {
		n := 0
		err := s.read(ctx, func(tx *dbTx) error {
			rows, err := tx.QueryContext(ctx, emailsQuery)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				n++
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 3 {
		t.Fatalf("first read saw %d accounts, want 3", n)
	}
	s.readerStmts.mu.Lock()
	_, wanted := s.readerStmts.wanted[emailsQuery]
	s.readerStmts.mu.Unlock()
	if !wanted {
		t.Fatal("a query run once was not noted for preparing")
	}
	for range 3 {
		if n := count(); n != 3 {
			t.Fatalf("a prepared read saw %d accounts, want 3", n)
		}
	}
	s.readerStmts.mu.Lock()
	st := s.readerStmts.stmts[emailsQuery]
	s.readerStmts.mu.Unlock()
	if st == nil {
		t.Fatal("the query was not prepared after its first transaction")
	}
}

// TestNestedSameQueryKeepsTheOuterRows: a loop over a prepared query that runs the same
// query inside must still see every row. SQLite has one cursor per prepared statement, so
// handing the inner query the same statement would reset the outer loop.
func TestNestedSameQueryKeepsTheOuterRows(t *testing.T) {
	s := openForStatements(t)
	ctx := context.Background()
	warm := func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx, emailsQuery)
		if err != nil {
			return err
		}
		return rows.Close()
	}
	for range 2 { // once to note the query, once to run after it was prepared
		if err := s.read(ctx, warm); err != nil {
			t.Fatal(err)
		}
	}
	var outer, inner int
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx, emailsQuery)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() && outer < 10 { // a reset cursor starts over: stop, and fail below
			outer++
			in, err := tx.QueryContext(ctx, emailsQuery)
			if err != nil {
				return err
			}
			for in.Next() {
				inner++
			}
			if err := in.Close(); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if outer != 3 || inner != 9 {
		t.Errorf("outer loop saw %d rows and inner queries %d, want 3 and 9", outer, inner)
	}
}

// TestWritesUsePreparedStatementsInTheCommitLoop: the writer's only connection is held by
// the commit loop's transaction, so preparing must not wait for it. Many writes of the
// same statements, concurrent and sequential, all land.
func TestWritesUsePreparedStatementsInTheCommitLoop(t *testing.T) {
	s := openForStatements(t)
	ctx := context.Background()
	for i := range 20 {
		_, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("w%d@example.com", i),
			DisplayName: "W", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			t.Fatal(err)
		}
	}
	s.writerStmts.mu.Lock()
	prepared := len(s.writerStmts.stmts)
	s.writerStmts.mu.Unlock()
	if prepared == 0 {
		t.Error("no write statement was prepared after 20 writes")
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 23 {
		t.Errorf("%d accounts, want 23", n)
	}
}

// TestPreparingUnderLoadDoesNotDeadlock: right after opening, when every query is being
// prepared, many clients write and read at once. A statement prepared twice once had its
// copy in use closed while the cache's lock was held; a user of that copy waiting for a
// connection, and the connections' owners waiting for the lock, hung the store.
//
// Each client does what creating an entry with the rules does of the store: the first time,
// before the workflow caches the patient's journal for the rules, it reads what the rules
// read on a snapshot; then it inserts the entry, and lists the journal's first page.
func TestPreparingUnderLoadDoesNotDeadlock(t *testing.T) {
	for round := range 4 {
		ctx := context.Background()
		s, err := Open(ctx, filepath.Join(t.TempDir(), fmt.Sprint("load", round, ".db")))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var patients []string
		for i := range 8 {
			p, err := s.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("load%d-%d@example.com", round, i),
				DisplayName: "L", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
			if err != nil {
				t.Fatal(err)
			}
			patients = append(patients, p.Id)
		}
		done := make(chan error, 64)
		for w := range 64 {
			go func() {
				for i := range 25 {
					p := patients[(w+i)%len(patients)]
					e := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: timestamppb.Now(),
						Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "load"}}}
					if i == 0 { // the patient's journal is not cached for the rules yet
						if err := s.ReadJournal(ctx, func(r storage.JournalReader) error { return readForRules(ctx, r, p, e) }); err != nil {
							done <- err
							return
						}
					}
					err := s.WriteJournal(ctx, true, func(tx storage.JournalTx) error {
						if err := tx.CheckDoseMedication(ctx, p, e); err != nil {
							return err
						}
						_, _, err := tx.InsertEntry(ctx, p, e)
						return err
					})
					if err != nil {
						done <- err
						return
					}
					if _, err := s.ListEntries(ctx, storage.EntryFilter{PatientID: p, Limit: 11}); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
		}
		timeout := time.After(2 * time.Minute)
		for range 64 {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-timeout:
				t.Fatalf("round %d: clients still waiting after 2 minutes: the store is stuck", round)
			}
		}
	}
}

// readForRules reads what the rules read for an entry: the patient's journal version, the
// entries and lab results around it, the medications and the profile.
func readForRules(ctx context.Context, r storage.JournalReader, patientID string, e *medjournalv1.Entry) error {
	at := e.GetOccurredTime().AsTime()
	if _, err := r.JournalVersion(ctx, patientID); err != nil {
		return err
	}
	if _, err := r.RuleEntries(ctx, patientID, false, at.Add(-24*time.Hour), at.Add(24*time.Hour)); err != nil {
		return err
	}
	if _, err := r.RuleEntries(ctx, patientID, true, at.Add(-24*time.Hour), at); err != nil {
		return err
	}
	if _, err := r.Medications(ctx, patientID); err != nil {
		return err
	}
	_, err := r.Account(ctx, patientID)
	return err
}
