package export

import "strings"

// Chart layout in millimetres: the plot sits right of the value labels and above the
// date labels.
const (
	pdfChartH      = 42.0
	pdfChartLeft   = 13.0 // room for the value labels
	pdfChartBottom = 6.0  // room for the date labels
	pdfChartTop    = 2.0
)

// seriesSection writes a chart, its reference range and its values for each series.
func (d *pdfDoc) seriesSection(title string, series []Series, none string) {
	d.heading(title, pdfChartH+24)
	if len(series) == 0 {
		d.para(none, "", pdfBody, pdfLineH)
	}
	var unCharted []Series
	charted := 0
	for _, s := range series {
		if !s.Chart {
			unCharted = append(unCharted, s)
			continue
		}
		if charted > 0 {
			d.pdf.Ln(4)
		}
		d.series(s)
		charted++
	}
	if len(unCharted) > 0 {
		d.pdf.Ln(3)
		d.space(20)
		if len(unCharted) < len(series) {
			d.subheading("Other measurements")
		}
		d.valueTable(unCharted)
	}
}

// valueTable lists series too short to chart, one row each.
func (d *pdfDoc) valueTable(series []Series) {
	for _, s := range series {
		var values []string
		for _, p := range s.Points {
			v := d.r.DayLabel(p.Time) + " " + withUnit(p.Value, s.Unit)
			if p.Mark != "" {
				v += " " + p.Mark
			}
			if p.Printed != "" {
				v += " (" + p.Printed + ")"
			}
			values = append(values, v)
		}
		d.row([]pdfCell{
			{w: 62, align: "L", spans: []pdfSpan{span(s.Name)}},
			{w: d.width - 62, align: "L", spans: []pdfSpan{span(strings.Join(values, "; "))}},
		}, false)
	}
}

func (d *pdfDoc) series(s Series) {
	p := d.pdf
	name := s.ShortName
	if s.Name != "" && s.Name != s.ShortName {
		name += " – " + s.Name
	}
	if u := s.UnitLabel(); u != "" {
		name += " (" + u + ")"
	}
	d.space(pdfChartH + 20)
	d.subheading(name)
	switch {
	case s.Band.Known():
		line := "Reference range " + s.Band.Label(s.Unit) + " (" + s.Band.Source + "), shaded"
		if len(s.Codes) > 0 {
			line += " · LOINC " + strings.Join(s.Codes, ", ")
		}
		d.muted(line)
	case s.Threshold != nil:
		d.muted("Dashed line: " + s.Threshold.Label)
	}
	p.Ln(1)
	top := p.GetY()
	d.chart(s, pdfMarginX, top, d.width, pdfChartH)
	p.SetXY(pdfMarginX, top+pdfChartH+2)
	d.values(s)
}

// values lists the values after the chart, abnormal ones in bold with their letter. A
// long series lists only its abnormal values, after a line with its extent.
func (d *pdfDoc) values(s Series) {
	p := d.pdf
	points := s.Listed()
	if !s.ListsAll() {
		line := s.Extent() + "; "
		switch len(points) {
		case 0:
			line += "none marked."
		default:
			line += "the " + itoa(len(points)) + " marked:"
		}
		d.para(line, "", pdfSmall+0.5, pdfSmallLineH+0.2)
	}
	p.SetX(pdfMarginX)
	for i, pt := range points {
		text := d.r.DayLabel(pt.Time) + " " + formatValue(pt.Value)
		if pt.Mark != "" {
			text += " " + pt.Mark
		}
		if pt.Printed != "" {
			text += " (" + pt.Printed + ")"
		}
		if i < len(points)-1 {
			text += ";  "
		}
		style := ""
		if pt.Mark != "" {
			style = "B"
		}
		p.SetFont(pdfFont, style, pdfSmall+0.5)
		// Keep one value on one line: wrap before it if it would not fit.
		if p.GetX()+p.GetStringWidth(pdfLine(text)) > pdfMarginX+d.width && p.GetX() > pdfMarginX {
			p.Ln(pdfSmallLineH + 0.2)
		}
		p.Write(pdfSmallLineH+0.2, pdfLine(text))
	}
	p.SetFont(pdfFont, "", pdfBody)
	p.Ln(pdfSmallLineH + 1)
}

// chart draws one series with fpdf's line, rectangle and circle primitives: the band as
// a light grey rectangle, the values as a black line with points, abnormal points filled
// and lettered "L" or "H", so that a grey-scale print shows everything.
func (d *pdfDoc) chart(s Series, x, y, w, h float64) {
	p := d.pdf
	r := d.r
	sc := newChartScale(r, s)
	plot := svgRect{X: x + pdfChartLeft, Y: y + pdfChartTop, W: w - pdfChartLeft - 2, H: h - pdfChartTop - pdfChartBottom}
	px := func(v float64) float64 { return plot.X + v*plot.W }
	py := func(v float64) float64 { return plot.Y + (1-v)*plot.H }

	if s.Band.Known() {
		lo, hi := sc.bandY(s.Band)
		p.SetFillColor(224, 224, 224)
		p.Rect(plot.X, py(hi), plot.W, py(lo)-py(hi), "F")
		p.SetDrawColor(120, 120, 120)
		p.SetLineWidth(0.2)
		p.SetDashPattern([]float64{1, 0.8}, 0)
		if s.Band.HasHigh {
			p.Line(plot.X, py(hi), plot.X+plot.W, py(hi))
		}
		if s.Band.HasLow {
			p.Line(plot.X, py(lo), plot.X+plot.W, py(lo))
		}
		p.SetDashPattern(nil, 0)
	}

	// Value grid and labels.
	p.SetFont(pdfFont, "", 7)
	p.SetDrawColor(215, 215, 215)
	p.SetLineWidth(0.1)
	for _, v := range sc.yTicks {
		yy := py(sc.y(v))
		p.Line(plot.X, yy, plot.X+plot.W, yy)
		label := formatValue(v)
		p.Text(plot.X-1.2-p.GetStringWidth(label), yy+1.1, pdfLine(label))
	}
	if s.Band.Known() { // the band's label, on its own ground so grid lines do not cross it
		_, hi := sc.bandY(s.Band)
		p.SetFont(pdfFont, "", 6.5)
		label := pdfLine("reference " + s.Band.Label(s.Unit))
		lw := p.GetStringWidth(label)
		p.SetFillColor(224, 224, 224)
		p.Rect(plot.X+plot.W-lw-2, py(hi)+0.6, lw+1.5, 2.9, "F")
		p.SetTextColor(40, 40, 40)
		p.Text(plot.X+plot.W-lw-1.2, py(hi)+2.8, label)
		p.SetTextColor(0, 0, 0)
		p.SetFont(pdfFont, "", 7)
	}
	// Axes and date labels.
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.25)
	p.Line(plot.X, plot.Y, plot.X, plot.Y+plot.H)
	p.Line(plot.X, plot.Y+plot.H, plot.X+plot.W, plot.Y+plot.H)
	for _, t := range sc.xTicks {
		xx := px(t.At)
		p.Line(xx, plot.Y+plot.H, xx, plot.Y+plot.H+1)
		label := pdfLine(t.Label)
		p.Text(min(xx-p.GetStringWidth(label)/2, plot.X+plot.W-p.GetStringWidth(label)), plot.Y+plot.H+4, label)
	}

	if t := s.Threshold; t != nil {
		yy := py(sc.y(t.Value))
		p.SetLineWidth(0.35)
		p.SetDashPattern([]float64{2, 1.2}, 0)
		p.Line(plot.X, yy, plot.X+plot.W, yy)
		p.SetDashPattern(nil, 0)
		p.SetFont(pdfFont, "", 6.5)
		label := pdfLine(t.Label)
		p.Text(plot.X+plot.W-p.GetStringWidth(label)-1, yy-1, label)
	}

	points := drawable(s.Points)
	p.SetLineWidth(0.45)
	p.SetDrawColor(0, 0, 0)
	for i := 1; i < len(points); i++ {
		a, b := points[i-1], points[i]
		p.Line(px(sc.x(a.Time)), py(sc.y(a.Value)), px(sc.x(b.Time)), py(sc.y(b.Value)))
	}
	p.SetLineWidth(0.3)
	p.SetFont(pdfFont, "B", 7)
	for _, pt := range points {
		cx, cy := px(sc.x(pt.Time)), py(sc.y(pt.Value))
		if pt.Mark != "" {
			p.SetFillColor(0, 0, 0)
			p.Circle(cx, cy, 1.05, "FD")
			p.Text(cx+1.4, cy-1.3, pt.Mark)
		} else {
			p.SetFillColor(255, 255, 255)
			p.Circle(cx, cy, 0.8, "FD")
		}
	}
	p.SetFont(pdfFont, "", pdfBody)
	p.SetFillColor(255, 255, 255)
	p.SetLineWidth(0.2)
}
