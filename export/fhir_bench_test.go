package export_test

import (
	"testing"

	"github.com/medjournal/medjournal/export"
)

// BenchmarkFHIR exports a year of daily entries (about five a day). bytes/export is the
// size of the Bundle.
func BenchmarkFHIR(b *testing.B) {
	j := fixtureYearJournal(b)
	out, err := export.FHIR(j)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := export.FHIR(j); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "bytes/export")
	b.ReportMetric(float64(len(j.Entries)), "entries")
}
