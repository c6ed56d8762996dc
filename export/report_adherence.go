package export

import (
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Adherence counts the recorded doses of one medication over the period.
type Adherence struct {
	MedicationID string
	// Name is what the patient calls it, with the drug: "Rinvoq 15 mg (Upadacitinib)".
	Name string
	// Regimen is the usual dose, route and schedule: "15 mg · oral · once daily".
	Regimen                string
	Taken, Missed, Skipped int
	// MissedDays and SkippedDays are the local days with a missed or skipped dose.
	MissedDays, SkippedDays []time.Time
}

// Percent is the share of doses taken among those taken or missed. Skipped doses are
// left out: they were not taken on purpose (on a clinician's advice), which is not a
// lapse in adherence. ok is false when no dose was taken or missed.
func (a Adherence) Percent() (p float64, ok bool) {
	n := a.Taken + a.Missed
	if n == 0 {
		return 0, false
	}
	return 100 * float64(a.Taken) / float64(n), true
}

// PercentLabel prints Percent, or "–" when there is nothing to count.
func (a Adherence) PercentLabel() string {
	if p, ok := a.Percent(); ok {
		return formatPercent(p)
	}
	return "–"
}

// adherence has a row for every medication of the regimen taken during the period (by
// its start and end dates) and for every medication with doses recorded, in the order
// of the regimen; doses of a medication not in the regimen come last.
func (b *reportBuilder) adherence() []Adherence {
	rows := map[string]*Adherence{}
	var order []string
	add := func(id string) *Adherence {
		if a, ok := rows[id]; ok {
			return a
		}
		a := &Adherence{MedicationID: id, Name: b.medicationName(id)}
		if m, ok := b.meds[id]; ok {
			a.Regimen = regimenLabel(m)
		}
		rows[id] = a
		order = append(order, id)
		return a
	}
	first := b.report.Start.Format(time.DateOnly)
	last := b.report.End.Format(time.DateOnly)
	for _, m := range b.j.Medications {
		if m == nil {
			continue
		}
		// Dates are YYYY-MM-DD, so they compare as strings.
		if (m.GetStartDate() == "" || m.GetStartDate() <= last) && (m.GetEndDate() == "" || m.GetEndDate() >= first) {
			add(m.GetId())
		}
	}
	for _, e := range b.entries {
		k, ok := e.GetKind().(*medjournalv1.Entry_Dose)
		if !ok {
			continue
		}
		a := add(k.Dose.GetMedicationId())
		day := startOfDay(b.entryTime(e))
		switch k.Dose.GetStatus() {
		case medjournalv1.DoseStatus_DOSE_STATUS_TAKEN:
			a.Taken++
		case medjournalv1.DoseStatus_DOSE_STATUS_MISSED:
			a.Missed++
			a.MissedDays = appendDay(a.MissedDays, day)
		case medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED:
			a.Skipped++
			a.SkippedDays = appendDay(a.SkippedDays, day)
		}
	}
	out := make([]Adherence, 0, len(order))
	var unknown []Adherence
	for _, id := range order {
		if _, ok := b.meds[id]; ok {
			out = append(out, *rows[id])
		} else {
			unknown = append(unknown, *rows[id])
		}
	}
	return append(out, unknown...)
}

// appendDay adds a day to a list in time order unless it is the last one already.
func appendDay(days []time.Time, day time.Time) []time.Time {
	if n := len(days); n > 0 && days[n-1].Equal(day) {
		return days
	}
	return append(days, day)
}

// regimenLabel prints a medication's usual dose, route and schedule.
func regimenLabel(m *medjournalv1.Medication) string {
	var parts []string
	if m.GetDoseAmount() != 0 {
		parts = append(parts, strings.TrimSpace(formatValue(m.GetDoseAmount())+" "+m.GetDoseUnit()))
	}
	for _, s := range []string{m.GetRoute(), m.GetSchedule()} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if m.GetStartDate() != "" {
		parts = append(parts, "since "+formatISODate(m.GetStartDate()))
	}
	if m.GetEndDate() != "" {
		parts = append(parts, "until "+formatISODate(m.GetEndDate()))
	}
	return strings.Join(parts, " · ")
}

// formatISODate prints a "YYYY-MM-DD" date like the report's other dates; anything else
// is printed as it is.
func formatISODate(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return formatDate(t)
	}
	return s
}
