package export_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/medjournal/medjournal/export"
)

// fuzzTextSeeds are texts that have broken exports elsewhere: markup, quotes, line
// breaks of every kind, spreadsheet formulas, control characters, blank-looking text.
var fuzzTextSeeds = []string{
	fixtureScriptNote,
	`<script>alert("x")</script> & "quotes", commas`,
	"-5 kg",
	`=HYPERLINK("http://evil.example","click")`,
	"'", `"`, `""`, ",",
	"line\r\nbreak\rold mac\nunix",
	"\x01\x07\x1b[31mred",
	"\ufeff",
	"\u2028\u2029",
	" \t ",
	"Müdigkeit 🙂 café",
	strings.Repeat("long ", 2000),
}

// FuzzFHIR: whatever text and number the patient enters, the export succeeds, is valid
// JSON in which every string is a valid FHIR string, and carries the text: byte for byte,
// except as FHIR forces (control characters as U+FFFD, blank comments left out).
func FuzzFHIR(f *testing.F) {
	for i, s := range fuzzTextSeeds {
		f.Add(s, fuzzTextSeeds[(i+1)%len(fuzzTextSeeds)], []float64{0, 0.9, 38.6, 1e-7, 12345.678, -1, math.NaN()}[i%7])
	}
	f.Fuzz(func(t *testing.T, text, comment string, value float64) {
		j := fixtureFuzzJournal(t, text, comment, value)
		raw, err := export.FHIR(j)
		if err != nil {
			t.Fatalf("FHIR: %v", err)
		}
		if !json.Valid(raw) {
			t.Fatal("not valid JSON")
		}
		var generic any
		if err := json.Unmarshal(raw, &generic); err != nil {
			t.Fatal(err)
		}
		fuzzCheckStrings(t, generic)

		x := decodeFHIR(t, raw)
		for _, e := range j.Entries {
			r := x.resource(t, e.GetId())
			if n := e.GetNote(); n != nil {
				want, ok := fuzzFHIRText(n.GetText())
				if ok != (r.ValueString != nil) || ok && *r.ValueString != want {
					t.Errorf("note %q exported as %q", n.GetText(), deref(r.ValueString))
				}
			}
			want, ok := fuzzFHIRText(e.GetComment())
			if ok != (len(r.Note) == 1) || ok && r.Note[0].Text != want {
				t.Errorf("comment %q exported as %+v", e.GetComment(), r.Note)
			}
			if l := e.GetLab(); l != nil && (r.ValueQuantity == nil || r.ValueQuantity.Value != l.GetValue()) {
				t.Errorf("lab value %v exported as %+v", l.GetValue(), r.ValueQuantity)
			}
		}
		if len(j.Flags) > 0 {
			issue := x.byType["DetectedIssue"][0]
			if want, ok := fuzzFHIRText(comment); ok && issue.Detail != want {
				t.Errorf("clinician summary %q exported as %q", comment, issue.Detail)
			}
		}
	})
}

// fuzzFHIRText is what the FHIR export must make of free text, from FHIR's rules for
// strings: control characters other than tab, LF and CR are not allowed (U+FFFD instead),
// and a string must hold more than white space (ok false: left out).
func fuzzFHIRText(s string) (string, bool) {
	var b strings.Builder
	blank := true
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			r = unicode.ReplacementChar
		}
		if !unicode.IsSpace(r) && r != '\ufeff' {
			blank = false
		}
		b.WriteRune(r)
	}
	return b.String(), !blank
}

// fuzzCheckStrings fails on any string in the decoded JSON that is not a valid FHIR
// string: empty, white space only, or holding a control character other than tab, LF, CR.
func fuzzCheckStrings(t *testing.T, v any) {
	t.Helper()
	switch v := v.(type) {
	case string:
		if s, ok := fuzzFHIRText(v); !ok || s != v || !utf8.ValidString(v) {
			t.Errorf("invalid FHIR string %q", v)
		}
	case map[string]any:
		for _, child := range v {
			fuzzCheckStrings(t, child)
		}
	case []any:
		for _, child := range v {
			fuzzCheckStrings(t, child)
		}
	}
}
