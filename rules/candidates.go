package rules

import (
	"fmt"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"google.golang.org/protobuf/reflect/protoreflect"

	rulesv1 "github.com/medjournal/medjournal/gen/medjournal/rules/v1"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// triggerKey is what the engine knows of a trigger before it reads the journal: its kind
// and its code (entryCode), which the context's trigger_symptom, trigger_vital and
// trigger_lab fields carry. Every rule's condition starts from them ("trigger_lab == 'anc'
// && ...", "has(entry.dose) && ..."), so for most triggers most rules cannot match
// whatever the journal holds, and a note matches none. Building the journal's context and
// evaluating every rule was a fifth of a create's CPU.
type triggerKey struct {
	kind string // the name of the entry's kind field: "symptom", "dose", ...
	code string // a symptom or vital code, a lab's analyte; "" for other kinds
}

// triggerKeyOf is the key of an entry.
func (e *Engine) triggerKeyOf(t *medjournalv1.Entry) triggerKey {
	k := triggerKey{code: e.entryCode(t)}
	if fd := t.ProtoReflect().WhichOneof(e.kinds); fd != nil {
		k.kind = fd.TextName()
	}
	return k
}

// triggerFields are the context's trigger_symptom, trigger_vital and trigger_lab for k:
// newContexts and candidateRules both take them from here, so they cannot disagree.
func (k triggerKey) triggerFields() (symptom, vital, lab string) {
	switch k.kind {
	case "symptom":
		return k.code, "", ""
	case "vital":
		return "", k.code, ""
	case "lab":
		return "", "", k.code
	}
	return "", "", ""
}

// entryKinds is the Entry message's kind oneof. Building it makes an Entry, so Compile
// finds it once and the engine reads it from Engine.kinds, at load and per evaluation.
func entryKinds() protoreflect.OneofDescriptor {
	return (&medjournalv1.Entry{}).ProtoReflect().Descriptor().Oneofs().ByName("kind")
}

// candidateRules decides, once at load for every trigger the catalog allows, which rules
// can match it. The decision is CEL's partial evaluation, not a reading of the rules by
// hand: each condition runs with the trigger fields known, the entry known only as far as
// its kind, and everything else unknown (the entry's values, the journal, the patient).
// CEL's logic is commutative and absorbs unknowns, so a condition that still gives false
// is false for every journal, every value of the trigger and every patient; anything else
// (true, unknown, an error) keeps the rule. A trigger outside the table is checked against
// every rule.
func (e *Engine) candidateRules(env *cel.Env, conditions []*cel.Ast) (map[triggerKey][]*compiledRule, error) {
	partial := make([]cel.Program, len(conditions))
	for i, ast := range conditions {
		prg, err := env.Program(ast, cel.EvalOptions(cel.OptPartialEval))
		if err != nil {
			return nil, fmt.Errorf("rules: rule %s: partial program: %w", e.rules[i].def.GetId(), err)
		}
		partial[i] = prg
	}
	out := map[triggerKey][]*compiledRule{}
	for _, k := range e.triggerKeys() {
		if _, done := out[k]; done {
			continue // alternate codes of one analyte
		}
		vars, err := partialContext(k, e.kinds)
		if err != nil {
			return nil, err
		}
		rules := []*compiledRule{}
		for i, prg := range partial {
			if val, _, err := prg.Eval(vars); err == nil && val == types.False {
				continue
			}
			rules = append(rules, e.rules[i])
		}
		out[k] = rules
	}
	return out, nil
}

// triggerKeys are the keys of every entry the catalog allows: every symptom, vital and
// lab code, each other kind, and no kind.
func (e *Engine) triggerKeys() []triggerKey {
	keys := []triggerKey{{}}
	kinds := e.kinds.Fields()
	for i := range kinds.Len() {
		kind := kinds.Get(i).TextName()
		switch kind {
		case "symptom":
			for _, s := range e.cat.Symptoms().GetSymptoms() {
				keys = append(keys, triggerKey{kind: kind, code: s.GetCode()})
			}
		case "vital":
			for _, v := range e.cat.Vitals().GetVitals() {
				keys = append(keys, triggerKey{kind: kind, code: v.GetCode()})
			}
		case "lab":
			for _, l := range e.cat.LabTests().GetLabTests() {
				keys = append(keys, triggerKey{kind: kind, code: e.analyte(l.GetCode())})
			}
		default:
			keys = append(keys, triggerKey{kind: kind})
		}
	}
	return keys
}

// partialContext is the rules' context as far as k tells it: the trigger fields, and an
// entry of k's kind whose every value is unknown. CEL treats an attribute as unknown when
// an unknown pattern extends it, so "entry" or "entry.dose" as a whole stay unknown too;
// only which kind is set is known. kinds is the Entry message's kind oneof (Engine.kinds).
func partialContext(k triggerKey, kinds protoreflect.OneofDescriptor) (cel.PartialActivation, error) {
	symptom, vital, lab := k.triggerFields()
	known := map[string]any{"trigger_symptom": symptom, "trigger_vital": vital, "trigger_lab": lab}
	var unknown []*cel.AttributePatternType
	fields := (&rulesv1.Context{}).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		if name := fields.Get(i).TextName(); name != "entry" {
			if _, ok := known[name]; !ok {
				unknown = append(unknown, cel.AttributePattern(name))
			}
		}
	}
	entry := (&medjournalv1.Entry{}).ProtoReflect()
	entryFields := entry.Descriptor().Fields()
	for i := range entryFields.Len() {
		fd := entryFields.Get(i)
		switch {
		case fd.ContainingOneof() != kinds:
			unknown = append(unknown, cel.AttributePattern("entry").QualString(fd.TextName()))
		case fd.TextName() != k.kind:
			// Another kind: unset, as it is in the trigger.
		case fd.Message() == nil:
			entry.Set(fd, entry.NewField(fd))
			unknown = append(unknown, cel.AttributePattern("entry").QualString(fd.TextName()))
		default:
			entry.Set(fd, entry.NewField(fd))
			inner := fd.Message().Fields()
			for j := range inner.Len() {
				unknown = append(unknown, cel.AttributePattern("entry").QualString(fd.TextName()).QualString(inner.Get(j).TextName()))
			}
		}
	}
	known["entry"] = entry.Interface()
	vars, err := cel.PartialVars(known, unknown...)
	if err != nil {
		return nil, fmt.Errorf("rules: partial context for %+v: %w", k, err)
	}
	return vars, nil
}

// rulesFor are the rules that can match the trigger, in rule-set order.
func (e *Engine) rulesFor(t *medjournalv1.Entry) []*compiledRule {
	if rules, ok := e.candidates[e.triggerKeyOf(t)]; ok {
		return rules
	}
	return e.rules
}

// MayMatch says whether any rule can match the trigger, whatever the journal around it
// holds. When it is false, evaluating finds nothing and the caller need not read the
// journal at all.
func (e *Engine) MayMatch(t *medjournalv1.Entry) bool { return len(e.rulesFor(t)) > 0 }

// Horizon is how far from the trigger, either side, the journal can change what its
// candidate rules find: the widest of their windows. Recent entries farther away leave the
// findings as they are, so a caller need not read them.
func (e *Engine) Horizon(t *medjournalv1.Entry) time.Duration { return widestWindow(e.rulesFor(t)) }

// ReadsLabs says whether any rule that can match the trigger reads the lab history. A
// dose, a note and most symptoms are checked without it, so a caller loading the journal
// for such a trigger alone need not read years of results.
func (e *Engine) ReadsLabs(t *medjournalv1.Entry) bool {
	for _, r := range e.rulesFor(t) {
		if r.reads&labsPart != 0 {
			return true
		}
	}
	return false
}

func widestWindow(rules []*compiledRule) time.Duration {
	var w time.Duration
	for _, r := range rules {
		w = max(w, r.window)
	}
	return w
}
