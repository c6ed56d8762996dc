package rules_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/scenarios"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
)

// validRule is a complete rule the loader accepts; each loader test breaks one thing.
func validRule() *medjournalv1.Rule {
	return &medjournalv1.Rule{
		Id:               "test.fever",
		Title:            "Fever",
		Description:      "A measured fever.",
		Category:         medjournalv1.Category_CATEGORY_INFECTION,
		Urgency:          medjournalv1.Urgency_URGENCY_URGENT,
		Window:           durationpb.New(24 * time.Hour),
		Episode:          durationpb.New(72 * time.Hour),
		Condition:        "trigger_vital == 'body_temperature' && entry.vital.canonical_value >= 38.0",
		EvidenceCodes:    []string{"body_temperature"},
		PatientAdvice:    "Call your care team today.",
		ClinicianSummary: "Fever on a JAK inhibitor.",
		Source:           &medjournalv1.Source{Document: "REFERENCE.md", Section: "sec 2.2", Reference: "S1"},
		Escalations: []*medjournalv1.Escalation{{
			Condition:     "'shortness_of_breath' in symptoms",
			Urgency:       medjournalv1.Urgency_URGENCY_EMERGENCY,
			Reason:        "fever with shortness of breath",
			PatientAdvice: "Get emergency care now.",
		}},
	}
}

func TestLoaderRefuses(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Compile(cat, &medjournalv1.ListRulesResponse{Rules: []*medjournalv1.Rule{validRule()}}); err != nil {
		t.Fatalf("the unbroken rule must load: %v", err)
	}
	for _, tc := range []struct {
		name   string
		break_ func(r *medjournalv1.Rule)
		want   string // part of the error
	}{
		{"advice says stop taking", func(r *medjournalv1.Rule) {
			r.PatientAdvice = "Stop taking your medicine and call your care team."
		}, "stop taking"},
		{"advice says to pause", func(r *medjournalv1.Rule) {
			r.PatientAdvice = "Pause your tablets until you feel better."
		}, "pause your"},
		{"escalation advice says skip", func(r *medjournalv1.Rule) {
			r.Escalations[0].PatientAdvice = "Get emergency care now and skip the next dose."
		}, "skip the next"},
		{"emergency rule without emergency advice", func(r *medjournalv1.Rule) {
			r.Urgency = medjournalv1.Urgency_URGENCY_EMERGENCY
			r.Escalations = nil
			r.PatientAdvice = "Call your care team today."
		}, "emergency"},
		{"emergency escalation inheriting non-emergency advice", func(r *medjournalv1.Rule) {
			r.Escalations[0].PatientAdvice = ""
		}, "emergency"},
		{"escalation to the same urgency", func(r *medjournalv1.Rule) {
			r.Escalations[0].Urgency = medjournalv1.Urgency_URGENCY_URGENT
		}, "must raise"},
		{"escalation to a lower urgency", func(r *medjournalv1.Rule) {
			r.Escalations[0].Urgency = medjournalv1.Urgency_URGENCY_ROUTINE
		}, "must raise"},
		{"escalation without a reason", func(r *medjournalv1.Rule) {
			r.Escalations[0].Reason = ""
		}, "reason"},
		{"missing source", func(r *medjournalv1.Rule) {
			r.Source = nil
		}, "source.document"},
		{"source without section", func(r *medjournalv1.Rule) {
			r.Source.Section = " "
		}, "source.section"},
		{"condition names a field that does not exist", func(r *medjournalv1.Rule) {
			r.Condition = "trigger_vital == 'body_temperature' && temperature_max >= 38.0"
		}, "condition"},
		{"condition compares double with int", func(r *medjournalv1.Rule) {
			r.Condition = "trigger_vital == 'body_temperature' && entry.vital.canonical_value >= 38"
		}, "condition"},
		{"condition that is not a bool", func(r *medjournalv1.Rule) {
			r.Condition = "trigger_symptom"
		}, "want bool"},
		{"escalation condition that does not type-check", func(r *medjournalv1.Rule) {
			r.Escalations[0].Condition = "labs.anc.neutrophils < 1.0"
		}, "escalation 0"},
		{"bad id", func(r *medjournalv1.Rule) {
			r.Id = "Fever"
		}, "group.name"},
		{"no category", func(r *medjournalv1.Rule) {
			r.Category = medjournalv1.Category_CATEGORY_UNSPECIFIED
		}, "category"},
		{"no window", func(r *medjournalv1.Rule) {
			r.Window = nil
		}, "window"},
		{"window beyond the lab lookback", func(r *medjournalv1.Rule) {
			r.Window = durationpb.New(rules.LabLookback + time.Hour)
		}, "window"},
		{"no episode", func(r *medjournalv1.Rule) {
			r.Episode = nil
		}, "episode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRule()
			tc.break_(r)
			_, err := rules.Compile(cat, &medjournalv1.ListRulesResponse{Rules: []*medjournalv1.Rule{r}})
			if err == nil {
				t.Fatalf("loader accepted the rule; want an error mentioning %q", tc.want)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.want)) {
				t.Errorf("error = %v; want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		_, err := rules.Compile(cat, &medjournalv1.ListRulesResponse{Rules: []*medjournalv1.Rule{validRule(), validRule()}})
		if err == nil || !strings.Contains(err.Error(), "duplicate") {
			t.Errorf("error = %v; want duplicate id", err)
		}
	})
	t.Run("empty rule set", func(t *testing.T) {
		if _, err := rules.Compile(cat, &medjournalv1.ListRulesResponse{}); err == nil {
			t.Error("loader accepted an empty rule set")
		}
	})
}

// analytes are the lab names the context uses (context.proto, LabSummary map keys).
var analytes = []string{"anc", "alc", "wbc", "hb", "plt", "alt", "ast", "bili", "chol", "ldl", "hdl", "tg", "ck", "creat", "egfr"}

var drugClasses = []string{"jak_inhibitor", "conventional_dmard", "corticosteroid", "nsaid", "biologic", "other"}

var quoted = regexp.MustCompile(`'([^']*)'`)

// TestRuleCodesExist catches a misspelt code: a condition naming 'shortness_of_breth'
// compiles and silently never matches.
func TestRuleCodesExist(t *testing.T) {
	e, cat := mustEngine(t)
	known := map[string]bool{}
	for _, s := range cat.Symptoms().GetSymptoms() {
		known[s.GetCode()] = true
	}
	for _, v := range cat.Vitals().GetVitals() {
		known[v.GetCode()] = true
	}
	for _, d := range cat.Drugs().GetDrugs() {
		known[d.GetCode()] = true
	}
	for _, r := range cat.RiskFactors().GetRiskFactors() {
		known[r.GetCode()] = true
	}
	for _, a := range append(slices.Clone(analytes), drugClasses...) {
		known[a] = true
	}
	for _, r := range e.Rules().GetRules() {
		exprs := []string{r.GetCondition()}
		for _, esc := range r.GetEscalations() {
			exprs = append(exprs, esc.GetCondition())
		}
		for _, x := range exprs {
			for _, m := range quoted.FindAllStringSubmatch(x, -1) {
				if !known[m[1]] {
					t.Errorf("rule %s names unknown code %q", r.GetId(), m[1])
				}
			}
			// Dotted access (symptoms.fever, labs.anc) must name known codes too.
			for _, m := range regexp.MustCompile(`\b(?:symptoms|symptom_days|vital_max|vital_min|labs)\.([a-z_]+)`).FindAllStringSubmatch(x, -1) {
				if !known[m[1]] {
					t.Errorf("rule %s names unknown code %q", r.GetId(), m[1])
				}
			}
		}
		for _, c := range r.GetEvidenceCodes() {
			c = strings.TrimRight(c, "<>=.0123456789 ") // a threshold may follow the code
			if !known[c] {
				t.Errorf("rule %s has unknown evidence code %q", r.GetId(), c)
			}
		}
		if !strings.Contains(r.GetCondition(), "trigger_") && !strings.Contains(r.GetCondition(), "entry.") {
			t.Errorf("rule %s does not name its trigger", r.GetId())
		}
		if r.GetSource().GetReference() == "" {
			t.Errorf("rule %s has no source reference (S-tags)", r.GetId())
		}
	}
}

// story builds evaluation inputs the way the scenario harness does.
type story struct {
	e       *rules.Engine
	cat     *catalog.Catalog
	patient *medjournalv1.Account
	meds    []*medjournalv1.Medication
	journal []*medjournalv1.Entry
}

func newStory(t *testing.T, e *rules.Engine, cat *catalog.Catalog, profile *medjournalv1.Profile, drugs ...string) *story {
	s := &story{e: e, cat: cat, patient: &medjournalv1.Account{Id: uuid.NewString(), TimeZone: "Europe/Berlin", Profile: profile}}
	for _, d := range drugs {
		s.meds = append(s.meds, &medjournalv1.Medication{Id: uuid.NewString(), DrugCode: d, StartDate: "2025-01-01"})
	}
	return s
}

// log normalizes l, appends it to the journal and returns its findings.
func (s *story) log(t *testing.T, l scenarios.Logged) []rules.Finding {
	t.Helper()
	entry := proto.Clone(l.Entry).(*medjournalv1.Entry)
	entry.Id = uuid.NewString()
	entry.OccurredTime = timestamppb.New(scenarios.StoryStart.Add(time.Duration(l.Hours * float64(time.Hour))))
	if err := journal.NormalizeEntry(s.cat, entry, "entry", scenarios.StoryStart.Add(1000*time.Hour)); err != nil {
		t.Fatalf("normalize: %v", err)
	}
	s.journal = append(s.journal, entry)
	return s.eval(t, entry)
}

func (s *story) eval(t *testing.T, entry *medjournalv1.Entry) []rules.Finding {
	t.Helper()
	in := rules.Input{Trigger: entry, Medications: s.meds, Patient: s.patient}
	at := entry.GetOccurredTime().AsTime()
	for _, prior := range s.journal {
		if prior.GetOccurredTime().AsTime().Sub(at).Abs() <= s.e.Window() {
			in.Recent = append(in.Recent, prior)
		}
		if prior.GetLab() != nil && !prior.GetOccurredTime().AsTime().After(at) {
			in.LabHistory = append(in.LabHistory, prior)
		}
	}
	f, err := s.e.Evaluate(in)
	if err != nil {
		t.Fatalf("evaluate %v: %v", entry, err)
	}
	return f
}

// everyEntry is one entry of every symptom (each severity), vital and lab (low, typical
// and high values) in the catalog.
func everyEntry(cat *catalog.Catalog) []scenarios.Logged {
	var out []scenarios.Logged
	for _, s := range cat.Symptoms().GetSymptoms() {
		for _, sev := range []medjournalv1.Severity{medjournalv1.Severity_SEVERITY_MILD, medjournalv1.Severity_SEVERITY_MODERATE, medjournalv1.Severity_SEVERITY_SEVERE, medjournalv1.Severity_SEVERITY_VERY_SEVERE} {
			out = append(out, scenarios.Sym(0, s.GetCode(), sev))
		}
	}
	for _, v := range cat.Vitals().GetVitals() {
		for _, x := range []float64{v.GetMinValue(), (v.GetMinValue() + v.GetMaxValue()) / 2, v.GetMaxValue()} {
			out = append(out, scenarios.Vital(0, v.GetCode(), x, v.GetCanonicalUnit()))
		}
	}
	for _, l := range cat.LabTests().GetLabTests() {
		plausible := func(x float64) float64 { return min(max(x, l.GetMinValue()), l.GetMaxValue()) }
		for _, x := range []float64{l.GetMinValue(), l.GetTypicalLow() / 3, l.GetTypicalHigh(), l.GetTypicalHigh() * 7, l.GetMaxValue()} {
			out = append(out, scenarios.Lab(0, l.GetCode(), plausible(x), l.GetCanonicalUnit()))
		}
		// The lab's own range given, including a degenerate one.
		out = append(out, scenarios.Lab(0, l.GetCode(), plausible(l.GetTypicalHigh()*2), l.GetCanonicalUnit(), 0, 0))
	}
	out = append(out, scenarios.Note(0, "feeling fine"))
	dose := &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: uuid.NewString(), Amount: 1, Unit: "tablet", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}}
	out = append(out, scenarios.Logged{Hours: 0, Entry: dose})
	return out
}

// TestRulesNeverFail evaluates every kind of entry against every rule, on an empty
// journal and on a journal full of other entries, for several profiles. A CEL runtime
// error (an unguarded map access) would make the store refuse the patient's entry.
func TestRulesNeverFail(t *testing.T) {
	e, cat := mustEngine(t)
	risky := &medjournalv1.Profile{BirthYear: 1950, SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT,
		RiskFactors: []string{"history_of_vte", "cardiovascular_disease", "history_of_cancer", "diverticulitis"}}
	combos := []struct {
		profile *medjournalv1.Profile
		drugs   []string
		full    bool // also log everything into one journal (quadratic, so once)
	}{
		{nil, nil, false},
		{risky, []string{"tofacitinib"}, true},
		{nil, []string{"abrocitinib", "ibuprofen", "prednisone"}, false},
		{risky, []string{"upadacitinib"}, false},
	}
	if testing.Short() {
		combos = combos[1:2]
	}
	all := everyEntry(cat)
	for _, c := range combos {
		// Empty journal: each entry alone.
		for _, l := range all {
			newStory(t, e, cat, c.profile, c.drugs...).log(t, l)
		}
		if !c.full {
			continue
		}
		// Full journal: every entry logged one after another, 10 minutes apart, and a few
		// logged out of order into the past.
		s := newStory(t, e, cat, c.profile, c.drugs...)
		for k, l := range all {
			l.Hours = float64(k) / 6
			if k%7 == 0 {
				l.Hours = -float64(k) / 6
			}
			s.log(t, l)
		}
	}
}

// TestUnrelatedEntriesDoNotRaise: with an alarming journal around it, an entry that is not
// a warning sign raises nothing — every rule names its trigger.
func TestUnrelatedEntriesDoNotRaise(t *testing.T) {
	e, cat := mustEngine(t)
	profile := &medjournalv1.Profile{BirthYear: 1950, SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT,
		RiskFactors: []string{"history_of_vte", "cardiovascular_disease", "history_of_cancer"}}
	s := newStory(t, e, cat, profile, "tofacitinib", "abrocitinib")
	for _, l := range []scenarios.Logged{
		scenarios.Sym(0, "chest_pain", medjournalv1.Severity_SEVERITY_VERY_SEVERE), scenarios.Sym(0, "face_drooping", medjournalv1.Severity_SEVERITY_SEVERE), scenarios.Sym(0, "fever", medjournalv1.Severity_SEVERITY_SEVERE),
		scenarios.Sym(0, "shortness_of_breath", medjournalv1.Severity_SEVERITY_VERY_SEVERE), scenarios.Sym(0, "leg_swelling", medjournalv1.Severity_SEVERITY_SEVERE), scenarios.Sym(0, "yellow_skin_or_eyes", medjournalv1.Severity_SEVERITY_SEVERE),
		scenarios.Sym(0, "abdominal_pain", medjournalv1.Severity_SEVERITY_VERY_SEVERE), scenarios.Sym(0, "hives", medjournalv1.Severity_SEVERITY_SEVERE), scenarios.Sym(0, "night_sweats", medjournalv1.Severity_SEVERITY_SEVERE), scenarios.Sym(0, "weight_loss", medjournalv1.Severity_SEVERITY_SEVERE),
		scenarios.Vital(0, "body_temperature", 39.5, "Cel"),
		scenarios.Lab(-24, "751-8", 0.2, "10*3/uL"), scenarios.Lab(-1, "751-8", 0.3, "10*3/uL"), scenarios.Lab(0, "731-0", 0.2, "10*3/uL"),
		scenarios.Lab(0, "718-7", 6.5, "g/dL"), scenarios.Lab(0, "777-3", 20, "10*3/uL"), scenarios.Lab(0, "1742-6", 900, "U/L"),
		scenarios.Lab(0, "2157-6", 5000, "U/L"), scenarios.Lab(0, "2160-0", 5, "mg/dL"), scenarios.Lab(0, "98979-8", 20, "mL/min/{1.73_m2}"),
	} {
		s.log(t, l)
	}
	for _, l := range []scenarios.Logged{
		scenarios.Note(1, "slept badly"),
		scenarios.Sym(1, "acne", medjournalv1.Severity_SEVERITY_SEVERE),
		scenarios.Sym(1, "joint_pain", medjournalv1.Severity_SEVERITY_VERY_SEVERE),
		scenarios.Sym(1, "itching", medjournalv1.Severity_SEVERITY_MODERATE),
		scenarios.Vital(1, "heart_rate", 72, "/min"),
		scenarios.Vital(1, "body_weight", 70, "kg"),
		scenarios.Vital(1, "body_temperature", 36.8, "Cel"),
		scenarios.Lab(1, "2085-9", 60, "mg/dL"),   // HDL: no rule
		scenarios.Lab(1, "13457-7", 130, "mg/dL"), // LDL: no rule
	} {
		if f := s.log(t, l); len(f) > 0 {
			var ids []string
			for _, x := range f {
				ids = append(ids, x.Rule.GetId())
			}
			t.Errorf("unrelated entry %v raised %v", l.Entry.GetKind(), ids)
		}
	}
}

// TestEveryRuleHasAScenario: each rule matches in at least one scenario, so no rule is
// dead code and each has a clinical story behind it.
func TestEveryRuleHasAScenario(t *testing.T) {
	e, cat := mustEngine(t)
	fired := map[string]bool{}
	escalated := map[string]bool{}
	for _, sc := range scenarios.All {
		s := newStory(t, e, cat, sc.Profile, sc.Drugs...)
		for _, l := range sc.Entries {
			for _, f := range s.log(t, l) {
				fired[f.Rule.GetId()] = true
				if f.Urgency > f.Rule.GetUrgency() {
					escalated[f.Rule.GetId()] = true
				}
			}
		}
	}
	for _, r := range e.Rules().GetRules() {
		if !fired[r.GetId()] {
			t.Errorf("rule %s matches in no scenario", r.GetId())
		}
		if len(r.GetEscalations()) > 0 && !escalated[r.GetId()] {
			t.Errorf("rule %s is never escalated in any scenario", r.GetId())
		}
	}
}

// TestEscalatedAdviceFollowsUrgency: a finding that reached emergency carries emergency
// advice (the loader checks the text; this checks the engine hands it over).
func TestEscalatedAdviceFollowsUrgency(t *testing.T) {
	e, cat := mustEngine(t)
	s := newStory(t, e, cat, nil, "upadacitinib")
	s.log(t, scenarios.Vital(0, "body_temperature", 38.6, "Cel"))
	found := false
	for _, f := range s.log(t, scenarios.Sym(1, "shortness_of_breath", medjournalv1.Severity_SEVERITY_MILD)) {
		if f.Rule.GetId() == "infection.fever" {
			found = true
			if f.Urgency != medjournalv1.Urgency_URGENCY_EMERGENCY || !strings.Contains(strings.ToLower(f.Rule.GetPatientAdvice()), "emergency") {
				t.Errorf("fever + breathlessness: urgency %v advice %q", f.Urgency, f.Rule.GetPatientAdvice())
			}
		}
	}
	if !found {
		t.Error("breathlessness after a fever did not join infection.fever")
	}
}

// TestEvidenceJoins: the flag's evidence lists the entries that made it, trigger first.
func TestEvidenceJoins(t *testing.T) {
	e, cat := mustEngine(t)
	s := newStory(t, e, cat, nil, "baricitinib")
	s.log(t, scenarios.Sym(0, "chest_pain", medjournalv1.Severity_SEVERITY_MILD))
	s.log(t, scenarios.Note(0.2, "resting"))
	for _, f := range s.log(t, scenarios.Sym(0.5, "cold_sweat", medjournalv1.Severity_SEVERITY_MODERATE)) {
		if f.Rule.GetId() != "heart.chest_pain" {
			continue
		}
		if len(f.Evidence) != 2 || f.Evidence[0] != s.journal[2].GetId() || f.Evidence[1] != s.journal[0].GetId() {
			t.Errorf("evidence = %v; want cold sweat then chest pain, no note", f.Evidence)
		}
		return
	}
	t.Error("cold sweat after chest pain did not match heart.chest_pain")
}

// TestReadsLabsFollowsEscalations: a rule whose condition reads no lab history but one of
// whose escalations does needs the history for its triggers; one that reads none does not.
func TestReadsLabsFollowsEscalations(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	fever := &medjournalv1.Entry{Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature"}}}
	for _, tc := range []struct {
		escalation string
		want       bool
	}{
		{"'shortness_of_breath' in symptoms", false},
		{"'anc' in labs && labs.anc.value < 0.5", true},
	} {
		r := validRule()
		r.Escalations[0].Condition = tc.escalation
		e, err := rules.Compile(cat, &medjournalv1.ListRulesResponse{Rules: []*medjournalv1.Rule{r}})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.ReadsLabs(fever); got != tc.want {
			t.Errorf("escalation %q: ReadsLabs = %v, want %v", tc.escalation, got, tc.want)
		}
	}
}
