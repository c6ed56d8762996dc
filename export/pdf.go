package export

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page layout in millimetres on A4, and type sizes in points. Body text is 9.5 pt, the
// size of a printed lab report; nothing a doctor must read is under 7 pt.
const (
	pdfFont         = "Helvetica"
	pdfMarginX      = 15.0
	pdfMarginTop    = 18.0
	pdfMarginBottom = 16.0
	pdfBody         = 9.5
	pdfSmall        = 8.0
	pdfLineH        = 4.4 // line height of body text
	pdfSmallLineH   = 3.8
)

// pdfDoc writes the report onto A4 pages. Every string goes through pdfText or pdfLineH
// before it reaches fpdf, which takes cp1252 bytes for the core font.
type pdfDoc struct {
	pdf   *fpdf.Fpdf
	r     *Report
	width float64 // of the text column
}

// PDF writes the doctor's report as an A4 PDF: the same report as the HTML share page,
// for paper. Urgency, abnormal values and severity are spelled out in words, letters
// and digits as well as shades, so a black-and-white print loses nothing.
func PDF(j *Journal, w io.Writer) error {
	d := newPDFDoc(NewReport(j))
	d.title()
	d.flags()
	d.seriesSection("Lab results", d.r.Labs, "No lab results in this period.")
	d.seriesSection("Vital signs", d.r.Vitals, "No vital signs in this period.")
	d.adherence()
	d.symptoms()
	d.notes()
	d.closing()
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	return nil
}

func newPDFDoc(r *Report) *pdfDoc {
	p := fpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{pdf: p, r: r}
	pageW, _ := p.GetPageSize()
	d.width = pageW - 2*pdfMarginX
	p.SetMargins(pdfMarginX, pdfMarginTop, pdfMarginX)
	p.SetAutoPageBreak(true, pdfMarginBottom)
	p.SetCellMargin(0)
	p.AliasNbPages("{nb}")
	p.SetCatalogSort(true) // the same journal gives the same bytes
	if !r.GeneratedAt.IsZero() {
		p.SetCreationDate(r.GeneratedAt)
		p.SetModificationDate(r.GeneratedAt)
	}
	title := "Medication journal: " + r.PatientName + ", " + formatPeriod(r.Start, r.End)
	p.SetTitle(title, true)
	p.SetSubject("Medication side-effect journal for a clinician", true)
	p.SetCreator("medjournal", true)
	p.SetLang("en")
	p.SetHeaderFuncMode(d.header, true)
	p.SetFooterFunc(d.footer)
	p.SetFont(pdfFont, "", pdfBody)
	p.SetTextColor(0, 0, 0)
	p.AddPage()
	return d
}

// header names the patient on every page after the first, so that a loose page is
// still known.
func (d *pdfDoc) header() {
	if d.pdf.PageNo() == 1 {
		return
	}
	p := d.pdf
	p.SetFont(pdfFont, "", pdfSmall)
	p.SetTextColor(60, 60, 60)
	p.SetXY(pdfMarginX, 9)
	p.CellFormat(d.width, 4, pdfLine("Medication journal: "+d.r.PatientName+" · "+formatPeriod(d.r.Start, d.r.End)), "B", 0, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// footer numbers the pages, "page N of M", and says when the report was made.
func (d *pdfDoc) footer() {
	p := d.pdf
	p.SetY(-11)
	p.SetFont(pdfFont, "", pdfSmall)
	p.SetTextColor(60, 60, 60)
	left := "medjournal"
	if g := formatGenerated(d.r.GeneratedAt); g != "" {
		left += " · generated " + g
	}
	p.CellFormat(d.width/2, 4, pdfLine(left), "", 0, "L", false, 0, "")
	p.CellFormat(d.width/2, 4, fmt.Sprintf("page %d of {nb}", p.PageNo()), "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// space starts a new page unless h millimetres fit on this one.
func (d *pdfDoc) space(h float64) {
	_, pageH := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > pageH-pdfMarginBottom {
		d.pdf.AddPage()
	}
}

// heading starts a section; it keeps the heading with at least keep mm of what follows.
func (d *pdfDoc) heading(text string, keep float64) {
	p := d.pdf
	d.space(14 + keep)
	if p.GetY() > pdfMarginTop+1 {
		p.Ln(5)
	}
	p.SetFont(pdfFont, "B", 13)
	p.SetLineWidth(0.5)
	p.CellFormat(d.width, 7, pdfLine(text), "B", 1, "L", false, 0, "")
	p.SetLineWidth(0.2)
	p.Ln(2)
	p.SetFont(pdfFont, "", pdfBody)
}

// subheading heads a flag, a chart or a part of a section.
func (d *pdfDoc) subheading(text string) {
	d.pdf.SetFont(pdfFont, "B", 10.5)
	d.pdf.MultiCell(d.width, 5, pdfText(text), "", "L", false)
	d.pdf.SetFont(pdfFont, "", pdfBody)
}

// para writes wrapped text at the left margin.
func (d *pdfDoc) para(text, style string, size, lineH float64) {
	d.pdf.SetFont(pdfFont, style, size)
	d.pdf.SetX(pdfMarginX)
	d.pdf.MultiCell(d.width, lineH, pdfText(text), "", "L", false)
	d.pdf.SetFont(pdfFont, "", pdfBody)
}

// muted writes a line of small grey text.
func (d *pdfDoc) muted(text string) {
	d.pdf.SetTextColor(70, 70, 70)
	d.para(text, "", pdfSmall, pdfSmallLineH)
	d.pdf.SetTextColor(0, 0, 0)
}

// lines counts the lines text takes at width in the given font.
func (d *pdfDoc) lines(text, style string, size, width float64) int {
	if text == "" {
		return 0
	}
	d.pdf.SetFont(pdfFont, style, size)
	n := len(d.pdf.SplitLines([]byte(pdfText(text)), width))
	d.pdf.SetFont(pdfFont, "", pdfBody)
	return max(n, 1)
}

func (d *pdfDoc) title() {
	p, r := d.pdf, d.r
	p.SetFont(pdfFont, "B", 17)
	p.MultiCell(d.width, 8, pdfText("Medication journal: "+r.PatientName), "", "L", false)
	meta := formatPeriod(r.Start, r.End) + " · " + itoa(r.Days()) + plural(r.Days(), " day", " days") +
		" · " + itoa(r.EntryCount) + plural(r.EntryCount, " entry", " entries")
	if r.TimeZone != "" {
		meta += " · times in " + r.TimeZone
	}
	d.para(meta, "", pdfBody, 5)
	if len(r.PatientDetails) > 0 {
		d.para(strings.Join(r.PatientDetails, " · "), "", pdfBody, 5)
	}
	abnormal, missed := 0, 0
	for _, s := range r.Labs {
		abnormal += s.Abnormal()
	}
	for _, a := range r.Adherence {
		missed += a.Missed
	}
	p.Ln(2)
	summary := fmt.Sprintf("%d open %s · %d lab %s out of range · %d missed %s · %d %s",
		len(r.OpenFlags), plural(len(r.OpenFlags), "flag", "flags"),
		abnormal, plural(abnormal, "value", "values"),
		missed, plural(missed, "dose", "doses"),
		len(r.Symptoms.Rows), plural(len(r.Symptoms.Rows), "symptom", "symptoms"))
	p.SetFont(pdfFont, "B", pdfBody)
	p.SetFillColor(238, 238, 238)
	p.SetCellMargin(2)
	p.CellFormat(d.width, 7, pdfLine(summary), "1", 1, "L", true, 0, "")
	p.SetCellMargin(0)
	p.SetFont(pdfFont, "", pdfBody)
}

// closing says what the report is built from.
func (d *pdfDoc) closing() {
	d.pdf.Ln(6)
	d.space(12)
	d.muted("Recorded by the patient in medjournal. Flags are raised by rules from drug labels and guidelines and " +
		"need a clinician's judgement. Reference ranges are the lab's own where the patient entered one, " +
		"otherwise typical adult ranges.")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
