package rules

import (
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

// partsNamed are the context parts whose fields a checked expression names: the checker
// resolves every variable, so its references list them all.
func partsNamed(ast *cel.Ast) contextPart {
	var parts contextPart
	for _, ref := range ast.NativeRep().ReferenceMap() {
		parts |= contextPartOf[ref.Name]
	}
	return parts
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
	if v.triggerApart {
		// The trigger lies in every window: counted once, before them all.
		trigger := v.e.prepareEntry(v.in.Trigger, v.atNs, v.loc)
		sum.add(&trigger, v.today)
	}
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
		c.Symptoms = make(map[string]int32, len(sum.symptoms))
		c.SymptomDays = make(map[string]int32, len(sum.symptoms))
		for code, s := range sum.symptoms {
			c.Symptoms[code], c.SymptomDays[code] = s.severity, int32(len(s.days))
		}
		c.VitalMax, c.VitalMin = make(map[string]float64, len(sum.vitals)), make(map[string]float64, len(sum.vitals))
		for code, s := range sum.vitals {
			c.VitalMax[code], c.VitalMin[code] = s.max, s.min
		}
		c.MaxDosesTakenToday = 0
		for _, n := range sum.dosesToday {
			c.MaxDosesTakenToday = max(c.MaxDosesTakenToday, n)
		}
	}
}

// contextField is one field of the Context as the conditions' variable of the same name.
type contextField struct {
	index int // in the message, and in windowActivation's values
	part  contextPart
	typ   *types.FieldType
}

// activation exposes the window's context fields as the conditions' top-level variables.
// A variable is read from the context the first time a condition names it, which fills
// the part of the context it belongs to.
func (cs *contexts) activation(window time.Duration) cel.Activation {
	n := len(cs.e.contextFields)
	return &windowActivation{cs: cs, c: cs.byWindow[window], values: make([]any, n), ready: make([]bool, n)}
}

// windowActivation is one window's context as a CEL activation. It does what cel-go's
// map activation with a function per lazy variable did, without building the map and its
// functions for every window of every evaluation.
type windowActivation struct {
	cs     *contexts
	c      *rulesv1.Context
	values []any // by contextField.index, once read
	ready  []bool
}

// ResolveName implements cel.Activation.
func (a *windowActivation) ResolveName(name string) (any, bool) {
	f, ok := a.cs.e.contextFields[name]
	if !ok {
		return nil, false
	}
	if !a.ready[f.index] {
		a.cs.fill(f.part)
		val, err := f.typ.GetFrom(a.c)
		if err != nil {
			val = types.NewErr("rules: context field %s: %v", name, err)
		}
		a.values[f.index], a.ready[f.index] = val, true
	}
	return a.values[f.index], true
}

// Parent implements cel.Activation: there is none.
func (a *windowActivation) Parent() cel.Activation { return nil }
