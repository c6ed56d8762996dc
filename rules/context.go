package rules

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	rulesv1 "github.com/medjournal/medjournal/gen/medjournal/rules/v1"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// view is the journal around one trigger, prepared once per evaluation for every rule
// window: the rules use eight windows, and building each window's context from the raw
// entries converted every entry's time to a local date eight times over, which the
// profile of CreateEntry showed as the engine's largest cost. A phone that logs a heart
// rate every few minutes puts hundreds of entries in a window, so the view keeps them in
// time order, where each window is one binary search away, rather than sorting them.
// The entries and the lab history are prepared on first use (nearby, labHistory): a
// trigger that no rule's condition matches on its own values needs neither. From a
// Prepared journal, both are slices of what it prepared when the store read the journal.
type view struct {
	e       *Engine
	in      Input
	journal *Prepared // in.Prepared, when the engine can read it (usableFor); else nil
	horizon time.Duration
	at      time.Time
	atNs    int64 // at in Unix nanoseconds, as nearEntry.at
	loc     *time.Location
	local   time.Time // at in the patient's time zone
	today   localDay
	near    []*nearEntry     // the journal within the horizon, oldest first; see nearby
	labs    []analyteResults // lab results up to the trigger, by analyte; see labHistory
	// triggerApart says the trigger is not among near (not stored yet); see nearby.
	triggerApart bool
	// nearReady and labsReady say whether near and labs are prepared.
	nearReady, labsReady bool
}

// nearEntry is a recent entry with what the summaries and the evidence read of it, taken
// out once when the view is prepared, or once for every view when a Prepared journal is: its time,
// its kind, code and value, and for symptoms and doses (the kinds counted by day) its
// local day. A busy window is walked several times per evaluation (summaries, evidence);
// reading these from one record, not through each entry's nested messages again, keeps
// the walks to memory they just used.
type nearEntry struct {
	entry      *medjournalv1.Entry
	at         int64 // Unix nanoseconds (unixNanos)
	day        localDay
	kind       nearKind
	code       string  // entryCode: a symptom's or vital's code, a lab result's analyte
	medication string  // a dose's
	value      float64 // a vital's or lab result's canonical value
	level      int32   // a symptom's severity
	taken      bool    // a dose taken, not skipped or missed
}

type nearKind uint8

const (
	nearOther nearKind = iota
	nearSymptom
	nearVital
	nearLab
	nearDose
)

// unixNanos is the timestamp's time in Unix nanoseconds, which covers every time an entry
// may have (1900 to 2262). Comparing these rather than time.Time values from AsTime was a
// fifth of evaluating a busy journal.
func unixNanos(ts *timestamppb.Timestamp) int64 {
	return ts.GetSeconds()*int64(time.Second) + int64(ts.GetNanos())
}

// localDay is a calendar date in the patient's time zone, packed into one number (days
// are only compared, never taken apart), so the journal's entries stay small to walk.
type localDay int32

func dayOf(t time.Time) localDay {
	y, m, d := t.Date()
	return localDay(y*16*32 + int(m)*32 + d)
}

// analyteResults are one analyte's results up to the trigger, oldest first.
type analyteResults struct {
	analyte string
	results []labResult
}

type labResult struct {
	entry *medjournalv1.Entry
	at    int64   // Unix nanoseconds (unixNanos)
	value float64 // canonical
}

// newView prepares the journal for windows up to horizon: entries farther from the
// trigger are left out, since no window of the rules evaluated reaches them.
func (e *Engine) newView(in Input, horizon time.Duration) *view {
	at := in.Trigger.GetOccurredTime().AsTime()
	loc := e.patientLocation(in.Patient)
	v := &view{e: e, in: in, horizon: horizon, at: at, atNs: unixNanos(in.Trigger.GetOccurredTime()), loc: loc, local: at.In(loc)}
	if in.Prepared.usableFor(e, in) {
		v.journal = in.Prepared
	}
	v.today = dayOf(v.local)
	return v
}

// nearby are the journal's entries within the horizon, oldest first, with the local day
// of each symptom and dose. The trigger is among them if the journal holds it already;
// else triggerApart is set and the summaries add it themselves (summarizeJournal), since
// a slice of a Prepared journal is shared and cannot take it in.
func (v *view) nearby() []*nearEntry {
	if v.nearReady {
		return v.near
	}
	v.nearReady = true
	from, to := v.atNs-int64(v.horizon), v.atNs+int64(v.horizon)
	if v.journal != nil {
		v.near = v.journal.between(from, to)
	} else {
		prepared := make([]nearEntry, 0, len(v.in.Recent))
		for _, entry := range v.in.Recent {
			if when := unixNanos(entry.GetOccurredTime()); when >= from && when <= to {
				prepared = append(prepared, v.e.prepareEntry(entry, when, v.loc))
			}
		}
		v.near = pointers(prepared)
		// The store hands the journal over oldest first; sort only what is not.
		byTime := func(a, b *nearEntry) int { return cmp.Compare(a.at, b.at) }
		if !slices.IsSortedFunc(v.near, byTime) {
			slices.SortStableFunc(v.near, byTime)
		}
	}
	v.triggerApart = !holdsEntry(v.near, v.in.Trigger, v.atNs)
	return v.near
}

// timedEntry is a prepared entry and its time in Unix nanoseconds.
type timedEntry interface {
	*nearEntry | labResult
	source() *medjournalv1.Entry
	time() int64
}

func (n *nearEntry) source() *medjournalv1.Entry { return n.entry }
func (n *nearEntry) time() int64                 { return n.at }
func (r labResult) source() *medjournalv1.Entry  { return r.entry }
func (r labResult) time() int64                  { return r.at }

// holdsEntry says whether list, sorted by time, holds entry, which is at at. The entry can
// only be among those at its own time, so ids are compared there alone.
func holdsEntry[T timedEntry](list []T, entry *medjournalv1.Entry, at int64) bool {
	i, _ := slices.BinarySearchFunc(list, at, func(x T, at int64) int { return cmp.Compare(x.time(), at) })
	for _, x := range list[i:] {
		if x.time() != at {
			return false
		}
		if x.source().GetId() == entry.GetId() {
			return true
		}
	}
	return false
}

// pointers points at each of prepared, in order.
func pointers(prepared []nearEntry) []*nearEntry {
	out := make([]*nearEntry, len(prepared))
	for i := range prepared {
		out[i] = &prepared[i]
	}
	return out
}

// prepareEntry takes apart what the summaries and the evidence read of an entry at at
// (unixNanos), its days in the time zone loc.
func (e *Engine) prepareEntry(entry *medjournalv1.Entry, at int64, loc *time.Location) nearEntry {
	n := nearEntry{entry: entry, at: at, code: e.entryCode(entry)}
	switch k := entry.GetKind().(type) {
	case *medjournalv1.Entry_Symptom:
		n.kind, n.level = nearSymptom, int32(k.Symptom.GetSeverity())
		n.day = dayOf(time.Unix(0, at).In(loc))
	case *medjournalv1.Entry_Vital:
		n.kind, n.value = nearVital, k.Vital.GetCanonicalValue()
	case *medjournalv1.Entry_Lab:
		n.kind, n.value = nearLab, k.Lab.GetCanonicalValue()
	case *medjournalv1.Entry_Dose:
		n.kind, n.medication = nearDose, k.Dose.GetMedicationId()
		n.taken = k.Dose.GetStatus() == medjournalv1.DoseStatus_DOSE_STATUS_TAKEN
		n.day = dayOf(time.Unix(0, at).In(loc))
	}
	return n
}

// labHistory is the lab history up to the trigger, by analyte (labsByAnalyte).
func (v *view) labHistory() []analyteResults {
	if !v.labsReady {
		v.labsReady = true
		if v.journal != nil {
			v.labs = v.journal.labsAt(v.in.Trigger, v.atNs)
		} else {
			v.labs = v.e.labsByAnalyte(v.in, v.atNs)
		}
	}
	return v.labs
}

// within are the view's entries no farther than window from the trigger, either side.
func (v *view) within(window time.Duration) []*nearEntry {
	lo, hi := v.withinRange(window)
	return v.nearby()[lo:hi]
}

// withinRange is within as indexes into v.near.
func (v *view) withinRange(window time.Duration) (int, int) {
	from, to := v.atNs-int64(window), v.atNs+int64(window)
	near := v.nearby()
	lo := sort.Search(len(near), func(i int) bool { return near[i].at >= from })
	hi := sort.Search(len(near), func(i int) bool { return near[i].at > to })
	return lo, hi
}

// labsByAnalyte groups the lab history, with a lab trigger added, by analyte: results up to
// at, oldest first (results at the same time in the order given, a trigger after them).
func (e *Engine) labsByAnalyte(in Input, at int64) []analyteResults {
	history := make([]labResult, 0, len(in.LabHistory)+1)
	hasTrigger := false
	for _, h := range in.LabHistory {
		t := unixNanos(h.GetOccurredTime())
		history = append(history, labResult{entry: h, at: t, value: h.GetLab().GetCanonicalValue()})
		// The trigger is in the history only at its own time: compare ids only then.
		hasTrigger = hasTrigger || (t == at && h.GetId() == in.Trigger.GetId())
	}
	if lab := in.Trigger.GetLab(); lab != nil && !hasTrigger {
		history = append(history, labResult{entry: in.Trigger, at: at, value: lab.GetCanonicalValue()})
	}
	byTime := func(a, b labResult) int { return cmp.Compare(a.at, b.at) }
	if !slices.IsSortedFunc(history, byTime) {
		slices.SortStableFunc(history, byTime)
	}
	var out []analyteResults
	for _, h := range history {
		if h.at > at {
			break
		}
		a := e.analyte(h.entry.GetLab().GetCode())
		if a == "" {
			continue
		}
		i := slices.IndexFunc(out, func(r analyteResults) bool { return r.analyte == a })
		if i < 0 {
			i = len(out)
			out = append(out, analyteResults{analyte: a})
		}
		out[i].results = append(out[i].results, h)
	}
	return out
}

// windowSummary is what a window's entries add up to, kept while the window widens. Each
// code has one record, found with one map lookup per entry: a busy journal adds hundreds
// of entries per evaluation, and a lookup per field, with a map of days per symptom, was
// most of the summary's cost.
type windowSummary struct {
	symptoms   map[string]*symptomSummary
	vitals     map[string]*vitalSummary
	dosesToday map[string]int32 // taken, by medication
}

type symptomSummary struct {
	severity int32      // highest
	days     []localDay // distinct; a window spans at most a few weeks of days
}

type vitalSummary struct{ max, min float64 }

func newWindowSummary() *windowSummary {
	return &windowSummary{symptoms: map[string]*symptomSummary{}, vitals: map[string]*vitalSummary{},
		dosesToday: map[string]int32{}}
}

func (s *windowSummary) add(n *nearEntry, today localDay) {
	switch n.kind {
	case nearSymptom:
		sum := s.symptoms[n.code]
		if sum == nil {
			sum = &symptomSummary{}
			s.symptoms[n.code] = sum
		}
		sum.severity = max(sum.severity, n.level)
		if !slices.Contains(sum.days, n.day) {
			sum.days = append(sum.days, n.day)
		}
	case nearVital:
		if sum := s.vitals[n.code]; sum == nil {
			s.vitals[n.code] = &vitalSummary{max: n.value, min: n.value}
		} else {
			sum.max, sum.min = max(sum.max, n.value), min(sum.min, n.value)
		}
	case nearDose:
		if n.taken && n.day == today {
			s.dosesToday[n.medication]++
		}
	}
}

// summarizeLabs fills c.Labs from the lab history up to the trigger: an analyte appears
// when it has a result within the window; its previous result and baseline may be older.
func (e *Engine) summarizeLabs(c *rulesv1.Context, v *view, window time.Duration) {
	for _, a := range v.labHistory() {
		results := a.results
		last := results[len(results)-1]
		if v.atNs-last.at > int64(window) {
			continue
		}
		s := &rulesv1.LabSummary{Value: last.value, HasBaseline: true, Baseline: results[0].value, Min: last.value, Max: last.value}
		s.Low, s.High = e.referenceRange(last.entry)
		if prev, ok := previousSpecimen(results); ok {
			s.HasPrevious, s.Previous = true, prev.value
		}
		for _, r := range results {
			if v.atNs-r.at <= int64(window) {
				s.Min, s.Max = min(s.Min, r.value), max(s.Max, r.value)
			}
		}
		c.Labs[a.analyte] = s
	}
}

// sameSpecimenWithin is how close in time an identical result must be to the newest one to
// be read as the same draw entered twice (its collection and its report time, say) rather
// than a second specimen (ADDENDUM A4.2, design proposal).
const sameSpecimenWithin = time.Hour

// previousSpecimen is the newest result before the last of results (sorted by time) that
// comes from another specimen: a result collected at the same time as the last is the same
// specimen, resubmitted or corrected, and so is an identical value within
// sameSpecimenWithin of it. A result resubmitted therefore never confirms itself ("confirmed
// by repeat testing", Xeljanz US label section 2.3) nor makes a value persistent.
func previousSpecimen(results []labResult) (labResult, bool) {
	last := results[len(results)-1]
	for i := len(results) - 2; i >= 0; i-- {
		r := results[i]
		if r.at == last.at || (sameValue(r.value, last.value) && last.at-r.at < int64(sameSpecimenWithin)) {
			continue
		}
		return r, true
	}
	return labResult{}, false
}

// sameValue says whether two canonical values are the same result, allowing for the
// rounding of a unit conversion.
func sameValue(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

// referenceRange is the lab's own range, else the catalog's typical one. A range that
// cannot be right (an upper limit of 0, or below the lower one) is a data-entry slip; the
// typical range is safer than a limit that hides every abnormal value.
func (e *Engine) referenceRange(h *medjournalv1.Entry) (float64, float64) {
	lab := h.GetLab()
	low, high := 0.0, 0.0
	if t, ok := e.cat.LabTest(lab.GetCode()); ok {
		low, high = t.GetTypicalLow(), t.GetTypicalHigh()
	}
	ownLow, ownHigh := lab.GetCanonicalReferenceLow(), lab.GetCanonicalReferenceHigh()
	if lab.CanonicalReferenceHigh != nil && ownHigh > 0 && ownHigh >= ownLow {
		high = ownHigh
	}
	if lab.CanonicalReferenceLow != nil && (lab.CanonicalReferenceHigh == nil || ownLow <= ownHigh) {
		low = ownLow
	}
	return low, high
}

// describePatient fills the drugs taken on the trigger's local day and the profile.
func (e *Engine) describePatient(c *rulesv1.Context, in Input, local time.Time) {
	day := local.Format(time.DateOnly)
	for _, m := range in.Medications {
		if (m.GetStartDate() != "" && m.GetStartDate() > day) || (m.GetEndDate() != "" && m.GetEndDate() < day) {
			continue
		}
		code := m.GetDrugCode()
		if code == "" || slices.Contains(c.Drugs, code) {
			continue
		}
		c.Drugs = append(c.Drugs, code)
		if d, ok := e.cat.Drug(code); ok {
			class := strings.ToLower(strings.TrimPrefix(d.GetDrugClass().String(), "DRUG_CLASS_"))
			if !slices.Contains(c.DrugClasses, class) {
				c.DrugClasses = append(c.DrugClasses, class)
			}
		}
	}
	p := in.Patient.GetProfile()
	if y := p.GetBirthYear(); y > 0 {
		c.Age = int32(local.Year()) - y
	}
	s := p.GetSmokingStatus()
	c.Smoker = s == medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT || s == medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER
	c.RiskFactors = slices.Clone(p.GetRiskFactors())
}

func (e *Engine) patientLocation(a *medjournalv1.Account) *time.Location {
	if loc, err := e.zones.Load(a.GetTimeZone()); err == nil {
		return loc
	}
	return time.UTC
}

// analyte maps a LOINC code to the short analyte name rules use ("751-8" → "anc"), so
// alternate codes for one analyte read the same.
func (e *Engine) analyte(loinc string) string { return e.analytes[loinc] }

// analyteNames names the analyte of every lab test in the catalog, once at load: the
// rules ask for it for every lab result in a window, and deriving it from the catalog's
// short name each time was a lookup, a lower-casing and a rename per result.
func analyteNames(cat *catalog.Catalog) map[string]string {
	names := map[string]string{}
	for _, t := range cat.LabTests().GetLabTests() {
		short := strings.ToLower(t.GetShortName())
		if a, ok := analyteByShortName[short]; ok {
			short = a
		}
		names[t.GetCode()] = short
	}
	return names
}

// analyteByShortName renames the catalog short names that are not already the analyte
// names the rules use.
var analyteByShortName = map[string]string{
	"hdl-c": "hdl",
	"ldl-c": "ldl",
	"tbil":  "bili",
	"tc":    "chol",
}

// entryCode is the code an entry contributes to evidence_codes matching.
func (e *Engine) entryCode(entry *medjournalv1.Entry) string {
	switch k := entry.GetKind().(type) {
	case *medjournalv1.Entry_Symptom:
		return k.Symptom.GetCode()
	case *medjournalv1.Entry_Vital:
		return k.Vital.GetCode()
	case *medjournalv1.Entry_Lab:
		return e.analyte(k.Lab.GetCode())
	}
	return ""
}
