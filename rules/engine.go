// Package rules is the warning-sign engine: it checks a new or changed journal entry
// against rules taken from the JAK inhibitors' labels and says which flags to raise.
//
// Rules are data (data/rules.textproto, a medjournal.v1.ListRulesResponse) with their
// conditions written in CEL over a typed context (medjournal.rules.v1.Context) built from
// the patient's journal around the entry. Every rule is compiled and type-checked once
// at start, so a rule that names a field that does not exist fails start-up, not a
// patient's entry. The package knows nothing of SQL: the store hands it the journal
// window and records what it finds.
package rules

import (
	"fmt"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/medjournal/medjournal/catalog"
	rulesv1 "github.com/medjournal/medjournal/gen/medjournal/rules/v1"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/tz"
)

// LabLookback is how far back lab history reaches for baselines and repeat tests.
const LabLookback = 400 * 24 * time.Hour

// Input is the part of a patient's journal one evaluation needs. Every list is bounded by
// time, so an evaluation costs the same however long the journal is.
type Input struct {
	Trigger     *medjournalv1.Entry   // the entry created or changed
	Recent      []*medjournalv1.Entry // live entries within Window of the trigger, either side; the trigger may be left out, as when it is not stored yet
	LabHistory  []*medjournalv1.Entry // live lab results within LabLookback before the trigger
	Medications []*medjournalv1.Medication
	Patient     *medjournalv1.Account
	// Prepared, when set, is the journal Recent and LabHistory were cut from, prepared
	// (Prepare) and held at least as far either side. The engine reads it instead of
	// them when it built it for the patient's time zone; otherwise it reads them.
	Prepared *Prepared
}

// Finding is one rule that matched.
type Finding struct {
	Rule     *medjournalv1.Rule
	Urgency  medjournalv1.Urgency // the rule's urgency, raised by any escalation that holds
	Evidence []string             // entry ids: the trigger first, then window entries by time
}

// Engine holds the compiled rule set. It is read-only after Load and safe for concurrent use.
type Engine struct {
	cat    *catalog.Catalog
	list   *medjournalv1.ListRulesResponse
	rules  []*compiledRule
	window time.Duration // the longest rule window
	// contextFields read the Context message's fields as CEL values. They come from one
	// type registry built at load, rather than the registry cel.ContextProtoVars would
	// build on every evaluation, which the profile showed as most of the engine's cost.
	contextFields map[string]contextField
	zones         tz.Cache // patients' time zones, for "today" and day boundaries
	// candidates are the rules each trigger can match (candidateRules).
	candidates map[triggerKey][]*compiledRule
	// analytes name each catalog lab test's analyte, by LOINC code (analyteNames).
	analytes map[string]string
	// kinds is the Entry message's kind oneof (entryKinds), read for every trigger.
	kinds protoreflect.OneofDescriptor
}

type compiledRule struct {
	def         *medjournalv1.Rule
	condition   cel.Program
	escalations []compiledEscalation
	reads       contextPart // the parts its condition and escalations name
	window      time.Duration
	evidence    []evidenceCode
}

type compiledEscalation struct {
	condition cel.Program
	urgency   medjournalv1.Urgency
	advice    string
}

// Load parses, checks and compiles the embedded rule set.
func Load(cat *catalog.Catalog) (*Engine, error) {
	list, err := readRules()
	if err != nil {
		return nil, err
	}
	return Compile(cat, list)
}

// Compile checks and compiles a rule set; Load uses it on the embedded set, and tests on
// deliberately broken ones.
func Compile(cat *catalog.Catalog, list *medjournalv1.ListRulesResponse) (*Engine, error) {
	if err := validateRules(list); err != nil {
		return nil, err
	}
	env, err := cel.NewEnv(
		cel.Types(&rulesv1.Context{}, &medjournalv1.Entry{}),
		cel.DeclareContextProto((&rulesv1.Context{}).ProtoReflect().Descriptor()),
	)
	if err != nil {
		return nil, fmt.Errorf("rules: CEL environment: %w", err)
	}
	e := &Engine{cat: cat, list: list, analytes: analyteNames(cat), kinds: entryKinds()}
	if e.contextFields, err = contextFieldTypes(); err != nil {
		return nil, err
	}
	var conditions []*cel.Ast
	for _, def := range list.GetRules() {
		cr := &compiledRule{def: def, window: def.GetWindow().AsDuration()}
		for _, code := range def.GetEvidenceCodes() {
			ec, err := parseEvidenceCode(code)
			if err != nil {
				return nil, fmt.Errorf("rules: rule %s: %w", def.GetId(), err)
			}
			cr.evidence = append(cr.evidence, ec)
		}
		condition, prg, err := compileBool(env, def.GetCondition())
		if err != nil {
			return nil, fmt.Errorf("rules: rule %s: condition: %w", def.GetId(), err)
		}
		cr.condition = prg
		cr.reads = partsNamed(condition)
		conditions = append(conditions, condition)
		for i, esc := range def.GetEscalations() {
			escAST, prg, err := compileBool(env, esc.GetCondition())
			if err != nil {
				return nil, fmt.Errorf("rules: rule %s: escalation %d: %w", def.GetId(), i, err)
			}
			cr.reads |= partsNamed(escAST)
			cr.escalations = append(cr.escalations, compiledEscalation{condition: prg, urgency: esc.GetUrgency(), advice: esc.GetPatientAdvice()})
		}
		e.rules = append(e.rules, cr)
		e.window = max(e.window, cr.window)
	}
	if e.candidates, err = e.candidateRules(env, conditions); err != nil {
		return nil, err
	}
	return e, nil
}

// compileBool parses and type-checks a condition, which must give a bool. The checked
// tree is returned too, for candidateRules' partial evaluation.
func compileBool(env *cel.Env, expr string) (*cel.Ast, cel.Program, error) {
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, nil, iss.Err()
	}
	if ast.OutputType() != cel.BoolType {
		return nil, nil, fmt.Errorf("evaluates to %s, want bool", ast.OutputType())
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	return ast, prg, err
}

// Rules returns the rule set as published by CatalogService.ListRules. Callers must not
// modify it.
func (e *Engine) Rules() *medjournalv1.ListRulesResponse { return e.list }

// Window is how far either side of an entry the engine needs the journal.
func (e *Engine) Window() time.Duration { return e.window }

// Evaluate checks in.Trigger against every rule that can match it (rulesFor) and returns
// those that match.
func (e *Engine) Evaluate(in Input) ([]Finding, error) {
	return e.evaluate(in, e.rulesFor(in.Trigger))
}

func (e *Engine) evaluate(in Input, rules []*compiledRule) ([]Finding, error) {
	return e.evaluateFilled(in, rules, triggerPart)
}

// evaluateFilled is evaluate with the given context parts filled before any condition
// runs, rather than when one first reads them; tests check that it makes no difference.
func (e *Engine) evaluateFilled(in Input, rules []*compiledRule, parts contextPart) ([]Finding, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	view := e.newView(in, widestWindow(rules))
	windows := make([]time.Duration, len(rules))
	for i, r := range rules {
		windows[i] = r.window
	}
	contexts := e.newContexts(view, windows) // rules share windows: one context each
	contexts.fill(parts)
	activations := map[time.Duration]cel.Activation{}
	var out []Finding
	for _, r := range rules {
		vars, ok := activations[r.window]
		if !ok {
			vars = contexts.activation(r.window)
			activations[r.window] = vars
		}
		matched, err := evalBool(r.condition, vars)
		if err != nil {
			return nil, fmt.Errorf("rules: rule %s: %w", r.def.GetId(), err)
		}
		if !matched {
			continue
		}
		rule, urgency := r.def, r.def.GetUrgency()
		for _, esc := range r.escalations {
			ok, err := evalBool(esc.condition, vars)
			if err != nil {
				return nil, fmt.Errorf("rules: rule %s escalation: %w", r.def.GetId(), err)
			}
			if ok && esc.urgency > urgency {
				urgency = esc.urgency
				if esc.advice != "" {
					// The finding carries the advice for the urgency it reached.
					rule = proto.Clone(r.def).(*medjournalv1.Rule)
					rule.PatientAdvice = esc.advice
				}
			}
		}
		out = append(out, Finding{Rule: rule, Urgency: urgency, Evidence: e.evidence(view, r)})
	}
	return out, nil
}

// contextFieldTypes resolves every field of Context once, for activation.
func contextFieldTypes() (map[string]contextField, error) {
	reg, err := types.NewRegistry(types.ProtoTypeDefs(&rulesv1.Context{}))
	if err != nil {
		return nil, fmt.Errorf("rules: type registry: %w", err)
	}
	desc := (&rulesv1.Context{}).ProtoReflect().Descriptor()
	out := map[string]contextField{}
	for i := range desc.Fields().Len() {
		name := desc.Fields().Get(i).TextName()
		part, ok := contextPartOf[name]
		if !ok {
			return nil, fmt.Errorf("rules: context field %s belongs to no part (contextPartOf)", name)
		}
		ft, ok := reg.FindStructFieldType(string(desc.FullName()), name)
		if !ok {
			return nil, fmt.Errorf("rules: context field %s has no CEL type", name)
		}
		out[name] = contextField{index: i, part: part, typ: ft}
	}
	return out, nil
}

func evalBool(prg cel.Program, vars any) (bool, error) {
	val, _, err := prg.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := val.Value().(bool)
	if !ok {
		return false, fmt.Errorf("condition gave %v, want bool", val)
	}
	return b, nil
}

// evidence is the trigger, then the window's entries that match the rule's
// evidence_codes, oldest first: symptoms by code; vitals by code and, when the code names
// one, a threshold ("body_temperature>=38.0"); lab results by analyte when outside their
// reference range, so a normal reading never stands as evidence of a warning sign.
func (e *Engine) evidence(v *view, r *compiledRule) []string {
	trigger := v.in.Trigger
	ids := []string{trigger.GetId()}
	for _, n := range v.within(r.window) {
		if n.code == "" {
			continue
		}
		if n.at == v.atNs && n.entry.GetId() == trigger.GetId() {
			continue
		}
		for _, ec := range r.evidence {
			if ec.code == n.code && e.evidenceMatches(n, ec) {
				ids = append(ids, n.entry.GetId())
				break
			}
		}
	}
	return ids
}

func (e *Engine) evidenceMatches(n *nearEntry, ec evidenceCode) bool {
	switch n.kind {
	case nearVital:
		return ec.test == nil || ec.test(n.value)
	case nearLab:
		if ec.test != nil {
			return ec.test(n.value)
		}
		low, high := e.referenceRange(n.entry)
		return n.value < low || (high > 0 && n.value > high)
	}
	return true
}
