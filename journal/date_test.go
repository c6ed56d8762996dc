package journal_test

import (
	"testing"
	"time"

	"github.com/medjournal/medjournal/journal"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"2024-02-29", time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC)},
		{"2026-12-31", time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC)},
		{"2000-02-29", time.Date(2000, time.February, 29, 0, 0, 0, 0, time.UTC)},
		{"2023-02-29", time.Time{}},
		{"1900-02-29", time.Time{}}, // divisible by 100, not by 400
		{"2026-02-30", time.Time{}},
		{"2026-04-31", time.Time{}},
		{"2026-00-10", time.Time{}},
		{"2026-01-00", time.Time{}},
		{"2026-1-5", time.Time{}},
		{"2026-01-5", time.Time{}},
		{"26-01-05", time.Time{}},
		{"2026/01/05", time.Time{}},
		{"2026-01-05T00:00:00Z", time.Time{}},
		{" 2026-01-05", time.Time{}},
		{"+202-01-05", time.Time{}},
		{"２０２６-01-05", time.Time{}}, // full-width digits
		{"", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := journal.ParseDate(tc.in)
			if tc.want.IsZero() {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
