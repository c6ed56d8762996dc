package export

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// ReportLinks are the download links the share page offers for the same period. An
// empty URL means no link.
type ReportLinks struct {
	PDF, CSV, FHIR string
}

//go:embed templates/report.html templates/report.css
var templateFS embed.FS

// reportCSS is the exact content of the page's one <style> element; ReportStyleHash is
// computed from it.
var reportCSS = mustRead("templates/report.css")

var reportTemplate = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"period":    formatPeriod,
	"generated": formatGenerated,
	"datetime":  formatDateTime,
	"value":     formatValue,
	"withUnit":  withUnit,
	"iso":       func(t time.Time) string { return t.Format(time.RFC3339) },
	"join":      strings.Join,
	"lower":     strings.ToLower,
	"open":      isOpen,
	"sev":       func(s medjournalv1.Severity) int { return int(s) },
	"severity":  severityLabel,
	"num":       svgNum,
	"plus":      func(a, b float64) float64 { return a + b },
	"minus":     func(a, b float64) float64 { return a - b },
	"right":     func(r svgRect) float64 { return r.X + r.W },
	"bottom":    func(r svgRect) float64 { return r.Y + r.H },
	"plural":    plural,
	"gridHeads": gridHeads,
}).ParseFS(templateFS, "templates/report.html"))

// ReportStyleHash returns the Content-Security-Policy hash source of the share page's
// <style> element, e.g. "'sha256-…'". The page has no scripts, no other styles and no
// style attributes, so the server can send
//
//	Content-Security-Policy: default-src 'none'; style-src 'sha256-…'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'
//
// and the browser applies that block and nothing else.
func ReportStyleHash() string { return styleHash }

var styleHash = func() string {
	sum := sha256.Sum256([]byte(reportCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// seriesView is what the "series" template draws: the series and its chart.
type seriesView struct {
	R *Report
	S Series
	C svgChart
}

// seriesGroup is a section of series: those drawn as charts, and the others, listed
// in a table.
type seriesGroup struct {
	R       *Report
	Charted []seriesView
	Others  []Series
}

func newSeriesGroup(r *Report, series []Series) seriesGroup {
	g := seriesGroup{R: r}
	for _, s := range series {
		if s.Chart {
			g.Charted = append(g.Charted, seriesView{R: r, S: s, C: newSVGChart(r, s)})
		} else {
			g.Others = append(g.Others, s)
		}
	}
	return g
}

// htmlPage is the data of the report template.
type htmlPage struct {
	R            *Report
	Links        ReportLinks
	CSS          template.CSS
	Labs, Vitals seriesGroup
	AbnormalLabs int
	MissedDoses  int
}

// HTML writes the doctor's report as one self-contained HTML page: the share page. It
// loads nothing (no scripts, fonts or images; charts are inline SVG), and every value
// is escaped by html/template, so the patient's text shows as text whatever it holds.
func HTML(j *Journal, w io.Writer, links ReportLinks) error {
	r := NewReport(j)
	p := htmlPage{R: r, Links: links, CSS: template.CSS(reportCSS),
		Labs: newSeriesGroup(r, r.Labs), Vitals: newSeriesGroup(r, r.Vitals)}
	for _, s := range r.Labs {
		p.AbnormalLabs += s.Abnormal()
	}
	for _, a := range r.Adherence {
		p.MissedDoses += a.Missed
	}
	if err := reportTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// gridHead is a header cell of the symptom grid, spanning one or more columns.
type gridHead struct {
	Label, Title string
	Span         int
}

// gridHeads heads the symptom grid: a day number over each daily column, or a date over
// every four weekly (or longer) columns, since a date does not fit over one.
func gridHeads(g SymptomGrid) []gridHead {
	span := 1
	if g.ColumnDays() > 1 {
		span = 4
	}
	var heads []gridHead
	for i := 0; i < len(g.Columns); i += span {
		n := min(span, len(g.Columns)-i)
		first, last := g.Columns[i], g.Columns[i+n-1]
		h := gridHead{Label: first.Label(), Title: first.Title(), Span: n}
		if n > 1 {
			h.Title = formatPeriod(first.Start, addDays(last.Start, last.Days-1))
		}
		if n < span {
			h.Label = "" // the short last group is too narrow for a date
		}
		heads = append(heads, h)
	}
	return heads
}

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return string(b)
}
