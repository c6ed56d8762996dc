package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// csvTestColumns is the documented column contract, spelled out again so that renaming,
// moving or dropping a column fails here.
var csvTestColumns = []string{
	"entry_id", "occurred_time", "local_date", "local_time", "kind", "code", "display",
	"value", "unit", "canonical_value", "canonical_unit", "reference_low", "reference_high",
	"interpretation", "severity", "body_site", "dose_status", "medication_id", "lab_name",
	"note_text", "comment", "flag_ids",
}

// csvTestParse reads a CSV export with encoding/csv and returns its rows as maps from
// column name to cell, checking the header on the way.
func csvTestParse(t testing.TB, out []byte) []map[string]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(out))
	r.FieldsPerRecord = len(csvTestColumns)
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(records) == 0 || !slices.Equal(records[0], csvTestColumns) {
		t.Fatalf("header %q, want %q", records[0], csvTestColumns)
	}
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := make(map[string]string, len(rec))
		for i, cell := range rec {
			row[csvTestColumns[i]] = cell
		}
		rows = append(rows, row)
	}
	return rows
}

// csvTestUnguard undoes the formula-injection guard as the package documents it: a text
// cell that starts with an apostrophe loses that one apostrophe.
func csvTestUnguard(cell string) string {
	return strings.TrimPrefix(cell, "'")
}

// csvTestAsRead is text as encoding/csv reads it back from a quoted field: the reader
// turns CRLF into LF.
func csvTestAsRead(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

func exportCSV(t testing.TB, j *export.Journal) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.CSV(j, &buf); err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return buf.Bytes()
}

func TestCSVColumns(t *testing.T) {
	if got := export.CSVColumns(); !slices.Equal(got, csvTestColumns) {
		t.Errorf("CSVColumns() = %q, want %q", got, csvTestColumns)
	}
	export.CSVColumns()[0] = "changed"
	if export.CSVColumns()[0] != "entry_id" {
		t.Error("CSVColumns hands out its own slice")
	}
}

// TestCSVRoundTrip reads the fixture's CSV back with encoding/csv and checks every entry's
// row against the entry.
func TestCSVRoundTrip(t *testing.T) {
	j := testJournal(t)
	out := exportCSV(t, j)
	rows := csvTestParse(t, out)
	if len(rows) != len(j.Entries) {
		t.Fatalf("%d rows, want one per entry (%d)", len(rows), len(j.Entries))
	}
	if !bytes.HasPrefix(out, []byte(strings.Join(csvTestColumns, ",")+"\r\n")) || !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Error("records do not end with CRLF")
	}

	byID := map[string]*medjournalv1.Entry{}
	for _, e := range j.Entries {
		byID[e.GetId()] = e
	}
	var last time.Time
	for i, row := range rows {
		// Cells of the fixture never need the guard except where the test says so.
		cell := func(col string) string { return csvTestUnguard(row[col]) }
		e, ok := byID[row["entry_id"]]
		if !ok {
			t.Fatalf("row %d: unknown entry_id %q", i, row["entry_id"])
		}
		occurred, err := time.Parse(time.RFC3339Nano, row["occurred_time"])
		if err != nil || !occurred.Equal(e.GetOccurredTime().AsTime()) || !strings.HasSuffix(row["occurred_time"], "Z") {
			t.Errorf("%s: occurred_time %q, want %v in UTC", e.GetId(), row["occurred_time"], e.GetOccurredTime().AsTime())
		}
		if occurred.Before(last) {
			t.Errorf("%s: rows are not oldest first", e.GetId())
		}
		last = occurred
		local := e.GetOccurredTime().AsTime().In(j.Location)
		if row["local_date"] != local.Format(time.DateOnly) || row["local_time"] != local.Format("15:04") {
			t.Errorf("%s: local %s %s, want %s", e.GetId(), row["local_date"], row["local_time"], local)
		}
		if got, want := cell("comment"), csvTestAsRead(e.GetComment()); got != want {
			t.Errorf("%s: comment %q, want %q", e.GetId(), got, want)
		}
		if got, want := row["flag_ids"], strings.Join(e.GetFlagIds(), ";"); got != want {
			t.Errorf("%s: flag_ids %q, want %q", e.GetId(), got, want)
		}
		want := csvTestExpectedRow(t, j, e)
		for col, w := range want {
			if got := cell(col); got != w {
				t.Errorf("%s (%s): %s = %q, want %q", e.GetId(), row["kind"], col, got, w)
			}
		}
	}
}

// csvTestExpectedRow gives the kind-specific cells an entry's row must have; every column
// it leaves out must be empty, except the ones TestCSVRoundTrip checks itself.
func csvTestExpectedRow(t testing.TB, j *export.Journal, e *medjournalv1.Entry) map[string]string {
	t.Helper()
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	want := map[string]string{}
	for _, col := range csvTestColumns {
		want[col] = ""
	}
	for _, col := range []string{"entry_id", "occurred_time", "local_date", "local_time", "comment", "flag_ids"} {
		delete(want, col)
	}
	switch {
	case e.GetDose() != nil:
		d := e.GetDose()
		want["kind"], want["value"], want["unit"], want["medication_id"] = "dose", num(d.GetAmount()), d.GetUnit(), d.GetMedicationId()
		want["dose_status"] = map[medjournalv1.DoseStatus]string{
			medjournalv1.DoseStatus_DOSE_STATUS_TAKEN:   "taken",
			medjournalv1.DoseStatus_DOSE_STATUS_MISSED:  "missed",
			medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED: "skipped",
		}[d.GetStatus()]
		for _, m := range j.Medications {
			if m.GetId() == d.GetMedicationId() {
				want["code"] = m.GetDrugCode()
				want["display"] = m.GetDisplayName()
			}
		}
	case e.GetSymptom() != nil:
		s := e.GetSymptom()
		st, _ := j.Catalog.Symptom(s.GetCode())
		want["kind"], want["code"], want["display"], want["body_site"] = "symptom", s.GetCode(), st.GetDisplayName(), s.GetBodySite()
		want["severity"] = map[medjournalv1.Severity]string{
			medjournalv1.Severity_SEVERITY_MILD:        "mild",
			medjournalv1.Severity_SEVERITY_MODERATE:    "moderate",
			medjournalv1.Severity_SEVERITY_SEVERE:      "severe",
			medjournalv1.Severity_SEVERITY_VERY_SEVERE: "very_severe",
		}[s.GetSeverity()]
	case e.GetVital() != nil:
		v := e.GetVital()
		vt, _ := j.Catalog.Vital(v.GetCode())
		want["kind"], want["code"], want["display"] = "vital", v.GetCode(), vt.GetDisplayName()
		want["value"], want["unit"] = num(v.GetValue()), v.GetUnit()
		want["canonical_value"], want["canonical_unit"] = num(v.GetCanonicalValue()), v.GetCanonicalUnit()
	case e.GetLab() != nil:
		l := e.GetLab()
		lt, _ := j.Catalog.LabTest(l.GetCode())
		want["kind"], want["code"], want["display"], want["lab_name"] = "lab", l.GetCode(), lt.GetDisplayName(), l.GetLabName()
		want["value"], want["unit"] = num(l.GetValue()), l.GetUnit()
		want["canonical_value"], want["canonical_unit"] = num(l.GetCanonicalValue()), l.GetCanonicalUnit()
		if l.ReferenceLow != nil {
			want["reference_low"] = num(*l.ReferenceLow)
		}
		if l.ReferenceHigh != nil {
			want["reference_high"] = num(*l.ReferenceHigh)
		}
		if l.ReferenceLow != nil || l.ReferenceHigh != nil {
			want["interpretation"] = "N"
			if l.ReferenceLow != nil && l.GetValue() < *l.ReferenceLow {
				want["interpretation"] = "L"
			} else if l.ReferenceHigh != nil && l.GetValue() > *l.ReferenceHigh {
				want["interpretation"] = "H"
			}
		}
	case e.GetNote() != nil:
		want["kind"], want["note_text"] = "note", csvTestAsRead(e.GetNote().GetText())
	default:
		t.Fatalf("entry %s has no kind", e.GetId())
	}
	return want
}

// TestCSVFixtureDetails pins cells a reader of the fixture's CSV relies on.
func TestCSVFixtureDetails(t *testing.T) {
	j := testJournal(t)
	out := exportCSV(t, j)
	rows := map[string]map[string]string{}
	for _, row := range csvTestParse(t, out) {
		rows[row["entry_id"]] = row
	}
	row := func(name string) map[string]string { return rows[fixtureID(name)] }

	// The day-12 note, byte for byte in the file: quoted, quotes doubled, its LF and CRLF
	// line breaks as typed.
	quoted := `"` + strings.ReplaceAll(fixtureScriptNote, `"`, `""`) + `"`
	if !bytes.Contains(out, []byte(quoted)) {
		t.Errorf("the file does not hold the script note byte for byte as %q", quoted)
	}
	if got := row("note/12")["note_text"]; got != csvTestAsRead(fixtureScriptNote) {
		t.Errorf("script note read back as %q", got)
	}
	// The guard: a note starting with "-" and a comment starting with "@".
	if got := row("note/20")["note_text"]; got != "'-5 kg since New Year =)" {
		t.Errorf("note/20 note_text %q, want the guarded '-5 kg since New Year =)", got)
	}
	if got := row("temperature/12")["comment"]; got != "'@home, measured twice under the tongue" {
		t.Errorf("temperature/12 comment %q", got)
	}
	if r := row("temperature/14"); r["value"] != "99.5" || r["unit"] != "[degF]" || r["canonical_value"] != "37.5" || r["canonical_unit"] != "Cel" {
		t.Errorf("temperature/14: %s %s → %s %s", r["value"], r["unit"], r["canonical_value"], r["canonical_unit"])
	}
	if r := row("hb/2"); r["value"] != "118" || r["unit"] != "g/L" || r["canonical_value"] != "11.8" || r["reference_low"] != "120" || r["interpretation"] != "L" {
		t.Errorf("hb/2: %v", r)
	}
	if r := row("anc/4"); r["interpretation"] != "L" || r["lab_name"] != `Labor "Am Markt" & Partner` || r["flag_ids"] != "" {
		t.Errorf("anc/4: %v", r)
	}
	if r := row("temperature/12"); r["flag_ids"] != fixtureID("flag/infection") {
		t.Errorf("temperature/12 flag_ids %q", r["flag_ids"])
	}
	if r := row("dose/13"); r["dose_status"] != "skipped" || r["value"] != "0" || r["display"] != "Rinvoq 15 mg" || r["code"] != "upadacitinib" {
		t.Errorf("dose/13: %v", r)
	}
	if r := row("temperature/30"); r["local_time"] != "20:30" || r["occurred_time"] != "2025-03-30T18:30:00Z" {
		t.Errorf("temperature/30 after the DST change: %s local, %s UTC", r["local_time"], r["occurred_time"])
	}
}

// TestCSVFormulaInjection: text that a spreadsheet would run gets a leading apostrophe,
// and removing one leading apostrophe always gives the text back.
func TestCSVFormulaInjection(t *testing.T) {
	tests := []struct{ text, cell string }{
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"+49 170 1234567", "'+49 170 1234567"},
		{"-5 kg", "'-5 kg"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"'already quoted", "''already quoted"},
		{"5 - 3 = 2", "5 - 3 = 2"},
		{" =1", " =1"},
		{"", ""},
	}
	j := testJournal(t)
	j.Entries = j.Entries[:1]
	for _, tt := range tests {
		j.Entries[0].Comment = tt.text
		rows := csvTestParse(t, exportCSV(t, j))
		got := rows[0]["comment"]
		if got != csvTestAsRead(tt.cell) {
			t.Errorf("comment %q written as %q, want %q", tt.text, got, tt.cell)
		}
		if back := csvTestUnguard(got); back != csvTestAsRead(tt.text) {
			t.Errorf("comment %q does not come back: %q", tt.text, back)
		}
	}
}

func TestCSVEmptyJournal(t *testing.T) {
	j := testJournal(t)
	j.Entries = nil
	if got, want := string(exportCSV(t, j)), strings.Join(csvTestColumns, ",")+"\r\n"; got != want {
		t.Errorf("empty journal: %q, want the header alone", got)
	}
	if err := export.CSV(nil, &bytes.Buffer{}); err == nil {
		t.Error("CSV(nil) did not fail")
	}
}

type csvFailingWriter struct{ after int }

func (w *csvFailingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestCSVWriteError(t *testing.T) {
	for _, after := range []int{0, 3} {
		if err := export.CSV(testJournal(t), &csvFailingWriter{after: after}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("failing after %d writes: %v, want the writer's error", after, err)
		}
	}
}

func TestCSVDeterministic(t *testing.T) {
	a, b := exportCSV(t, testJournal(t)), exportCSV(t, testJournal(t))
	if !bytes.Equal(a, b) {
		t.Error("two exports of the same journal differ")
	}
}

// FuzzCSV: whatever text and number the patient enters, the CSV export succeeds, parses
// back with encoding/csv into one row per entry, and gives the text back after the
// documented guard is removed (and CRLF read as LF, as encoding/csv does); the file itself
// holds the text byte for byte.
func FuzzCSV(f *testing.F) {
	for i, s := range fuzzTextSeeds {
		f.Add(s, fuzzTextSeeds[(i+3)%len(fuzzTextSeeds)], []float64{0, 0.9, 38.6, 1e-7, 12345.678, -1, math.NaN()}[i%7])
	}
	f.Fuzz(func(t *testing.T, text, comment string, value float64) {
		j := fixtureFuzzJournal(t, text, comment, value)
		out := exportCSV(t, j)
		rows := csvTestParse(t, out)
		if len(rows) != len(j.Entries) {
			t.Fatalf("%d rows for %d entries", len(rows), len(j.Entries))
		}
		for i, e := range j.Entries {
			row := rows[i]
			if row["entry_id"] != e.GetId() {
				t.Fatalf("row %d is entry %s, want %s", i, row["entry_id"], e.GetId())
			}
			if got := csvTestUnguard(row["comment"]); got != csvTestAsRead(e.GetComment()) {
				t.Errorf("comment %q read back as %q", e.GetComment(), got)
			}
			if n := e.GetNote(); n != nil {
				if got := csvTestUnguard(row["note_text"]); got != csvTestAsRead(n.GetText()) {
					t.Errorf("note %q read back as %q", n.GetText(), got)
				}
			}
			if v := e.GetVital(); v != nil {
				if got, err := strconv.ParseFloat(row["value"], 64); err != nil || got != v.GetValue() {
					t.Errorf("value %v written as %q", v.GetValue(), row["value"])
				}
			}
			// The guard is applied to text, and text only.
			for _, col := range []string{"comment", "note_text"} {
				if c := row[col]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%s cell %q starts with a formula character", col, c)
				}
			}
		}
		for _, s := range []string{text, comment} {
			guarded := s
			if s != "" && strings.ContainsRune("=+-@\t\r'", rune(s[0])) {
				guarded = "'" + s
			}
			if !bytes.Contains(out, []byte(strings.ReplaceAll(guarded, `"`, `""`))) && len(j.Entries) > 0 && fuzzTextUsed(j, s) {
				t.Errorf("the file does not hold %q byte for byte", s)
			}
		}
	})
}

// fuzzTextUsed reports whether s is the note text or a comment of an entry in j.
func fuzzTextUsed(j *export.Journal, s string) bool {
	for _, e := range j.Entries {
		if e.GetComment() == s || e.GetNote().GetText() == s {
			return true
		}
	}
	return false
}

// BenchmarkCSV exports the year of BenchmarkFHIR.
func BenchmarkCSV(b *testing.B) {
	j := fixtureYearJournal(b)
	size := len(exportCSV(b, j))
	b.ReportAllocs()
	b.SetBytes(int64(size))
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := export.CSV(j, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "bytes/export")
}
