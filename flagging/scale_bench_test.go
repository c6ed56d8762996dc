package flagging_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// scaleDB returns a database holding total entries: one measured patient with 2,000
// entries (a year and more of daily logging) and other patients filling the rest. It is
// built once per size and kept in the temp directory, since a million entries take a
// minute to write; MEDJOURNAL_SCALE_DIR chooses where.
func scaleDB(b *testing.B, total int) (path, patientID string) {
	b.Helper()
	dir := os.Getenv("MEDJOURNAL_SCALE_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "medjournal-scale")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path = filepath.Join(dir, fmt.Sprintf("entries-%d.db", total))
	idFile := path + ".patient"
	if id, err := os.ReadFile(idFile); err == nil {
		return path, string(id)
	}
	_ = os.Remove(path)
	ctx := context.Background()
	cat, err := catalog.Load()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := flagging.New(st, nil, flagging.Config{}) // no evaluator: loading history raises no flags
	const perPatient = 2000
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for p := 0; p*perPatient < total; p++ {
		acct, err := st.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("scale-%d@example.com", p),
			DisplayName: "S", Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "Europe/Berlin"}, "h")
		if err != nil {
			b.Fatal(err)
		}
		if p == 0 {
			patientID = acct.Id
		}
		batch := make([]*medjournalv1.Entry, 0, 500)
		for i := range perPatient {
			e := normalized(b, cat, &medjournalv1.Entry{Id: uuid.NewString(),
				OccurredTime: timestamppb.New(start.Add(time.Duration(i) * 5 * time.Hour)),
				Kind:         &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 36.5 + float64(i%10)/10, Unit: "Cel"}}},
				start.AddDate(5, 0, 0))
			batch = append(batch, e)
			if len(batch) == cap(batch) || i == perPatient-1 {
				if _, err := svc.Sync(ctx, flagging.SyncBatch{PatientID: acct.Id, Upserts: batch, Limit: 1}); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	if err := os.WriteFile(idFile, []byte(patientID), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, patientID
}

// BenchmarkScale measures the per-request work of the read and write paths on databases of
// ten thousand and one million entries. Indexes, keyset pages and the rules' bounded
// windows keep each request's work independent of the database's size; compare the two
// sizes' ns/op (issue target: within 20%).
func BenchmarkScale(b *testing.B) {
	for _, total := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("entries=%d", total), func(b *testing.B) {
			path, patient := scaleDB(b, total)
			ctx := context.Background()
			// Every run works on a fresh copy, so entries written by earlier runs do not
			// pile up in the measured patient's rule windows.
			svc, st, cat := openWithRules(b, copyFile(b, path, filepath.Join(b.TempDir(), "scale.db")))
			// A bound past every entry selects the newest page but bypasses the store's
			// cache of it: this is the cost of reading a page from SQLite.
			b.Run("ListEntries50", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ListEntries(ctx, storage.EntryFilter{PatientID: patient, Limit: 51, To: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The newest page of an unchanged journal, as the app asks for it on opening.
			b.Run("ListEntries50Cached", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ListEntries(ctx, storage.EntryFilter{PatientID: patient, Limit: 51}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("GetDay", func(b *testing.B) {
				day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
				for b.Loop() {
					if _, err := st.EntriesBetween(ctx, patient, day, day.Add(24*time.Hour)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("CreateEntry", func(b *testing.B) {
				// On from where the history ends, at the history's pace: one every 5 hours.
				when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(2000 * 5 * time.Hour)
				i := 0
				for b.Loop() {
					e := normalized(b, cat, &medjournalv1.Entry{Id: uuid.NewString(),
						OccurredTime: timestamppb.New(when.Add(time.Duration(i) * 5 * time.Hour)),
						Kind:         &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 37.0, Unit: "Cel"}}}, when.AddDate(1, 0, 0))
					if _, _, err := svc.CreateEntry(ctx, patient, e); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}

// copyFile copies the database at src to dst and returns dst.
func copyFile(b *testing.B, src, dst string) string {
	b.Helper()
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	// Flushed now, not while the benchmark waits on its own fsyncs behind half a gigabyte
	// of writeback.
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}
