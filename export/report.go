package export

import (
	"slices"
	"strings"
	"time"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Report is what the doctor's report says, worked out once from a Journal so that the PDF
// and the HTML share page say the same thing in the same order. Times are in the
// patient's time zone. Text the patient or a clinician wrote is kept exactly as written:
// escaping it is the renderers' job.
type Report struct {
	PatientName string
	// PatientDetails are short facts from the profile, e.g. "born 1961", "former smoker",
	// "risk factors: history of VTE"; empty when the profile is.
	PatientDetails []string
	// TimeZone names the zone all dates and times are in, e.g. "Europe/Berlin".
	TimeZone string
	// Start and End are the first and last local day of the period (midnight, inclusive).
	Start, End time.Time
	// GeneratedAt is when the report was made; zero if the journal does not say.
	GeneratedAt time.Time

	// OpenFlags are the open and acknowledged flags, most urgent first, then oldest
	// first, as in the clinician's triage queue.
	OpenFlags []ReportFlag
	// ClosedFlags are the resolved, dismissed and withdrawn flags, most recent first.
	ClosedFlags []ReportFlag

	// Labs has one series per lab analyte (alternate LOINC codes for one analyte, such as
	// 751-8 and 26499-4 for neutrophils, share a series), in catalog order.
	Labs []Series
	// Vitals has one series per vital sign, in catalog order.
	Vitals []Series

	// Adherence has one row per medication with doses in the period or in the regimen.
	Adherence []Adherence
	// Symptoms is the symptoms by severity over the period.
	Symptoms SymptomGrid
	// Notes are the notes and the comments on entries, oldest first.
	Notes []ReportNote

	// EntryCount is the number of entries in the period.
	EntryCount int
}

// ReportNote is a note, or a comment on another entry, with its time.
type ReportNote struct {
	Time time.Time
	// About describes the entry a comment belongs to ("Fever (severe)"); empty for a
	// note of its own.
	About string
	Text  string
}

// reportBuilder carries what every part of NewReport needs.
type reportBuilder struct {
	j       *Journal
	loc     *time.Location
	cat     *catalog.Catalog
	meds    map[string]*medjournalv1.Medication
	entries []*medjournalv1.Entry // oldest first, nil entries dropped
	byID    map[string]*medjournalv1.Entry
	report  *Report
}

// NewReport works out the doctor's report from a journal. It never fails: codes the
// catalog does not know are shown as they are, and a nil Location or Catalog means UTC
// and no display names.
func NewReport(j *Journal) *Report {
	if j == nil {
		j = &Journal{}
	}
	b := &reportBuilder{
		j:      j,
		loc:    j.Location,
		cat:    j.Catalog,
		meds:   map[string]*medjournalv1.Medication{},
		byID:   map[string]*medjournalv1.Entry{},
		report: &Report{},
	}
	if b.loc == nil {
		b.loc = time.UTC
	}
	for _, m := range j.Medications {
		if m != nil {
			b.meds[m.GetId()] = m
		}
	}
	for _, e := range j.Entries {
		if e != nil {
			b.entries = append(b.entries, e)
			b.byID[e.GetId()] = e
		}
	}
	// The journal promises oldest first; a stable sort keeps that promise cheap to rely on.
	slices.SortStableFunc(b.entries, func(x, y *medjournalv1.Entry) int {
		return x.GetOccurredTime().AsTime().Compare(y.GetOccurredTime().AsTime())
	})

	r := b.report
	r.EntryCount = len(b.entries)
	b.patient()
	b.period()
	b.flags()
	r.Labs = b.labSeries()
	r.Vitals = b.vitalSeries()
	r.Adherence = b.adherence()
	r.Symptoms = b.symptoms()
	r.Notes = b.notes()
	return r
}

// local turns a timestamp into the patient's time zone.
func (b *reportBuilder) local(t time.Time) time.Time { return t.In(b.loc) }

// entryTime is when an entry happened, in the patient's time zone.
func (b *reportBuilder) entryTime(e *medjournalv1.Entry) time.Time {
	return b.local(e.GetOccurredTime().AsTime())
}

func (b *reportBuilder) patient() {
	r, p := b.report, b.j.Patient
	r.PatientName = strings.TrimSpace(p.GetDisplayName())
	if r.PatientName == "" {
		r.PatientName = "Patient"
	}
	r.TimeZone = b.loc.String()
	if r.TimeZone == "" || r.TimeZone == "Local" {
		r.TimeZone = p.GetTimeZone()
	}
	prof := p.GetProfile()
	if y := prof.GetBirthYear(); y != 0 {
		r.PatientDetails = append(r.PatientDetails, "born "+itoa(int(y)))
	}
	switch prof.GetSex() {
	case medjournalv1.Sex_SEX_FEMALE:
		r.PatientDetails = append(r.PatientDetails, "female")
	case medjournalv1.Sex_SEX_MALE:
		r.PatientDetails = append(r.PatientDetails, "male")
	}
	switch prof.GetSmokingStatus() {
	case medjournalv1.SmokingStatus_SMOKING_STATUS_NEVER:
		r.PatientDetails = append(r.PatientDetails, "never smoked")
	case medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER:
		r.PatientDetails = append(r.PatientDetails, "former smoker")
	case medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT:
		r.PatientDetails = append(r.PatientDetails, "current smoker")
	}
	if rf := prof.GetRiskFactors(); len(rf) > 0 {
		names := make([]string, len(rf))
		for i, code := range rf {
			names[i] = code
			if f, ok := lookup(b.cat, (*catalog.Catalog).RiskFactor, code); ok && f.GetDisplayName() != "" {
				names[i] = f.GetDisplayName()
			}
		}
		r.PatientDetails = append(r.PatientDetails, "risk factors: "+strings.Join(names, ", "))
	}
}

// period sets the first and last local day. To is exclusive, so a period ending at
// midnight ends on the day before.
func (b *reportBuilder) period() {
	r := b.report
	if !b.j.GeneratedAt.IsZero() {
		r.GeneratedAt = b.local(b.j.GeneratedAt)
	}
	fallback := r.GeneratedAt
	if fallback.IsZero() {
		fallback = time.Unix(0, 0)
	}
	switch {
	case !b.j.From.IsZero():
		r.Start = startOfDay(b.local(b.j.From))
	case len(b.entries) > 0:
		r.Start = startOfDay(b.entryTime(b.entries[0]))
	default:
		r.Start = startOfDay(b.local(fallback))
	}
	switch {
	case !b.j.To.IsZero():
		r.End = startOfDay(b.local(b.j.To.Add(-time.Nanosecond)))
	case len(b.entries) > 0:
		r.End = startOfDay(b.entryTime(b.entries[len(b.entries)-1]))
	default:
		r.End = startOfDay(b.local(fallback))
	}
	if r.End.Before(r.Start) {
		r.End = r.Start
	}
}

// DayLabel prints a day inside the period: "3 Mar" when the period lies within one
// calendar year, else "3 Mar 2026".
func (r *Report) DayLabel(t time.Time) string {
	if r.Start.Year() == r.End.Year() {
		return formatShortDate(t)
	}
	return formatDate(t)
}

// DaysLabel lists days inside the period: "6 Mar, 19 Mar".
func (r *Report) DaysLabel(days []time.Time) string {
	s := make([]string, len(days))
	for i, d := range days {
		s[i] = r.DayLabel(d)
	}
	return strings.Join(s, ", ")
}

// Days is the number of local days in the period.
func (r *Report) Days() int { return dayIndex(r.Start, r.End) + 1 }

// startOfDay is local midnight of t's day (the first instant of the day where a time
// change skips midnight).
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// dayIndex counts calendar days from start's day to t's day, by the date alone, so a
// day of 23 or 25 hours counts as one.
func dayIndex(start, t time.Time) int {
	sy, sm, sd := start.Date()
	ty, tm, td := t.Date()
	a := time.Date(sy, sm, sd, 0, 0, 0, 0, time.UTC).Unix()
	c := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Unix()
	return int((c - a) / 86400) // Unix seconds: a Duration would saturate after 292 years
}

// addDays is midnight of the day n days after t's day.
func addDays(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, t.Location())
}

// lookup calls a catalog lookup, treating a nil catalog as one that knows nothing.
func lookup[T any](c *catalog.Catalog, f func(*catalog.Catalog, string) (T, bool), code string) (T, bool) {
	if c == nil {
		var zero T
		return zero, false
	}
	return f(c, code)
}

// notes collects the notes and the comments on other entries, oldest first.
func (b *reportBuilder) notes() []ReportNote {
	var out []ReportNote
	for _, e := range b.entries {
		t := b.entryTime(e)
		if n, ok := e.GetKind().(*medjournalv1.Entry_Note); ok && n.Note.GetText() != "" {
			out = append(out, ReportNote{Time: t, Text: n.Note.GetText()})
		}
		if c := e.GetComment(); strings.TrimSpace(c) != "" {
			about := b.describeEntry(e)
			out = append(out, ReportNote{Time: t, About: about, Text: c})
		}
	}
	return out
}
