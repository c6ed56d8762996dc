package export

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Series is one lab analyte or vital sign over the period, in its canonical unit.
type Series struct {
	// Key names the series: the lab analyte ("anc", the catalog's short name in lower
	// case, or the LOINC code for a test the catalog does not know) or the vital code
	// ("body_temperature").
	Key string
	// Codes are the LOINC codes of the results in a lab series, e.g. ["751-8", "26499-4"].
	Codes     []string
	Name      string
	ShortName string
	// Unit is the canonical UCUM unit of every value, e.g. "10*3/uL".
	Unit string
	// Band is the reference range drawn behind the values.
	Band Band
	// Threshold is a line drawn across the chart, e.g. the fever threshold; nil if none.
	Threshold *Threshold
	Points    []Point
	// Chart says whether the series is drawn: every lab analyte and the temperature
	// are; another vital sign only from three values on, since a chart of one or two
	// points says no more than the values do.
	Chart bool
}

// UnitLabel is the printed unit, e.g. "10³/µL".
func (s Series) UnitLabel() string { return unitLabel(s.Unit) }

// Abnormal counts the values outside their reference range or over the threshold.
func (s Series) Abnormal() int {
	n := 0
	for _, p := range s.Points {
		if p.Mark != "" {
			n++
		}
	}
	return n
}

// listLimit is the most values listed under a chart. A longer series (a year of daily
// temperatures) lists only its marked values: the chart shows the rest.
const listLimit = 40

// ListsAll says whether every value is printed under the chart.
func (s Series) ListsAll() bool { return len(s.Points) <= listLimit }

// Listed returns the values to print under the chart: all of them for a short series,
// else only the marked ones.
func (s Series) Listed() []Point {
	if s.ListsAll() {
		return s.Points
	}
	var points []Point
	for _, p := range s.Points {
		if p.Mark != "" {
			points = append(points, p)
		}
	}
	return points
}

// Extent describes the lowest and highest value, for a series too long to list:
// "365 values from 36.1 °C (3 Jun 2025) to 37.4 °C (9 Jan 2026)".
func (s Series) Extent() string {
	var lo, hi *Point
	for i := range s.Points {
		p := &s.Points[i]
		if math.IsNaN(p.Value) {
			continue
		}
		if lo == nil || p.Value < lo.Value {
			lo = p
		}
		if hi == nil || p.Value > hi.Value {
			hi = p
		}
	}
	out := itoa(len(s.Points)) + " values"
	if lo != nil {
		out += " from " + withUnit(lo.Value, s.Unit) + " (" + formatDate(lo.Time) + ") to " +
			withUnit(hi.Value, s.Unit) + " (" + formatDate(hi.Time) + ")"
	}
	return out
}

// Band is a reference range. A side that is missing is open: HDL has no upper limit,
// triglycerides no lower one.
type Band struct {
	Low, High       float64
	HasLow, HasHigh bool
	// Source says where the range comes from: "lab reference range (Labor Mitte)" or
	// "typical adult range".
	Source string
}

// Known says whether there is a range at all.
func (b Band) Known() bool { return b.HasLow || b.HasHigh }

// Label prints the range in unit: "1.5–8 10³/µL", "at least 40 mg/dL", "up to 150 mg/dL".
func (b Band) Label(ucum string) string {
	u := unitLabel(ucum)
	if u != "" && u != "%" {
		u = " " + u
	}
	switch {
	case b.HasLow && b.HasHigh:
		return formatValue(b.Low) + "–" + formatValue(b.High) + u
	case b.HasLow:
		return "at least " + formatValue(b.Low) + u
	case b.HasHigh:
		return "up to " + formatValue(b.High) + u
	}
	return ""
}

// mark says whether v lies below ("L") or above ("H") the range.
func (b Band) mark(v float64) string {
	switch {
	case b.HasLow && v < b.Low:
		return "L"
	case b.HasHigh && v > b.High:
		return "H"
	}
	return ""
}

// Threshold is a value drawn as a line across a chart, with values at or over it marked.
type Threshold struct {
	Value float64
	Label string
}

// Point is one measured value.
type Point struct {
	Time  time.Time
	Value float64
	// Mark is "L" or "H" for a value outside its reference range (or over a threshold),
	// empty otherwise.
	Mark string
	// Printed is the value as the lab printed it when its unit was another one, e.g.
	// "1200 /µL"; empty when it is the canonical value.
	Printed string
	// Source is the lab that reported a lab value.
	Source string
}

// feverThreshold is the measured temperature from which the rules raise an infection
// flag (rule infection.fever), drawn on the temperature chart.
var feverThreshold = Threshold{Value: 38.0, Label: "fever 38 °C"}

// labMeasure is a lab result in the canonical unit with the range it is judged by.
type labMeasure struct {
	key, name, short string
	order            int // catalog position, for sorting series
	value            float64
	unit             string
	band             Band // the result's own range, else the typical range
	labRange         bool // band is the result's own range
	printed          string
}

func (m labMeasure) mark() string { return m.band.mark(m.value) }

// canonicalLab puts a lab result into the canonical unit. The server stores canonical
// values; a result without them (an older export, a test) is converted here with the
// catalog's factors, and one the catalog cannot convert keeps its own unit.
func (b *reportBuilder) canonicalLab(l *medjournalv1.Lab) labMeasure {
	m := labMeasure{key: l.GetCode(), name: l.GetCode(), short: l.GetCode(), order: math.MaxInt,
		value: l.GetValue(), unit: l.GetUnit()}
	test, known := lookup(b.cat, (*catalog.Catalog).LabTest, l.GetCode())
	if known {
		m.name, m.short = test.GetDisplayName(), test.GetShortName()
		if m.short != "" {
			m.key = strings.ToLower(m.short)
		}
		m.order = slices.IndexFunc(b.cat.LabTests().GetLabTests(), func(t *medjournalv1.LabTest) bool { return t == test })
	}
	var low, high *float64
	switch {
	case l.GetCanonicalUnit() != "":
		m.value, m.unit = l.GetCanonicalValue(), l.GetCanonicalUnit()
		low, high = l.CanonicalReferenceLow, l.CanonicalReferenceHigh
	case known && l.GetUnit() != test.GetCanonicalUnit():
		if v, ok := convertUnit(test.GetAcceptedUnits(), l.GetValue(), l.GetUnit()); ok {
			m.value, m.unit = v, test.GetCanonicalUnit()
			low = convertPtr(test.GetAcceptedUnits(), l.ReferenceLow, l.GetUnit())
			high = convertPtr(test.GetAcceptedUnits(), l.ReferenceHigh, l.GetUnit())
		}
	default:
		low, high = l.ReferenceLow, l.ReferenceHigh
	}
	if m.unit != l.GetUnit() && m.value != l.GetValue() {
		m.printed = withUnit(l.GetValue(), l.GetUnit())
	}
	if low != nil || high != nil {
		m.labRange = true
		m.band = Band{HasLow: low != nil, HasHigh: high != nil, Source: "lab reference range"}
		if low != nil {
			m.band.Low = *low
		}
		if high != nil {
			m.band.High = *high
		}
		if name := strings.TrimSpace(l.GetLabName()); name != "" {
			m.band.Source += " (" + name + ")"
		}
	} else if known && m.unit == test.GetCanonicalUnit() {
		m.band = typicalBand(test)
	}
	return m
}

// typicalBand is the catalog's typical adult range. Following the catalog's convention,
// a lower end of 0 means no lower limit and an upper end at the plausible maximum means
// no upper limit.
func typicalBand(t *medjournalv1.LabTest) Band {
	b := Band{Low: t.GetTypicalLow(), High: t.GetTypicalHigh(), Source: "typical adult range"}
	b.HasLow = b.Low > 0
	b.HasHigh = b.High > 0 && (t.GetMaxValue() == 0 || b.High < t.GetMaxValue())
	return b
}

// convertUnit applies the catalog conversion of unit: canonical = value*factor + offset.
func convertUnit(accepted []*medjournalv1.UnitConversion, v float64, unit string) (float64, bool) {
	for _, u := range accepted {
		if u.GetUnit() == unit {
			return v*u.GetFactor() + u.GetOffset(), true
		}
	}
	return 0, false
}

func convertPtr(accepted []*medjournalv1.UnitConversion, v *float64, unit string) *float64 {
	if v == nil {
		return nil
	}
	c, ok := convertUnit(accepted, *v, unit)
	if !ok {
		return nil
	}
	return &c
}

// labSeries groups the lab results by analyte and unit, in catalog order. The band is
// the range of the latest result that came with one; a result without a range of its
// own is judged by the catalog's typical range.
func (b *reportBuilder) labSeries() []Series {
	type group struct {
		s        Series
		order    int
		labRange bool // the band is a lab's own range
	}
	byKey := map[string]*group{}
	var groups []*group
	for _, e := range b.entries {
		k, ok := e.GetKind().(*medjournalv1.Entry_Lab)
		if !ok {
			continue
		}
		m := b.canonicalLab(k.Lab)
		g, ok := byKey[m.key+"\x00"+m.unit]
		if !ok {
			g = &group{s: Series{Key: m.key, Name: m.name, ShortName: m.short, Unit: m.unit, Chart: true}, order: m.order}
			byKey[m.key+"\x00"+m.unit] = g
			groups = append(groups, g)
		}
		if !slices.Contains(g.s.Codes, k.Lab.GetCode()) {
			g.s.Codes = append(g.s.Codes, k.Lab.GetCode())
		}
		if m.order < g.order { // name the series after the first of its codes in the catalog
			g.order, g.s.Name = m.order, m.name
		}
		g.s.Points = append(g.s.Points, Point{
			Time: b.entryTime(e), Value: m.value, Mark: m.mark(), Printed: m.printed,
			Source: strings.TrimSpace(k.Lab.GetLabName()),
		})
		switch {
		case m.labRange:
			g.s.Band, g.labRange = m.band, true
		case !g.labRange && !g.s.Band.Known():
			g.s.Band = m.band
		}
	}
	slices.SortStableFunc(groups, func(x, y *group) int {
		return cmp.Or(cmp.Compare(x.order, y.order), strings.Compare(x.s.Key, y.s.Key))
	})
	out := make([]Series, len(groups))
	for i, g := range groups {
		out[i] = g.s
	}
	return out
}

// canonicalVital is a vital-sign value in its canonical unit, converted here when the
// entry does not carry it.
func (b *reportBuilder) canonicalVital(v *medjournalv1.Vital) (float64, string) {
	if v.GetCanonicalUnit() != "" {
		return v.GetCanonicalValue(), v.GetCanonicalUnit()
	}
	if t, ok := lookup(b.cat, (*catalog.Catalog).Vital, v.GetCode()); ok {
		if c, ok := convertUnit(t.GetAcceptedUnits(), v.GetValue(), v.GetUnit()); ok {
			return c, t.GetCanonicalUnit()
		}
	}
	return v.GetValue(), v.GetUnit()
}

// vitalSeries groups the vital signs by code and unit, in catalog order.
func (b *reportBuilder) vitalSeries() []Series {
	groups := map[string]*Series{}
	var keys []string
	for _, e := range b.entries {
		k, ok := e.GetKind().(*medjournalv1.Entry_Vital)
		if !ok {
			continue
		}
		v, unit := b.canonicalVital(k.Vital)
		gk := k.Vital.GetCode() + "\x00" + unit
		s, ok := groups[gk]
		if !ok {
			s = &Series{Key: k.Vital.GetCode(), Name: b.vitalName(k.Vital.GetCode()), Unit: unit}
			s.ShortName = s.Name
			if s.Key == "body_temperature" && unit == "Cel" {
				t := feverThreshold
				s.Threshold = &t
			}
			groups[gk] = s
			keys = append(keys, gk)
		}
		p := Point{Time: b.entryTime(e), Value: v}
		if unit != k.Vital.GetUnit() && v != k.Vital.GetValue() {
			p.Printed = withUnit(k.Vital.GetValue(), k.Vital.GetUnit())
		}
		if s.Threshold != nil && v >= s.Threshold.Value {
			p.Mark = "H"
		}
		s.Points = append(s.Points, p)
	}
	order := func(code string) int {
		if b.cat == nil {
			return math.MaxInt
		}
		i := slices.IndexFunc(b.cat.Vitals().GetVitals(), func(t *medjournalv1.VitalType) bool { return t.GetCode() == code })
		if i < 0 {
			return math.MaxInt
		}
		return i
	}
	out := make([]Series, 0, len(keys))
	for _, gk := range keys {
		s := groups[gk]
		s.Chart = s.Threshold != nil || s.Key == "body_temperature" || len(s.Points) >= 3
		out = append(out, *s)
	}
	slices.SortStableFunc(out, func(x, y Series) int {
		return cmp.Or(cmp.Compare(order(x.Key), order(y.Key)), strings.Compare(x.Key, y.Key))
	})
	return out
}
