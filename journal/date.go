package journal

import (
	"fmt"
	"time"
)

// ParseDate parses a calendar day written "YYYY-MM-DD" strictly: four-digit year,
// two-digit month and day, and a day that exists (2024-02-29 does, 2023-02-29 does not).
// The result is midnight UTC of that day: a civil date, not an instant, so callers put it
// in the patient's time zone themselves. The error is meant for the person who typed the
// date and can serve as a FieldError message.
func ParseDate(s string) (time.Time, error) {
	// time.Parse alone would do, but checking the shape first gives the clearer message
	// for "2026-1-5" and keeps odd input away from the parser's corner cases.
	if !isDateShape(s) {
		return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a day of the calendar", s)
	}
	return t, nil
}

// isDateShape reports whether s is ten bytes: digits with hyphens at 4 and 7.
func isDateShape(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		default:
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}
