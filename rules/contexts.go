package rules

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	rulesv1 "github.com/medjournal/medjournal/gen/medjournal/rules/v1"
)

// contextPart is a group of the Context's fields that are computed together.
type contextPart uint8

const (
	// triggerPart is the trigger itself: always filled, since every condition starts there.
	triggerPart contextPart = 0
	// journalPart summarizes the entries around the trigger.
	journalPart contextPart = 1 << iota
	// labsPart summarizes the lab history.
	labsPart
	// patientPart describes the patient: drugs, age, smoking, risk factors.
	patientPart
	allParts = journalPart | labsPart | patientPart
)

// contextPartOf is the part each Context field belongs to. Compile fails on a field that
// is missing here, so a new field cannot be left unfilled.
var contextPartOf = map[string]contextPart{
	"entry":                 triggerPart,
	"trigger_symptom":       triggerPart,
	"trigger_vital":         triggerPart,
	"trigger_lab":           triggerPart,
	"symptoms":              journalPart,
	"symptom_days":          journalPart,
	"vital_max":             journalPart,
	"vital_min":             journalPart,
	"max_doses_taken_today": journalPart,
	"labs":                  labsPart,
	"drugs":                 patientPart,
	"drug_classes":          patientPart,
	"age":                   patientPart,
	"smoker":                patientPart,
	"risk_factors":          patientPart,
}

// contexts are the rules' contexts around one trigger, one per window, each filled a part
// at a time when a condition first reads a field of that part. Most conditions are false
// on the trigger alone ("trigger_vital == 'body_temperature' && entry.vital.canonical_value
// >= 38.0" for a temperature of 36.8), and CEL stops at the first false term of an &&, so
// an everyday reading never has the journal around it summarized; that summary, over a
// busy journal's hundreds of entries, was most of the engine's cost in the load test.
// The values a condition reads are the same either way: a part is computed whole, from
// the same view, the first time any of its fields is read.
type contexts struct {
	e        *Engine
	v        *view
	windows  []time.Duration // sorted, distinct
	byWindow map[time.Duration]*rulesv1.Context
	filled   contextPart
}

// newContexts prepares the contexts for windows, with only the trigger's part filled.
func (e *Engine) newContexts(v *view, windows []time.Duration) *contexts {
	windows = slices.Clone(windows)
	slices.Sort(windows)
	windows = slices.Compact(windows)
	cs := &contexts{e: e, v: v, windows: windows, byWindow: make(map[time.Duration]*rulesv1.Context, len(windows))}
	symptom, vital, lab := e.triggerKeyOf(v.in.Trigger).triggerFields()
	for _, w := range windows {
		cs.byWindow[w] = &rulesv1.Context{Entry: v.in.Trigger, TriggerSymptom: symptom, TriggerVital: vital, TriggerLab: lab}
	}
	return cs
}

// buildContexts is every window's context, filled whole.
func (e *Engine) buildContexts(v *view, windows []time.Duration) map[time.Duration]*rulesv1.Context {
	cs := e.newContexts(v, windows)
	cs.fill(allParts)
	return cs.byWindow
}

// fill computes the parts not yet filled, for every window.
func (cs *contexts) fill(parts contextPart) {
	todo := parts &^ cs.filled
	cs.filled |= todo
	if todo&journalPart != 0 {
		cs.summarizeJournal()
	}
	for _, w := range cs.windows {
		c := cs.byWindow[w]
		if todo&labsPart != 0 {
			c.Labs = map[string]*rulesv1.LabSummary{}
			cs.e.summarizeLabs(c, cs.v, w)
		}
		if todo&patientPart != 0 {
			cs.e.describePatient(c, cs.v.in, cs.v.local)
		}
	}
}

// summarizeJournal fills the journal part of every window. Symptoms and vitals count from
// both sides of the trigger, since a patient may log an earlier symptom late. The windows
// nest around the trigger, so one pass outward from the narrowest serves them all: each
// entry is added once, where a fever's rules (two days, two weeks, four weeks) went over
// the nearest entries three times.
func (cs *contexts) summarizeJournal() {
	v := cs.v
	near := v.nearby()
	sum := newWindowSummary()
	lo, hi := 0, 0 // near[lo:hi] is what sum holds
	for i, w := range cs.windows {
		from, to := v.withinRange(w)
		if i == 0 {
			lo, hi = from, from
		}
		for _, n := range near[from:lo] {
			sum.add(n, v.today)
		}
		for _, n := range near[hi:to] {
			sum.add(n, v.today)
		}
		lo, hi = from, to
		// The maps are copies, since the summary goes on to wider windows.
		c := cs.byWindow[w]
		c.Symptoms = maps.Clone(sum.symptoms)
		c.SymptomDays = make(map[string]int32, len(sum.symptomDays))
		for code, d := range sum.symptomDays {
			c.SymptomDays[code] = int32(len(d))
		}
		c.VitalMax, c.VitalMin = maps.Clone(sum.vitalMax), maps.Clone(sum.vitalMin)
		c.MaxDosesTakenToday = 0
		for _, n := range sum.dosesToday {
			c.MaxDosesTakenToday = max(c.MaxDosesTakenToday, n)
		}
	}
}

// activation exposes the window's context fields as the conditions' top-level variables;
// a field outside the trigger's part is read through a function CEL calls the first time
// a condition reads the variable, which fills the field's part.
func (cs *contexts) activation(window time.Duration) (cel.Activation, error) {
	c := cs.byWindow[window]
	vars := make(map[string]any, len(cs.e.contextFields))
	for name, ft := range cs.e.contextFields {
		part := contextPartOf[name]
		if part == triggerPart {
			val, err := ft.GetFrom(c)
			if err != nil {
				return nil, fmt.Errorf("rules: context field %s: %w", name, err)
			}
			vars[name] = val
			continue
		}
		vars[name] = func() any {
			cs.fill(part)
			val, err := ft.GetFrom(c)
			if err != nil {
				return types.NewErr("rules: context field %s: %v", name, err)
			}
			return val
		}
	}
	return cel.NewActivation(vars)
}
