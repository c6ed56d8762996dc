package rules_test

import (
	"math/rand/v2"
	"testing"

	"github.com/medjournal/medjournal/rules"
)

// BenchmarkEvaluate evaluates triggers of every kind on dense journals of a few days, as
// the server does (candidate rules only) and against every rule, to show what the
// candidate table saves.
func BenchmarkEvaluate(b *testing.B) {
	e, cat := mustEngine(b)
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := make([]rules.Input, 512)
	for i := range inputs {
		inputs[i] = randomDenseInput(b, rng, cat)
	}
	for _, bc := range []struct {
		name     string
		evaluate func(rules.Input) ([]rules.Finding, error)
	}{
		{"candidates", e.Evaluate},
		{"every_rule", func(in rules.Input) ([]rules.Finding, error) { return rules.EvaluateEveryRule(e, in) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := bc.evaluate(inputs[i%len(inputs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkEvaluateBusyJournal evaluates triggers in a journal of 600 entries over eight
// days: a patient whose watch logs a heart rate every half hour, or a load-test patient.
// From Recent and LabHistory each evaluation prepares the entries itself; from a Prepared journal
// they were prepared when the store read them, as for a patient whose journal is cached.
func BenchmarkEvaluateBusyJournal(b *testing.B) {
	e, cat := mustEngine(b)
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := make([]rules.Input, 64)
	for i := range inputs {
		inputs[i] = storeOrder(randomJournal(b, rng, cat, 600))
	}
	for _, prepared := range []bool{false, true} {
		b.Run(map[bool]string{false: "recent", true: "journal"}[prepared], func(b *testing.B) {
			for i, in := range inputs {
				in.Prepared = nil
				if prepared {
					in.Prepared = e.Prepare(in.Recent, in.LabHistory, in.Patient)
				}
				inputs[i] = in
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.Evaluate(inputs[i%len(inputs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
