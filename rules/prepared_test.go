package rules_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/rules"
)

// TestJournalEvaluatesAsRecent: for random journals around random triggers, evaluating
// every rule from a Prepared journal finds exactly what evaluating from Recent and
// LabHistory finds (rules, urgencies, advice, evidence in order), whether the journal
// already holds the trigger or not, and whether it was prepared at once or extended entry
// by entry in any order, as the store's cache extends it.
func TestJournalEvaluatesAsRecent(t *testing.T) {
	e, cat := mustEngine(t)
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 600 {
		in := storeOrder(randomJournal(t, rng, cat, rng.IntN(60)))
		want := evaluateEveryRule(t, e, in)
		trigger := in.Trigger
		others := slices.DeleteFunc(slices.Clone(in.Recent), func(x *medjournalv1.Entry) bool { return x == trigger })
		withTriggerLab := in.LabHistory
		if trigger.GetLab() != nil {
			withTriggerLab = rules.StoreOrdered(append(slices.Clone(in.LabHistory), trigger))
		}
		journals := map[string]*rules.Prepared{
			"holding the trigger":     e.Prepare(in.Recent, withTriggerLab, in.Patient),
			"not holding the trigger": e.Prepare(others, in.LabHistory, in.Patient),
			"extended entry by entry": extendedJournal(e, rng, in.Patient, in.Recent, in.LabHistory),
		}
		for name, j := range journals {
			got := evaluateEveryRule(t, e, rules.Input{Trigger: trigger, Recent: in.Recent, LabHistory: in.LabHistory,
				Medications: in.Medications, Patient: in.Patient, Prepared: j})
			if d := diffFindings(got, want); d != "" {
				t.Fatalf("case %d, journal %s: %s", i, name, d)
			}
		}
	}
}

// A journal prepared in another time zone than the patient's is not read: its days are
// not the patient's. The engine reads Recent instead, so a stale journal can only cost
// time, never a finding.
func TestJournalOfAnotherZoneIsNotRead(t *testing.T) {
	e, cat := mustEngine(t)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range 200 {
		in := storeOrder(randomJournal(t, rng, cat, rng.IntN(60)))
		want := evaluateEveryRule(t, e, in)
		// A journal of the right entries in another zone, and one of no entries at all:
		// if either were read, findings that need the journal would change.
		elsewhere := &medjournalv1.Account{TimeZone: "Pacific/Kiritimati"}
		for _, j := range []*rules.Prepared{e.Prepare(in.Recent, in.LabHistory, elsewhere), e.Prepare(nil, nil, elsewhere)} {
			in.Prepared = j
			if d := diffFindings(evaluateEveryRule(t, e, in), want); d != "" {
				t.Fatalf("case %d: %s", i, d)
			}
		}
	}
}

// extendedJournal is a Prepared journal of recent and labs built from nothing by With, one entry at
// a time in random order: each entry to the entries, the lab history or both, as the
// store's cache decides.
func extendedJournal(e *rules.Engine, rng *rand.Rand, patient *medjournalv1.Account, recent, labs []*medjournalv1.Entry) *rules.Prepared {
	type item struct {
		entry          *medjournalv1.Entry
		asEntry, asLab bool
	}
	var items []item
	for _, r := range recent {
		items = append(items, item{entry: r, asEntry: true, asLab: slices.Contains(labs, r)})
	}
	for _, l := range labs {
		if !slices.Contains(recent, l) {
			items = append(items, item{entry: l, asLab: true})
		}
	}
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	j := e.Prepare(nil, nil, patient)
	for _, it := range items {
		j = j.With(it.entry, it.asEntry, it.asLab)
	}
	return j
}

// storeOrder is in with its lists in the store's order: occurred time in milliseconds,
// then id.
func storeOrder(in rules.Input) rules.Input {
	in.Recent, in.LabHistory = rules.StoreOrdered(in.Recent), rules.StoreOrdered(in.LabHistory)
	return in
}

// evaluateEveryRule is rules.EvaluateEveryRule, failing the test on an error.
func evaluateEveryRule(t testing.TB, e *rules.Engine, in rules.Input) []rules.Finding {
	t.Helper()
	found, err := rules.EvaluateEveryRule(e, in)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// diffFindings says how got differs from want, or "" when they are the same.
func diffFindings(got, want []rules.Finding) string {
	if len(got) != len(want) {
		return "found " + ruleIDs(got) + ", want " + ruleIDs(want)
	}
	for k := range got {
		g, w := got[k], want[k]
		if !proto.Equal(g.Rule, w.Rule) || g.Urgency != w.Urgency || !slices.Equal(g.Evidence, w.Evidence) {
			return "rule " + w.Rule.GetId() + ": got urgency " + g.Urgency.String() + " evidence " + strings.Join(g.Evidence, ",") +
				", want urgency " + w.Urgency.String() + " evidence " + strings.Join(w.Evidence, ",")
		}
	}
	return ""
}

func ruleIDs(fs []rules.Finding) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule.GetId())
	}
	return "[" + strings.Join(ids, " ") + "]"
}
