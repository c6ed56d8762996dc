package export

import (
	"strings"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Flag layout: a bar down the left edge, shaded by urgency, and the text beside it.
const (
	pdfFlagBar    = 1.8
	pdfFlagIndent = 5.0
)

func (d *pdfDoc) flags() {
	d.heading("Open flags", 30)
	if len(d.r.OpenFlags) == 0 {
		d.para("No open flags.", "", pdfBody, pdfLineH)
	}
	for _, f := range d.r.OpenFlags {
		d.flag(f)
	}
	if len(d.r.ClosedFlags) > 0 {
		d.pdf.Ln(2)
		d.space(30)
		d.subheading("Closed flags")
		d.pdf.Ln(1)
		for _, f := range d.r.ClosedFlags {
			d.flag(f)
		}
	}
}

// flagPart is one paragraph of a flag below its urgency line.
type flagPart struct {
	text, style string
	size, lineH float64
}

func flagParts(f ReportFlag) []flagPart {
	parts := []flagPart{{f.Title, "B", 10.5, 5}}
	if f.Summary != "" {
		parts = append(parts, flagPart{f.Summary, "", pdfBody, pdfLineH})
	}
	meta := ""
	if !f.Raised.IsZero() {
		meta = "Raised " + formatDateTime(f.Raised)
	}
	if f.Category != "" {
		meta = joinNonEmpty(" · ", meta, "Category: "+f.Category)
	}
	if f.Source != "" {
		meta = joinNonEmpty(" · ", meta, "Source: "+f.Source)
	}
	if meta != "" {
		parts = append(parts, flagPart{meta, "", pdfSmall, pdfSmallLineH})
	}
	for i, e := range f.Evidence {
		label := "   "
		if i == 0 {
			label = "Evidence: "
		}
		parts = append(parts, flagPart{label + e, "", pdfSmall, pdfSmallLineH})
	}
	for _, ev := range f.Events {
		line := ev.What
		if ev.Who != "" {
			line += " by " + ev.Who
		}
		if !ev.Time.IsZero() {
			line = formatDateTime(ev.Time) + " · " + line
		}
		parts = append(parts, flagPart{line + ": " + ev.Text, "I", pdfSmall, pdfSmallLineH})
	}
	return parts
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// flag draws one flag. It starts a new page rather than split a flag that fits on one.
func (d *pdfDoc) flag(f ReportFlag) {
	p := d.pdf
	textW := d.width - pdfFlagIndent
	parts := flagParts(f)
	h := 6.0 + 3
	for _, part := range parts {
		h += float64(d.lines(part.text, part.style, part.size, textW)) * part.lineH
	}
	d.space(min(h, 120))

	page, top := p.PageNo(), p.GetY()
	open := isOpen(f.Status)
	d.urgencyBadge(f, open)
	for _, part := range parts {
		p.SetFont(pdfFont, part.style, part.size)
		p.SetX(pdfMarginX + pdfFlagIndent)
		p.MultiCell(textW, part.lineH, pdfText(part.text), "", "L", false)
	}
	p.SetFont(pdfFont, "", pdfBody)
	bottom := p.GetY() + 1
	if p.PageNo() == page { // the bar only when the flag stayed on one page
		grey := 150
		switch {
		case !open:
			grey = 200
		case f.Urgency == medjournalv1.Urgency_URGENCY_EMERGENCY:
			grey = 0
		case f.Urgency == medjournalv1.Urgency_URGENCY_URGENT:
			grey = 90
		}
		p.SetFillColor(grey, grey, grey)
		p.Rect(pdfMarginX, top, pdfFlagBar, bottom-top, "F")
	}
	p.SetY(bottom + 3)
}

// urgencyBadge writes the urgency in capitals, boxed (white on black for an emergency),
// then the status: the words carry the meaning, the shading only repeats it.
func (d *pdfDoc) urgencyBadge(f ReportFlag, open bool) {
	p := d.pdf
	label := strings.ToUpper(f.UrgencyLabel())
	p.SetFont(pdfFont, "B", pdfSmall)
	w := p.GetStringWidth(label) + 3
	p.SetX(pdfMarginX + pdfFlagIndent)
	p.SetLineWidth(0.3)
	if open && f.Urgency == medjournalv1.Urgency_URGENCY_EMERGENCY {
		p.SetFillColor(0, 0, 0)
		p.SetTextColor(255, 255, 255)
		p.CellFormat(w, 5, label, "1", 0, "C", true, 0, "")
		p.SetTextColor(0, 0, 0)
	} else {
		p.CellFormat(w, 5, label, "1", 0, "C", false, 0, "")
	}
	p.SetLineWidth(0.2)
	p.SetFont(pdfFont, "B", pdfBody)
	p.CellFormat(0, 5, "  "+pdfLine(f.StatusLabel()), "", 1, "L", false, 0, "")
	p.Ln(1)
	p.SetFont(pdfFont, "", pdfBody)
}
