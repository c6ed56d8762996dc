package flagging_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/store"
)

// BenchmarkCreateEntryWithRules measures storing one entry and evaluating it against the
// rules for a patient with a week, one year and two years of daily history. The workflow
// hands the engine only the rules' windows (lab history reaches back 400 days for
// baselines), so a year and two years must cost the same.
func BenchmarkCreateEntryWithRules(b *testing.B) {
	for _, days := range []int{7, 365, 730} {
		b.Run(fmt.Sprintf("history=%dd", days), func(b *testing.B) {
			ctx := context.Background()
			svc, st, cat := openWithRules(b, filepath.Join(b.TempDir(), "bench.db"))
			p, err := st.CreateAccount(ctx, &medjournalv1.Account{Email: "bench@example.com", DisplayName: "B",
				Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "Europe/Berlin"}, "h")
			if err != nil {
				b.Fatal(err)
			}
			med, err := st.CreateMedication(ctx, p.Id, &medjournalv1.Medication{DrugCode: "upadacitinib"})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
			now := start.AddDate(0, 0, days+1)
			history := yearOfEntries(b, cat, med.Id, start, days, now)
			for i := 0; i < len(history); i += 500 {
				batch := history[i:min(i+500, len(history))]
				if _, err := svc.Sync(ctx, flagging.SyncBatch{PatientID: p.Id, Upserts: batch, Limit: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				e := normalized(b, cat, &medjournalv1.Entry{Id: uuid.NewString(),
					OccurredTime: timestamppb.New(now.Add(time.Duration(i) * time.Second)),
					Kind:         &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 37.1, Unit: "Cel"}}}, now)
				if _, _, err := svc.CreateEntry(ctx, p.Id, e); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// yearOfEntries makes a realistic daily journal: a dose, a temperature, a symptom, and a
// blood count every two weeks.
func yearOfEntries(b *testing.B, cat *catalog.Catalog, medID string, start time.Time, days int, now time.Time) []*medjournalv1.Entry {
	var out []*medjournalv1.Entry
	for d := range days {
		day := start.AddDate(0, 0, d)
		add := func(offset time.Duration, e *medjournalv1.Entry) {
			e.Id, e.OccurredTime = uuid.NewString(), timestamppb.New(day.Add(offset))
			out = append(out, normalized(b, cat, e, now))
		}
		add(0, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: medID, Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}})
		add(time.Hour, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 36.8, Unit: "Cel"}}})
		add(2*time.Hour, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: "joint_pain", Severity: medjournalv1.Severity_SEVERITY_MILD}}})
		if d%14 == 0 {
			add(3*time.Hour, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "751-8", Value: 3.1, Unit: "10*3/uL"}}})
			add(3*time.Hour, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{Code: "718-7", Value: 13.2, Unit: "g/dL"}}})
		}
	}
	return out
}

func normalized(b *testing.B, cat *catalog.Catalog, e *medjournalv1.Entry, now time.Time) *medjournalv1.Entry {
	if err := journal.NormalizeEntry(cat, e, "entry", now); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkCreateEntryParallel measures durable entry writes (with rules) from many
// concurrent clients, the case group commit is for: each commit waits for the disk. With
// 64 patients each of the 64 writers is mostly alone with its patient; with 32, two
// devices of each patient write at once, so one of two pre-evaluations misses the other's
// entry and the writer evaluates it again (from the cache and its group's creates).
func BenchmarkCreateEntryParallel(b *testing.B) {
	for _, patients := range []int{64, 32} {
		b.Run(fmt.Sprintf("patients=%d", patients), func(b *testing.B) { benchmarkCreateEntryParallel(b, patients) })
	}
}

func benchmarkCreateEntryParallel(b *testing.B, n int) {
	ctx := context.Background()
	svc, st, cat := openWithRules(b, filepath.Join(b.TempDir(), "bench.db"))
	var patients []string
	for i := range n {
		p, err := st.CreateAccount(ctx, &medjournalv1.Account{Email: fmt.Sprintf("p%d@example.com", i), DisplayName: "P",
			Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "UTC"}, "h")
		if err != nil {
			b.Fatal(err)
		}
		patients = append(patients, p.Id)
	}
	now := time.Now()
	var next atomic.Int64
	b.SetParallelism(32) // 64 writers on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			e := normalized(b, cat, &medjournalv1.Entry{Id: uuid.NewString(),
				OccurredTime: timestamppb.New(now.Add(-time.Duration(i) * time.Second)),
				Kind:         &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 36.9, Unit: "Cel"}}}, now)
			if _, _, err := svc.CreateEntry(ctx, patients[i%int64(len(patients))], e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// openWithRules opens the database at path, closed when the benchmark ends, and the
// workflow over it with the real catalog and rule engine.
func openWithRules(tb testing.TB, path string) (*flagging.Service, *store.Store, *catalog.Catalog) {
	tb.Helper()
	cat, err := catalog.Load()
	if err != nil {
		tb.Fatal(err)
	}
	engine, err := rules.Load(cat)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return flagging.New(st, flagging.RuleEvaluator(engine), flagging.Config{}), st, cat
}
