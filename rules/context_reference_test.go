package rules

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	rulesv1 "github.com/medjournal/medjournal/gen/medjournal/rules/v1"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// referenceContext is the context (buildContexts) as it was built before views: straight from the definition,
// one pass over the raw entries per window. It is kept as the oracle the faster version is
// checked against.
//
// It summarizes the journal around the trigger for rules with the given window.
// Symptoms and vitals count from both sides of the trigger, since a patient may log an
// earlier symptom late; labs count up to the trigger, as the history the trigger is read
// against.
func (e *Engine) referenceContext(in Input, window time.Duration) *rulesv1.Context {
	t := in.Trigger
	at := t.GetOccurredTime().AsTime()
	c := &rulesv1.Context{
		Entry:       t,
		Symptoms:    map[string]int32{},
		SymptomDays: map[string]int32{},
		VitalMax:    map[string]float64{},
		VitalMin:    map[string]float64{},
		Labs:        map[string]*rulesv1.LabSummary{},
	}
	switch k := t.GetKind().(type) {
	case *medjournalv1.Entry_Symptom:
		c.TriggerSymptom = k.Symptom.GetCode()
	case *medjournalv1.Entry_Vital:
		c.TriggerVital = k.Vital.GetCode()
	case *medjournalv1.Entry_Lab:
		c.TriggerLab = e.analyte(k.Lab.GetCode())
	}
	loc := e.patientLocation(in.Patient)
	days := map[string]map[string]bool{}
	doses := map[string]int32{}
	today := at.In(loc).Format(time.DateOnly)
	for _, entry := range in.Recent {
		when := entry.GetOccurredTime().AsTime()
		if when.Sub(at).Abs() > window {
			continue
		}
		switch k := entry.GetKind().(type) {
		case *medjournalv1.Entry_Symptom:
			code := k.Symptom.GetCode()
			c.Symptoms[code] = max(c.Symptoms[code], int32(k.Symptom.GetSeverity()))
			if days[code] == nil {
				days[code] = map[string]bool{}
			}
			days[code][when.In(loc).Format(time.DateOnly)] = true
		case *medjournalv1.Entry_Vital:
			code, v := k.Vital.GetCode(), k.Vital.GetCanonicalValue()
			if old, ok := c.VitalMax[code]; !ok || v > old {
				c.VitalMax[code] = v
			}
			if old, ok := c.VitalMin[code]; !ok || v < old {
				c.VitalMin[code] = v
			}
		case *medjournalv1.Entry_Dose:
			if k.Dose.GetStatus() == medjournalv1.DoseStatus_DOSE_STATUS_TAKEN && when.In(loc).Format(time.DateOnly) == today {
				doses[k.Dose.GetMedicationId()]++
			}
		}
	}
	for code, d := range days {
		c.SymptomDays[code] = int32(len(d))
	}
	for _, n := range doses {
		c.MaxDosesTakenToday = max(c.MaxDosesTakenToday, n)
	}
	e.referenceLabs(c, in, at, window)
	e.describePatient(c, in, at.In(loc))
	return c
}

// summarizeLabs fills c.Labs from the lab history up to the trigger: an analyte appears
// when it has a result within the window; its previous result and baseline may be older.
func (e *Engine) referenceLabs(c *rulesv1.Context, in Input, at time.Time, window time.Duration) {
	history := slices.Clone(in.LabHistory)
	if in.Trigger.GetLab() != nil && !slices.ContainsFunc(history, func(h *medjournalv1.Entry) bool { return h.GetId() == in.Trigger.GetId() }) {
		history = append(history, in.Trigger)
	}
	slices.SortStableFunc(history, func(a, b *medjournalv1.Entry) int {
		return a.GetOccurredTime().AsTime().Compare(b.GetOccurredTime().AsTime())
	})
	byAnalyte := map[string][]*medjournalv1.Entry{}
	for _, h := range history {
		if h.GetOccurredTime().AsTime().After(at) {
			continue
		}
		if a := e.analyte(h.GetLab().GetCode()); a != "" {
			byAnalyte[a] = append(byAnalyte[a], h)
		}
	}
	value := func(h *medjournalv1.Entry) float64 { return h.GetLab().GetCanonicalValue() }
	for analyte, results := range byAnalyte {
		last := results[len(results)-1]
		if at.Sub(last.GetOccurredTime().AsTime()) > window {
			continue
		}
		s := &rulesv1.LabSummary{Value: value(last), HasBaseline: true, Baseline: value(results[0]), Min: value(last), Max: value(last)}
		s.Low, s.High = e.referenceRange(last)
		// The previous specimen: skip results collected with the last one, and identical
		// values less than an hour before it (the same draw entered twice).
		for i := len(results) - 2; i >= 0; i-- {
			gap := last.GetOccurredTime().AsTime().Sub(results[i].GetOccurredTime().AsTime())
			identical := math.Abs(value(results[i])-value(last)) <= 1e-9*max(1, math.Abs(value(last)))
			if gap == 0 || (identical && gap < time.Hour) {
				continue
			}
			s.HasPrevious, s.Previous = true, value(results[i])
			break
		}
		for _, r := range results {
			if at.Sub(r.GetOccurredTime().AsTime()) <= window {
				s.Min, s.Max = min(s.Min, value(r)), max(s.Max, value(r))
			}
		}
		c.Labs[analyte] = s
	}
}

// buildContexts is every window's context, filled whole, as evaluating with every part
// read would leave it.
func (e *Engine) buildContexts(v *view, windows []time.Duration) map[time.Duration]*rulesv1.Context {
	cs := e.newContexts(v, windows)
	cs.fill(allParts)
	return cs.byWindow
}

// TestViewContextMatchesReference: for random journals around random triggers, in
// several time zones and across DST changes, the context built from a view is exactly the
// context built entry by entry, for every window the rules use and a few more.
func TestViewContextMatchesReference(t *testing.T) {
	e := loadEngine(t)
	rng := rand.New(rand.NewPCG(7, 11))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati"}
	windows := []time.Duration{0, time.Hour}
	for _, r := range e.rules {
		if !slices.Contains(windows, r.window) {
			windows = append(windows, r.window)
		}
	}
	for i := range 400 {
		in := randomInput(rng, zones[i%len(zones)])
		wide := e.newView(in, slices.Max(windows))
		// Every window built in one pass outward, as an evaluation does; windows in a
		// random order, some repeated, as the rules list them.
		some := slices.Clone(windows)
		rng.Shuffle(len(some), func(i, j int) { some[i], some[j] = some[j], some[i] })
		some = append(some[:1+rng.IntN(len(some))], some[0])
		together := e.buildContexts(wide, some)
		for _, w := range windows {
			// A view cut at the window itself, as when the rules evaluated all use it, one
			// prepared for the widest window, and the window among others must all give the
			// reference context.
			want := e.referenceContext(in, w)
			for _, v := range []*view{wide, e.newView(in, w)} {
				if got := e.buildContexts(v, []time.Duration{w})[w]; !proto.Equal(got, want) {
					t.Fatalf("case %d, window %v:\n view      %v\n reference %v", i, w, got, want)
				}
			}
			if got, ok := together[w]; ok && !proto.Equal(got, want) {
				t.Fatalf("case %d, window %v among %v:\n together  %v\n reference %v", i, w, some, got, want)
			}
		}
		// The same from a Prepared journal, holding the trigger or not, with the lists in
		// the store's order (results at one time then fall by id, in the reference too).
		sorted := in
		sorted.Recent, sorted.LabHistory = byStoreOrder(in.Recent), byStoreOrder(in.LabHistory)
		others := slices.DeleteFunc(slices.Clone(sorted.Recent), func(x *medjournalv1.Entry) bool { return x == in.Trigger })
		for _, j := range []*Prepared{e.Prepare(sorted.Recent, sorted.LabHistory, in.Patient), e.Prepare(others, sorted.LabHistory, in.Patient)} {
			withJournal := sorted
			withJournal.Prepared = j
			for _, w := range windows {
				want := e.referenceContext(sorted, w)
				if got := e.buildContexts(e.newView(withJournal, slices.Max(windows)), []time.Duration{w})[w]; !proto.Equal(got, want) {
					t.Fatalf("case %d, window %v, from a journal:\n journal   %v\n reference %v", i, w, got, want)
				}
			}
		}
	}
}

// byStoreOrder is list as the store orders it: occurred time in milliseconds, then id.
func byStoreOrder(list []*medjournalv1.Entry) []*medjournalv1.Entry {
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b *medjournalv1.Entry) int {
		return cmp.Or(cmp.Compare(a.GetOccurredTime().AsTime().UnixMilli(), b.GetOccurredTime().AsTime().UnixMilli()),
			strings.Compare(a.GetId(), b.GetId()))
	})
	return list
}

// randomInput is a journal of every kind around a trigger in late March (a DST change in
// Europe and elsewhere), with ties in time, doses either side of midnight and labs of
// several analytes, some after the trigger.
func randomInput(rng *rand.Rand, zone string) Input {
	at := time.Date(2026, 3, 29, rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)
	when := func() *timestamppb.Timestamp {
		if rng.IntN(8) == 0 {
			return timestamppb.New(at) // ties with the trigger
		}
		return timestamppb.New(at.Add(time.Duration(rng.Int64N(int64(60*24*time.Hour))) - 30*24*time.Hour).Truncate(time.Minute))
	}
	symptoms := []string{"fever", "cough", "chest_pain", "headache"}
	vitals := []string{"body_temperature", "heart_rate", "systolic_bp"}
	labs := []string{"751-8", "718-7", "1742-6", "777-3", "2093-3"}
	entry := func(kind int) *medjournalv1.Entry {
		en := &medjournalv1.Entry{Id: uuid.NewString(), OccurredTime: when()}
		switch kind {
		case 0:
			en.Kind = &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: symptoms[rng.IntN(len(symptoms))],
				Severity: medjournalv1.Severity(1 + rng.IntN(3))}}
		case 1:
			v := 35 + rng.Float64()*6
			en.Kind = &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: vitals[rng.IntN(len(vitals))], Value: v, CanonicalValue: v}}
		case 2:
			en.Kind = &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: fmt.Sprint("m", rng.IntN(2)),
				Status: medjournalv1.DoseStatus(1 + rng.IntN(2))}}
		default:
			v := rng.Float64() * 20
			lab := &medjournalv1.Lab{Code: labs[rng.IntN(len(labs))], Value: v, CanonicalValue: v}
			if rng.IntN(2) == 0 {
				lab.CanonicalReferenceLow, lab.CanonicalReferenceHigh = proto.Float64(1), proto.Float64(10)
			}
			en.Kind = &medjournalv1.Entry_Lab{Lab: lab}
		}
		return en
	}
	trigger := entry(rng.IntN(4))
	trigger.OccurredTime = timestamppb.New(at)
	in := Input{Trigger: trigger, Recent: []*medjournalv1.Entry{trigger},
		Patient:     &medjournalv1.Account{TimeZone: zone},
		Medications: []*medjournalv1.Medication{{Id: "m0", DrugCode: "upadacitinib"}, {Id: "m1", DrugCode: "tofacitinib"}}}
	for range rng.IntN(60) {
		en := entry(rng.IntN(3))
		in.Recent = append(in.Recent, en)
	}
	for range rng.IntN(20) {
		in.LabHistory = append(in.LabHistory, entry(3))
	}
	// The store hands both lists over oldest first; shuffle a few to show order does not
	// matter either.
	if rng.IntN(4) == 0 {
		rng.Shuffle(len(in.Recent), func(i, j int) { in.Recent[i], in.Recent[j] = in.Recent[j], in.Recent[i] })
	}
	return in
}

func loadEngine(t *testing.T) *Engine {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
