package rules

import (
	"fmt"
	"regexp"
	"strconv"
)

// evidenceCode is one entry of a rule's evidence_codes: a code, and for vitals and labs
// an optional threshold the value must meet.
type evidenceCode struct {
	code string
	test func(float64) bool
}

var evidencePattern = regexp.MustCompile(`^([a-z0-9_]+)\s*(?:(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?))?$`)

func parseEvidenceCode(s string) (evidenceCode, error) {
	m := evidencePattern.FindStringSubmatch(s)
	if m == nil {
		return evidenceCode{}, fmt.Errorf("evidence code %q: want a code, optionally with a threshold like body_temperature>=38.0", s)
	}
	ec := evidenceCode{code: m[1]}
	if m[2] == "" {
		return ec, nil
	}
	limit, err := strconv.ParseFloat(m[3], 64)
	if err != nil {
		return evidenceCode{}, fmt.Errorf("evidence code %q: %w", s, err)
	}
	switch m[2] {
	case "<":
		ec.test = func(v float64) bool { return v < limit }
	case "<=":
		ec.test = func(v float64) bool { return v <= limit }
	case ">":
		ec.test = func(v float64) bool { return v > limit }
	case ">=":
		ec.test = func(v float64) bool { return v >= limit }
	}
	return ec, nil
}
