package export

import (
	"cmp"
	"slices"
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// SymptomGrid is the symptoms by severity over the period: one row per symptom, one
// column per day (per week, or longer, for a long period), each cell the worst severity
// logged in it.
type SymptomGrid struct {
	Columns []GridColumn
	Rows    []SymptomRow
}

// ColumnDays is how many days one column covers: 1 for a period of up to two months.
func (g SymptomGrid) ColumnDays() int {
	if len(g.Columns) == 0 {
		return 1
	}
	return g.Columns[0].Days
}

// GridColumn is the stretch of days one column of the grid covers.
type GridColumn struct {
	Start time.Time
	Days  int
}

// Label heads a column: the day of the month for daily columns ("3"), else the first
// day ("3 Mar").
func (c GridColumn) Label() string {
	if c.Days == 1 {
		return itoa(c.Start.Day())
	}
	return formatShortDate(c.Start)
}

// Title says which days a column covers: "Tue 3 Mar 2026" or "3 Mar 2026 – 9 Mar 2026".
func (c GridColumn) Title() string {
	if c.Days == 1 {
		return c.Start.Format("Mon " + dateLayout)
	}
	return formatPeriod(c.Start, addDays(c.Start, c.Days-1))
}

// SymptomRow is one symptom over the period.
type SymptomRow struct {
	Code string
	Name string
	// Days is the number of local days it was logged on; Entries the number of entries.
	Days, Entries int
	Worst         medjournalv1.Severity
	First, Last   time.Time
	// Cells holds the worst severity per column; SEVERITY_UNSPECIFIED where none was logged.
	Cells []medjournalv1.Severity
	// BodySites are the distinct body sites the patient named, as written.
	BodySites []string
}

// WorstLabel is the worst severity in words: "severe".
func (r SymptomRow) WorstLabel() string { return severityLabel(r.Worst) }

// gridColumnDays picks the column width: a day for up to about two months, a week for up
// to about a year, and longer stretches beyond, so a grid never has more than ~60 columns.
func gridColumnDays(days int) int {
	switch {
	case days <= 62:
		return 1
	case days <= 7*54:
		return 7
	}
	return (days + 59) / 60
}

func (b *reportBuilder) symptoms() SymptomGrid {
	r := b.report
	days := r.Days()
	width := gridColumnDays(days)
	var g SymptomGrid
	for d := 0; d < days; d += width {
		g.Columns = append(g.Columns, GridColumn{Start: addDays(r.Start, d), Days: min(width, days-d)})
	}
	rows := map[string]*SymptomRow{}
	lastDay := map[string]int{}
	var order []*SymptomRow
	for _, e := range b.entries {
		k, ok := e.GetKind().(*medjournalv1.Entry_Symptom)
		if !ok {
			continue
		}
		code, sev := k.Symptom.GetCode(), k.Symptom.GetSeverity()
		row, ok := rows[code]
		if !ok {
			row = &SymptomRow{Code: code, Name: b.symptomName(code), Cells: make([]medjournalv1.Severity, len(g.Columns))}
			rows[code] = row
			order = append(order, row)
			lastDay[code] = -1 << 31
		}
		t := b.entryTime(e)
		day := dayIndex(r.Start, t)
		row.Entries++
		if day != lastDay[code] {
			row.Days++
			lastDay[code] = day
		}
		if row.First.IsZero() {
			row.First = t
		}
		row.Last = t
		row.Worst = max(row.Worst, sev)
		if col := day / width; day >= 0 && col < len(row.Cells) {
			row.Cells[col] = max(row.Cells[col], sev)
		}
		if site := strings.TrimSpace(k.Symptom.GetBodySite()); site != "" && !slices.Contains(row.BodySites, site) {
			row.BodySites = append(row.BodySites, site)
		}
	}
	// Worst first, then the most frequent: what a doctor asks about first.
	slices.SortStableFunc(order, func(x, y *SymptomRow) int {
		return cmp.Or(cmp.Compare(y.Worst, x.Worst), cmp.Compare(y.Days, x.Days), strings.Compare(x.Name, y.Name))
	})
	for _, row := range order {
		g.Rows = append(g.Rows, *row)
	}
	return g
}
