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
