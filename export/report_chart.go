package export

import (
	"math"
	"time"
)

// chartScale maps a series onto a unit square, the same way for the SVG and the PDF
// charts: x from the start of the period's first day (0) to the end of its last (1), y
// from the lowest tick (0) to the highest (1). Every chart of a report shares the x
// axis, so the charts line up with one another and with the symptom grid.
type chartScale struct {
	from, to time.Time
	yMin     float64
	yMax     float64
	yTicks   []float64
	xTicks   []xTick
}

// xTick is a labelled position on the time axis.
type xTick struct {
	At    float64
	Label string
}

// chartLimit bounds the values a chart draws: no lab or vital comes near it, and it
// keeps the arithmetic finite whatever a value is.
const chartLimit = 1e12

// chartValue clamps a value into what a chart can draw; ok is false for NaN.
func chartValue(v float64) (float64, bool) {
	if math.IsNaN(v) {
		return 0, false
	}
	return max(-chartLimit, min(chartLimit, v)), true
}

func newChartScale(r *Report, s Series) chartScale {
	c := chartScale{from: r.Start, to: addDays(r.End, 1)}
	lo, hi := math.Inf(1), math.Inf(-1)
	include := func(v float64) {
		if v, ok := chartValue(v); ok {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for _, p := range s.Points {
		include(p.Value)
	}
	if s.Band.HasLow {
		include(s.Band.Low)
	}
	if s.Band.HasHigh {
		include(s.Band.High)
	}
	if s.Threshold != nil {
		include(s.Threshold.Value)
	}
	if lo > hi { // nothing to draw
		lo, hi = 0, 1
	}
	span := hi - lo
	if span == 0 {
		span = max(math.Abs(hi)*0.2, 1)
		lo, hi = lo-span/2, hi+span/2
	}
	pad := span * 0.08
	nonNegative := lo >= 0
	lo, hi = lo-pad, hi+pad
	if nonNegative && lo < 0 {
		lo = 0
	}
	c.yMin, c.yMax, c.yTicks = niceAxis(lo, hi, 5)
	c.xTicks = timeTicks(r.Start, r.End)
	return c
}

// niceAxis widens [lo, hi] to round numbers and returns about n ticks between them.
func niceAxis(lo, hi float64, n int) (float64, float64, []float64) {
	step := niceStep((hi - lo) / float64(n-1))
	if step <= 0 || math.IsInf(step, 0) || math.IsNaN(step) {
		return lo, hi, []float64{lo, hi}
	}
	first := math.Floor(lo/step) * step
	last := math.Ceil(hi/step) * step
	var ticks []float64
	for i := 0; i < 3*n; i++ { // bounded: rounding can never make this loop run away
		v := first + float64(i)*step
		if v > last+step/2 {
			break
		}
		ticks = append(ticks, v)
	}
	if len(ticks) < 2 || first >= last {
		return lo, hi, []float64{lo, hi}
	}
	return first, ticks[len(ticks)-1], ticks
}

// niceStep rounds a raw tick step to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 0
	}
	exp := math.Pow(10, math.Floor(math.Log10(raw)))
	f := raw / exp
	switch {
	case f <= 1:
		f = 1
	case f <= 2:
		f = 2
	case f <= 2.5:
		f = 2.5
	case f <= 5:
		f = 5
	default:
		f = 10
	}
	return f * exp
}

// timeTicks labels the time axis: every day for up to ten days, every week for up to
// two months, every month for up to about two years, else every year.
func timeTicks(start, end time.Time) []xTick {
	days := dayIndex(start, end) + 1
	total := float64(days)
	at := func(t time.Time) float64 { return float64(dayIndex(start, t)) / total }
	var ticks []xTick
	switch {
	case days <= 10:
		for d := 0; d < days; d++ {
			ticks = append(ticks, xTick{At: at(addDays(start, d)), Label: formatShortDate(addDays(start, d))})
		}
	case days <= 62:
		for d := 0; d < days; d += 7 {
			ticks = append(ticks, xTick{At: at(addDays(start, d)), Label: formatShortDate(addDays(start, d))})
		}
	case days <= 800:
		m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, start.Location())
		if m.Before(start) {
			m = m.AddDate(0, 1, 0)
		}
		for ; !m.After(end); m = m.AddDate(0, 1, 0) {
			label := m.Format("Jan")
			if m.Month() == time.January || len(ticks) == 0 {
				label = m.Format("Jan 2006")
			}
			ticks = append(ticks, xTick{At: at(m), Label: label})
		}
	default:
		step := max(1, days/365/10)
		for y := start.Year() + 1; y <= end.Year(); y += step {
			ticks = append(ticks, xTick{At: at(time.Date(y, 1, 1, 0, 0, 0, 0, start.Location())), Label: itoa(y)})
		}
	}
	return ticks
}

// x places a time on the axis, 0 at the start of the period and 1 at its end.
func (c chartScale) x(t time.Time) float64 {
	total := c.to.Sub(c.from).Seconds()
	if total <= 0 {
		return 0.5
	}
	return max(0, min(1, t.Sub(c.from).Seconds()/total))
}

// y places a value on the axis, 0 at the bottom and 1 at the top.
func (c chartScale) y(v float64) float64 {
	v, _ = chartValue(v)
	if c.yMax <= c.yMin {
		return 0.5
	}
	return max(0, min(1, (v-c.yMin)/(c.yMax-c.yMin)))
}

// bandY is the band's extent on the y axis (0 bottom, 1 top); an open side runs to the
// edge of the chart.
func (c chartScale) bandY(b Band) (lo, hi float64) {
	lo, hi = 0, 1
	if b.HasLow {
		lo = c.y(b.Low)
	}
	if b.HasHigh {
		hi = c.y(b.High)
	}
	return lo, hi
}

// drawable are the points a chart draws: those with a number to draw.
func drawable(points []Point) []Point {
	out := make([]Point, 0, len(points))
	for _, p := range points {
		if !math.IsNaN(p.Value) {
			out = append(out, p)
		}
	}
	return out
}
