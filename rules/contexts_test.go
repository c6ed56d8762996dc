package rules

import (
	"math/rand/v2"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// TestContextPartsFilledOnDemandFindTheSame: every rule, run on random journals with the
// context filled only as conditions read it, finds exactly what it finds with the whole
// context filled first: the same rules, urgencies, advice and evidence.
func TestContextPartsFilledOnDemandFindTheSame(t *testing.T) {
	e := loadEngine(t)
	rng := rand.New(rand.NewPCG(3, 5))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}
	regimens := [][]*medjournalv1.Medication{
		{{Id: "m0", DrugCode: "upadacitinib"}},
		{{Id: "m0", DrugCode: "upadacitinib"}, {Id: "m1", DrugCode: "tofacitinib"}},
		{{Id: "m1", DrugCode: "tofacitinib"}},
		nil,
	}
	risks := []string{"cardiovascular_disease", "history_of_vte", "history_of_mi_or_stroke"}
	matched := map[string]int{}
	for i := range 3000 {
		in := randomInput(rng, zones[i%len(zones)])
		in.Medications = regimens[rng.IntN(len(regimens))]
		if rng.IntN(3) == 0 {
			in.Patient.Profile = &medjournalv1.Profile{BirthYear: 1950, RiskFactors: risks[:1+rng.IntN(len(risks))],
				SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT}
		}
		// Every rule, not only the trigger's candidates, so every condition is run.
		lazy, err := e.evaluate(in, e.rules)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		whole, err := e.evaluateFilled(in, e.rules, allParts)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !slices.EqualFunc(lazy, whole, sameFinding) {
			t.Fatalf("case %d, trigger %v:\n on demand %v\n whole     %v", i, in.Trigger, lazy, whole)
		}
		for _, f := range lazy {
			matched[f.Rule.GetId()]++
		}
	}
	// The comparison means something only if rules of every part matched.
	for _, id := range []string{"infection.fever", "counts.anc_below_0_5", "counts.hb_below_8", "heart.chest_pain", "other.double_dose", "infection.cough_persistent"} {
		if matched[id] == 0 {
			t.Errorf("rule %s never matched in the random journals; matched: %v", id, matched)
		}
	}
}

func sameFinding(a, b Finding) bool {
	return proto.Equal(a.Rule, b.Rule) && a.Urgency == b.Urgency && slices.Equal(a.Evidence, b.Evidence)
}

// TestTriggerLeftOutOfRecent: the store evaluates an entry before storing it, with the
// entry not in Recent; every rule must find what it finds once the entry is stored.
func TestTriggerLeftOutOfRecent(t *testing.T) {
	e := loadEngine(t)
	rng := rand.New(rand.NewPCG(13, 17))
	found := 0
	for i := range 2000 {
		in := randomInput(rng, "Europe/Berlin")
		in.Medications = in.Medications[:1] // upadacitinib alone, so double doses count
		stored, err := e.evaluate(in, e.rules)
		if err != nil {
			t.Fatal(err)
		}
		unstored := in
		unstored.Recent = slices.DeleteFunc(slices.Clone(in.Recent), func(r *medjournalv1.Entry) bool { return r == in.Trigger })
		if len(unstored.Recent) == len(in.Recent) {
			t.Fatalf("case %d: the trigger was not in Recent", i)
		}
		got, err := e.evaluate(unstored, e.rules)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, stored, sameFinding) {
			t.Fatalf("case %d, trigger %v:\n left out %v\n stored   %v", i, in.Trigger, got, stored)
		}
		found += len(stored)
	}
	if found == 0 {
		t.Fatal("no rule matched: the comparison shows nothing")
	}
}

// TestReadsLabsIsExact: for a trigger whose rules read no lab history (ReadsLabs), the
// findings are the same without it; for the others, leaving it out changes some, so the
// store must read it for them.
func TestReadsLabsIsExact(t *testing.T) {
	e := loadEngine(t)
	rng := rand.New(rand.NewPCG(19, 23))
	unread, unreadFound, readChanged := 0, 0, 0
	for i := range 3000 {
		in := randomInput(rng, "Europe/Berlin")
		if rng.IntN(2) == 0 {
			in.Medications = in.Medications[:1] // upadacitinib alone, so double doses count
		}
		with, err := e.Evaluate(in)
		if err != nil {
			t.Fatal(err)
		}
		without := in
		without.LabHistory = nil
		got, err := e.Evaluate(without)
		if err != nil {
			t.Fatal(err)
		}
		same := slices.EqualFunc(got, with, sameFinding)
		if !e.ReadsLabs(in.Trigger) {
			if !same {
				t.Fatalf("case %d, trigger %v: without lab history %v, with %v", i, in.Trigger, got, with)
			}
			unread++
			unreadFound += len(with)
		} else if !same {
			readChanged++
		}
	}
	if unread == 0 || unreadFound == 0 || readChanged == 0 {
		t.Fatalf("triggers without labs %d (findings %d), with labs whose findings changed without them %d: want all above 0",
			unread, unreadFound, readChanged)
	}
}
