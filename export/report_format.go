package export

import (
	"math"
	"strconv"
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// The report's words for dates, numbers, units and enum values live here, so the PDF and
// the HTML page print them alike.

const (
	dateLayout      = "2 Jan 2006"
	shortDateLayout = "2 Jan"
	timeLayout      = "15:04"
)

// formatDate prints a local day, e.g. "3 Mar 2026".
func formatDate(t time.Time) string { return t.Format(dateLayout) }

// formatShortDate prints a day without the year, e.g. "3 Mar", for lists inside a period.
func formatShortDate(t time.Time) string { return t.Format(shortDateLayout) }

// formatDateTime prints a local time, e.g. "3 Mar 2026 08:15".
func formatDateTime(t time.Time) string { return t.Format(dateLayout + " " + timeLayout) }

// formatGenerated prints the time the report was made, with its zone abbreviation.
func formatGenerated(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout + " " + timeLayout + " MST")
}

// formatPeriod prints the period, e.g. "1 Mar 2026 – 31 Mar 2026".
func formatPeriod(start, end time.Time) string {
	if start.Equal(end) {
		return formatDate(start)
	}
	return formatDate(start) + " – " + formatDate(end)
}

// formatValue prints a measured value with up to four significant digits and no
// trailing zeros: 0.95, 37.8, 250, 1234.
func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "not a number"
	case math.IsInf(v, 1):
		return "infinite"
	case math.IsInf(v, -1):
		return "-infinite"
	}
	a := math.Abs(v)
	if a != 0 && (a >= 1e7 || a < 1e-3) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	decimals := 0
	if a > 0 {
		decimals = max(0, min(3, 3-int(math.Floor(math.Log10(a)))))
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatPercent prints a whole-number percentage.
func formatPercent(p float64) string { return strconv.Itoa(int(math.Round(p))) + "%" }

func itoa(n int) string { return strconv.Itoa(n) }

// unitLabels turns the UCUM codes of the catalog into what a lab report prints.
var unitLabels = map[string]string{
	"10*3/uL":          "10³/µL",
	"10*9/L":           "10⁹/L",
	"10*3/mm3":         "10³/mm³",
	"/uL":              "/µL",
	"/mm3":             "/mm³",
	"{cells}/uL":       "cells/µL",
	"umol/L":           "µmol/L",
	"ukat/L":           "µkat/L",
	"[IU]/L":           "IU/L",
	"mL/min/{1.73_m2}": "mL/min/1.73 m²",
	"Cel":              "°C",
	"[degF]":           "°F",
	"mm[Hg]":           "mmHg",
	"{beats}/min":      "/min",
	"{breaths}/min":    "/min",
	"[lb_av]":          "lb",
}

// unitLabel is the printed form of a UCUM unit; units without one print as they are.
func unitLabel(ucum string) string {
	if l, ok := unitLabels[ucum]; ok {
		return l
	}
	return ucum
}

// withUnit joins a value and its printed unit: "0.9 10³/µL", "38.4 °C", "97%".
func withUnit(v float64, ucum string) string {
	switch u := unitLabel(ucum); u {
	case "":
		return formatValue(v)
	case "%":
		return formatValue(v) + u
	default:
		return formatValue(v) + " " + u
	}
}

// urgencyLabel names an urgency in words, so that it never depends on colour alone.
func urgencyLabel(u medjournalv1.Urgency) string {
	switch u {
	case medjournalv1.Urgency_URGENCY_EMERGENCY:
		return "Emergency"
	case medjournalv1.Urgency_URGENCY_URGENT:
		return "Urgent"
	case medjournalv1.Urgency_URGENCY_ROUTINE:
		return "Routine"
	}
	return "Unrated"
}

// urgencyKey is the urgency as a stable lower-case word for HTML attributes and classes.
func urgencyKey(u medjournalv1.Urgency) string { return strings.ToLower(urgencyLabel(u)) }

// statusLabel names a flag status.
func statusLabel(s medjournalv1.FlagStatus) string {
	switch s {
	case medjournalv1.FlagStatus_FLAG_STATUS_OPEN:
		return "Open"
	case medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED:
		return "Acknowledged"
	case medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED:
		return "Resolved"
	case medjournalv1.FlagStatus_FLAG_STATUS_DISMISSED:
		return "Dismissed"
	case medjournalv1.FlagStatus_FLAG_STATUS_WITHDRAWN:
		return "Withdrawn"
	}
	return "Unknown"
}

// categoryLabel names a flag category, e.g. "Blood count".
func categoryLabel(c medjournalv1.Category) string {
	switch c {
	case medjournalv1.Category_CATEGORY_UNSPECIFIED:
		return ""
	case medjournalv1.Category_CATEGORY_GI_PERFORATION:
		return "GI perforation"
	}
	name, ok := strings.CutPrefix(c.String(), "CATEGORY_")
	if !ok {
		return ""
	}
	name = strings.ToLower(strings.ReplaceAll(name, "_", " "))
	return strings.ToUpper(name[:1]) + name[1:]
}

// severityLabel names a PRO-CTCAE severity.
func severityLabel(s medjournalv1.Severity) string {
	switch s {
	case medjournalv1.Severity_SEVERITY_MILD:
		return "mild"
	case medjournalv1.Severity_SEVERITY_MODERATE:
		return "moderate"
	case medjournalv1.Severity_SEVERITY_SEVERE:
		return "severe"
	case medjournalv1.Severity_SEVERITY_VERY_SEVERE:
		return "very severe"
	}
	return "unrated"
}

// doseStatusLabel names a dose status.
func doseStatusLabel(s medjournalv1.DoseStatus) string {
	switch s {
	case medjournalv1.DoseStatus_DOSE_STATUS_TAKEN:
		return "taken"
	case medjournalv1.DoseStatus_DOSE_STATUS_MISSED:
		return "missed"
	case medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED:
		return "skipped"
	}
	return "status unknown"
}
