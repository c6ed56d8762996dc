package export

import (
	"strconv"
	"strings"
)

// svgChart is a chart laid out in SVG user units, ready for the HTML template, which
// escapes every string in it. The drawing is styled by class from the page's style
// block, so no element needs a style attribute (which the share page's
// Content-Security-Policy would block).
type svgChart struct {
	Key   string // data-analyte
	Title string // accessible name: "ANC over time"
	Desc  string // what it shows in words
	// Width and Height are the viewBox; Plot is the area inside the axes.
	Width, Height float64
	Plot          svgRect
	Band          *svgRect
	BandLabel     string
	Threshold     *svgLine
	ThreshLabel   string
	YTicks        []svgTick
	XTicks        []svgTick
	Line          string // polyline points, "x,y x,y ..."
	Points        []svgPoint
}

type svgRect struct{ X, Y, W, H float64 }

type svgLine struct{ X1, Y1, X2, Y2 float64 }

type svgTick struct {
	At    float64 // y for a value tick, x for a time tick
	Label string
}

type svgPoint struct {
	X, Y  float64
	Mark  string // "L", "H" or ""
	Title string // "3 Mar 2026 08:15: 0.9 10³/µL, low"
}

// Chart geometry in SVG user units; the SVG scales to the width of the page.
const (
	svgWidth  = 640
	svgHeight = 200
	svgLeft   = 56
	svgRight  = 14
	svgTop    = 12
	svgBottom = 34
)

// newSVGChart lays out one series.
func newSVGChart(r *Report, s Series) svgChart {
	sc := newChartScale(r, s)
	c := svgChart{
		Key:    s.Key,
		Title:  s.ShortName + " over time",
		Width:  svgWidth,
		Height: svgHeight,
		Plot:   svgRect{X: svgLeft, Y: svgTop, W: svgWidth - svgLeft - svgRight, H: svgHeight - svgTop - svgBottom},
	}
	px := func(x float64) float64 { return c.Plot.X + x*c.Plot.W }
	py := func(y float64) float64 { return c.Plot.Y + (1-y)*c.Plot.H }

	desc := []string{itoa(len(s.Points)) + " values in " + s.UnitLabel()}
	if s.Band.Known() {
		lo, hi := sc.bandY(s.Band)
		c.Band = &svgRect{X: c.Plot.X, Y: py(hi), W: c.Plot.W, H: py(lo) - py(hi)}
		c.BandLabel = "reference " + s.Band.Label(s.Unit)
		desc = append(desc, "shaded: "+s.Band.Label(s.Unit)+", "+s.Band.Source)
	}
	if t := s.Threshold; t != nil {
		y := py(sc.y(t.Value))
		c.Threshold = &svgLine{X1: c.Plot.X, Y1: y, X2: c.Plot.X + c.Plot.W, Y2: y}
		c.ThreshLabel = t.Label
		desc = append(desc, "dashed line: "+t.Label)
	}
	if n := s.Abnormal(); n > 0 {
		desc = append(desc, itoa(n)+" marked outside the range")
	}
	c.Desc = strings.Join(desc, "; ")
	for _, v := range sc.yTicks {
		c.YTicks = append(c.YTicks, svgTick{At: py(sc.y(v)), Label: formatValue(v)})
	}
	for _, t := range sc.xTicks {
		c.XTicks = append(c.XTicks, svgTick{At: px(t.At), Label: t.Label})
	}
	var line strings.Builder
	for _, p := range drawable(s.Points) {
		pt := svgPoint{X: px(sc.x(p.Time)), Y: py(sc.y(p.Value)), Mark: p.Mark, Title: pointTitle(s, p)}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(svgNum(pt.X) + "," + svgNum(pt.Y))
		c.Points = append(c.Points, pt)
	}
	c.Line = line.String()
	return c
}

// pointTitle describes one value in words, for a tooltip and for screen readers.
func pointTitle(s Series, p Point) string {
	t := formatDateTime(p.Time) + ": " + withUnit(p.Value, s.Unit)
	switch p.Mark {
	case "L":
		t += ", low"
	case "H":
		t += ", high"
	}
	if p.Printed != "" {
		t += " (reported as " + p.Printed + ")"
	}
	if p.Source != "" {
		t += ", " + p.Source
	}
	return t
}

// svgNum prints a coordinate with one decimal.
func svgNum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
