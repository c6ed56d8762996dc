package rules_test

import (
	"testing"

	"github.com/medjournal/medjournal/internal/scenarios"
)

// "Confirmed by repeat testing" (Xeljanz US label section 2.3; ADDENDUM A4.2) needs a second
// specimen: the same result submitted twice, or entered once by collection and once by
// report time, confirms nothing, while a new draw below the threshold does, even the same day
// and with the same value, unless a result at or above the threshold came between.
func TestConfirmationNeedsASecondSpecimen(t *testing.T) {
	e, cat := mustEngine(t)
	const confirmed = "counts.anc_confirmed_tofacitinib"
	anc := func(hours, value float64) scenarios.Logged {
		return scenarios.Lab(hours, "751-8", value, "10*3/uL", 1.8, 7.7)
	}
	for _, c := range []struct {
		name    string
		entries []scenarios.Logged
		want    bool
	}{
		{"the same result submitted twice", []scenarios.Logged{anc(0, 0.4), anc(0, 0.4)}, false},
		{"a correction of the same specimen", []scenarios.Logged{anc(0, 0.45), anc(0, 0.4)}, false},
		{"the same value half an hour later (one draw entered twice)", []scenarios.Logged{anc(0, 0.4), anc(0.5, 0.4)}, false},
		{"a second specimen two hours later", []scenarios.Logged{anc(0, 0.4), anc(2, 0.4)}, true},
		{"a second specimen with another value, soon after", []scenarios.Logged{anc(0, 0.4), anc(0.5, 0.3)}, true},
		{"a duplicate of the second specimen", []scenarios.Logged{anc(0, 0.4), anc(24, 0.3), anc(24, 0.3)}, true},
		{"a normal count between the two", []scenarios.Logged{anc(0, 0.4), anc(12, 2.1), anc(24, 0.3)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := scenarios.Scenario{Drugs: []string{"tofacitinib"}, Entries: c.entries}
			_, findings := play(t, sc, e, cat)
			got := false
			for _, f := range findings {
				got = got || f.Rule.GetId() == confirmed
			}
			if got != c.want {
				t.Errorf("%s raised: %v, want %v", confirmed, got, c.want)
			}
		})
	}
}
