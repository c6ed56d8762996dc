package export

import (
	"strings"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// pdfSpan is a paragraph inside a table cell.
type pdfSpan struct {
	text, style string
	size, lineH float64
}

// pdfCell is one table cell: its width, alignment and paragraphs.
type pdfCell struct {
	w     float64
	align string
	spans []pdfSpan
}

func span(text string) pdfSpan { return pdfSpan{text: text, size: pdfBody, lineH: pdfLineH} }

// pdfCellPad is the space left and right of the text in a table cell.
const pdfCellPad = 1.0

// row draws one table row, starting a new page first unless it fits.
func (d *pdfDoc) row(cells []pdfCell, bold bool) {
	p := d.pdf
	p.SetCellMargin(pdfCellPad)
	defer p.SetCellMargin(0)
	h := 0.0
	for _, c := range cells {
		ch := 0.0
		for _, s := range c.spans {
			style := s.style
			if bold {
				style = "B"
			}
			ch += float64(d.lines(s.text, style, s.size, c.w)) * s.lineH
		}
		h = max(h, ch)
	}
	h += 2
	d.space(h)
	top, x := p.GetY(), pdfMarginX
	for _, c := range cells {
		p.SetXY(x, top+1)
		for _, s := range c.spans {
			style := s.style
			if bold {
				style = "B"
			}
			p.SetFont(pdfFont, style, s.size)
			p.SetX(x)
			p.MultiCell(c.w, s.lineH, pdfText(s.text), "", c.align, false)
		}
		x += c.w
	}
	p.SetDrawColor(170, 170, 170)
	p.Line(pdfMarginX, top+h, pdfMarginX+d.width, top+h)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(pdfMarginX, top+h)
	p.SetFont(pdfFont, "", pdfBody)
}

func (d *pdfDoc) adherence() {
	d.heading("Dose adherence", 20)
	if len(d.r.Adherence) == 0 {
		d.para("No medications or doses in this period.", "", pdfBody, pdfLineH)
		return
	}
	widths := []float64{62, 15, 15, 16, 20, d.width - 128}
	aligns := []string{"L", "R", "R", "R", "R", "L"}
	cells := func(texts ...[]pdfSpan) []pdfCell {
		out := make([]pdfCell, len(texts))
		for i, t := range texts {
			out[i] = pdfCell{w: widths[i], align: aligns[i], spans: t}
		}
		return out
	}
	one := func(s string) []pdfSpan { return []pdfSpan{span(s)} }
	header := cells(one("Medication"), one("Taken"), one("Missed"), one("Skipped"), one("Adherence"), one("Days missed"))
	d.row(header, true)
	for _, a := range d.r.Adherence {
		name := []pdfSpan{{text: a.Name, style: "B", size: pdfBody, lineH: pdfLineH}}
		if a.Regimen != "" {
			name = append(name, pdfSpan{text: a.Regimen, size: pdfSmall, lineH: pdfSmallLineH})
		}
		days := []pdfSpan{span("none")}
		if len(a.MissedDays) > 0 {
			days = one(d.r.DaysLabel(a.MissedDays))
		}
		if len(a.SkippedDays) > 0 {
			days = append(days, pdfSpan{text: "skipped: " + d.r.DaysLabel(a.SkippedDays), size: pdfSmall, lineH: pdfSmallLineH})
		}
		d.row(cells(name, one(itoa(a.Taken)), one(itoa(a.Missed)), one(itoa(a.Skipped)), one(a.PercentLabel()), days), false)
	}
	d.pdf.Ln(1.5)
	d.muted("Adherence is taken ÷ (taken + missed); skipped doses were left out on purpose and are not counted.")
}

// Symptom grid layout in millimetres.
const (
	pdfGridName  = 44.0
	pdfGridWorst = 19.0
	pdfGridRow   = 5.0
)

// severityGrey shades a severity from light (mild) to black (very severe); the digit in
// the cell says it in a way no printer can lose.
var severityGrey = map[medjournalv1.Severity]int{1: 228, 2: 180, 3: 105, 4: 25}

func (d *pdfDoc) symptoms() {
	g := d.r.Symptoms
	d.heading("Symptoms by severity", 20)
	if len(g.Rows) == 0 {
		d.para("No symptoms logged in this period.", "", pdfBody, pdfLineH)
		return
	}
	colW := (d.width - pdfGridName - pdfGridWorst) / float64(len(g.Columns))
	d.gridHeader(g, colW)
	for _, row := range g.Rows {
		label := row.Name + " (" + itoa(row.Days) + plural(row.Days, " day)", " days)")
		sites := strings.Join(row.BodySites, ", ")
		h := max(pdfGridRow, float64(d.lines(label, "", pdfSmall, pdfGridName-1))*3.6+float64(d.lines(sites, "", 7, pdfGridName-1))*3.2+1.4)
		if d.pdfRowBreak(h) {
			d.gridHeader(g, colW)
		}
		d.gridRow(row, label, sites, colW, h)
	}
	d.pdf.Ln(2)
	d.severityLegend(g)
}

// pdfRowBreak starts a new page unless h fits, and says whether it did.
func (d *pdfDoc) pdfRowBreak(h float64) bool {
	page := d.pdf.PageNo()
	d.space(h)
	return d.pdf.PageNo() != page
}

func (d *pdfDoc) gridHeader(g SymptomGrid, colW float64) {
	p := d.pdf
	d.space(pdfGridRow * 3)
	y := p.GetY()
	p.SetFont(pdfFont, "B", pdfSmall)
	p.SetXY(pdfMarginX, y)
	p.CellFormat(pdfGridName, pdfGridRow, "Symptom", "", 0, "L", false, 0, "")
	p.CellFormat(pdfGridWorst, pdfGridRow, "Worst", "", 0, "L", false, 0, "")
	p.SetFont(pdfFont, "", 6)
	// Label every column if the labels fit, else every k-th.
	widest := 0.0
	for _, c := range g.Columns {
		widest = max(widest, p.GetStringWidth(pdfLine(c.Label())))
	}
	every := max(1, int((widest+0.8)/colW)+1)
	if widest+0.4 <= colW {
		every = 1
	}
	x0 := pdfMarginX + pdfGridName + pdfGridWorst
	for i, c := range g.Columns {
		if i%every != 0 {
			continue
		}
		label := pdfLine(c.Label())
		lw := p.GetStringWidth(label)
		x := x0 + float64(i)*colW + colW/2 - lw/2
		if every > 1 {
			x = x0 + float64(i)*colW
		}
		if x+lw > pdfMarginX+d.width+0.5 {
			continue // would run off the page: the last, short column
		}
		p.Text(x, y+pdfGridRow-1.3, label)
	}
	p.SetXY(pdfMarginX, y+pdfGridRow)
	p.SetFont(pdfFont, "", pdfBody)
}

func (d *pdfDoc) gridRow(row SymptomRow, label, sites string, colW, h float64) {
	p := d.pdf
	y := p.GetY()
	p.SetDrawColor(200, 200, 200)
	p.SetLineWidth(0.15)
	p.Line(pdfMarginX, y, pdfMarginX+d.width, y)
	p.SetXY(pdfMarginX, y+0.7)
	p.SetFont(pdfFont, "", pdfSmall)
	p.MultiCell(pdfGridName-1, 3.6, pdfText(label), "", "L", false)
	if sites != "" {
		p.SetFont(pdfFont, "I", 7)
		p.SetX(pdfMarginX)
		p.MultiCell(pdfGridName-1, 3.2, pdfText(sites), "", "L", false)
	}
	p.SetFont(pdfFont, "B", pdfSmall)
	p.SetXY(pdfMarginX+pdfGridName, y+0.7)
	p.CellFormat(pdfGridWorst, 3.6, pdfLine(row.WorstLabel()), "", 0, "L", false, 0, "")

	x0 := pdfMarginX + pdfGridName + pdfGridWorst
	digit := min(6.5, colW*2.6)
	for i, sev := range row.Cells {
		x := x0 + float64(i)*colW
		p.SetDrawColor(215, 215, 215)
		p.Rect(x, y+0.4, colW, pdfGridRow-0.8, "D")
		if sev == 0 {
			continue
		}
		grey := severityGrey[min(sev, 4)]
		p.SetFillColor(grey, grey, grey)
		p.Rect(x, y+0.4, colW, pdfGridRow-0.8, "FD")
		if sev >= 3 {
			p.SetTextColor(255, 255, 255)
		}
		p.SetFont(pdfFont, "B", digit)
		s := itoa(int(sev))
		p.Text(x+colW/2-p.GetStringWidth(s)/2, y+pdfGridRow/2+digit*0.13, s)
		p.SetTextColor(0, 0, 0)
	}
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.2)
	p.SetFont(pdfFont, "", pdfBody)
	p.SetXY(pdfMarginX, y+h)
}

// severityLegend explains the digits and shades.
func (d *pdfDoc) severityLegend(g SymptomGrid) {
	p := d.pdf
	d.space(6)
	p.SetFont(pdfFont, "", pdfSmall)
	per := "per day"
	if n := g.ColumnDays(); n > 1 {
		per = "per " + itoa(n) + " days"
	}
	p.CellFormat(p.GetStringWidth("Worst severity "+per+":")+2, 4.5, "Worst severity "+per+":", "", 0, "L", false, 0, "")
	for sev := medjournalv1.Severity(1); sev <= 4; sev++ {
		grey := severityGrey[sev]
		p.SetFillColor(grey, grey, grey)
		p.SetFont(pdfFont, "B", pdfSmall)
		if sev >= 3 {
			p.SetTextColor(255, 255, 255)
		}
		p.CellFormat(4.5, 4.5, itoa(int(sev)), "1", 0, "C", true, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetFont(pdfFont, "", pdfSmall)
		label := " " + severityLabel(sev) + "   "
		p.CellFormat(p.GetStringWidth(label), 4.5, label, "", 0, "L", false, 0, "")
	}
	p.Ln(5)
	p.SetFont(pdfFont, "", pdfBody)
}

// Notes layout: the time in a narrow left column, the text beside it.
const pdfNoteWhen = 27.0

func (d *pdfDoc) notes() {
	d.heading("Notes and comments", 16)
	if len(d.r.Notes) == 0 {
		d.para("No notes in this period.", "", pdfBody, pdfLineH)
		return
	}
	p := d.pdf
	textW := d.width - pdfNoteWhen
	for _, n := range d.r.Notes {
		h := float64(d.lines(n.Text, "", pdfBody, textW)) * pdfLineH
		if n.About != "" {
			h += pdfSmallLineH
		}
		d.space(min(h, 3*pdfLineH) + 1)
		top := p.GetY()
		p.SetFont(pdfFont, "B", pdfSmall)
		p.SetXY(pdfMarginX, top+0.4)
		p.CellFormat(pdfNoteWhen, pdfSmallLineH, pdfLine(formatDateTime(n.Time)), "", 0, "L", false, 0, "")
		p.SetXY(pdfMarginX+pdfNoteWhen, top)
		if n.About != "" {
			p.SetFont(pdfFont, "I", pdfSmall)
			p.MultiCell(textW, pdfSmallLineH, pdfLine("on "+n.About), "", "L", false)
			p.SetX(pdfMarginX + pdfNoteWhen)
		}
		p.SetFont(pdfFont, "", pdfBody)
		p.SetLeftMargin(pdfMarginX + pdfNoteWhen) // a note that runs onto the next page stays in its column
		p.MultiCell(textW, pdfLineH, pdfText(n.Text), "", "L", false)
		p.SetLeftMargin(pdfMarginX)
		p.SetX(pdfMarginX)
		p.Ln(1.2)
	}
}
