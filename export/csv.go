package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// CSVColumns returns the columns of the CSV export, in order; the first row of the file
// names them. They are a contract with spreadsheets and scripts that read the file: a
// column may be added at the end, never renamed, moved or removed. Every row is one
// journal entry; a column that does not apply to the entry's kind is empty.
//
//	entry_id         the entry's id (a UUID)
//	occurred_time    when it happened, RFC 3339 in UTC, e.g. 2025-03-12T19:00:00Z
//	local_date       the day in the patient's time zone, YYYY-MM-DD
//	local_time       the time of day there, HH:MM
//	kind             dose, symptom, vital, lab or note
//	code             the drug code of the dose's medication, the symptom or vital code of
//	                 the catalog (fever, body_temperature), or the lab test's LOINC code
//	display          what that code names: the medication as the patient calls it, or the
//	                 catalog's name of the symptom, vital sign or lab test
//	value            the dose amount, or the vital or lab value as entered
//	unit             its unit as entered (UCUM for vitals and labs: Cel, [degF], 10*3/uL)
//	canonical_value  the vital or lab value in the catalog's canonical unit, as the
//	                 warning-sign rules compared it
//	canonical_unit   that unit
//	reference_low    the lab's own reference range as printed on the report, in unit
//	reference_high
//	interpretation   L (below the range), H (above) or N (within), for a lab with a range
//	severity         mild, moderate, severe or very_severe (the PRO-CTCAE scale)
//	body_site        where the symptom was, in the patient's words
//	dose_status      taken, missed (forgotten) or skipped (on purpose)
//	medication_id    the id of the dose's medication
//	lab_name         the lab that did the test
//	note_text        the text of a note
//	comment          the patient's comment on the entry, of any kind
//	flag_ids         ids of the warning flags the entry is evidence for, separated by ";"
//
// Numbers are written in plain decimal notation with as many digits as needed to read
// them back exactly, never in exponent form and never with thousands separators.
func CSVColumns() []string { return slices.Clone(csvColumnNames[:]) }

// csvColumnNames is indexed by csvColumn.
var csvColumnNames = [...]string{
	"entry_id", "occurred_time", "local_date", "local_time", "kind", "code", "display",
	"value", "unit", "canonical_value", "canonical_unit", "reference_low", "reference_high",
	"interpretation", "severity", "body_site", "dose_status", "medication_id", "lab_name",
	"note_text", "comment", "flag_ids",
}

// A compile-time check that csvColumnNames has one name per csvColumn.
var _ [0]struct{} = [len(csvColumnNames) - int(csvColumnCount)]struct{}{}

// CSV writes the journal's entries to w as CSV, one row per entry, oldest first, after
// a header row naming CSVColumns.
//
// The file is RFC 4180: UTF-8 without a byte order mark, fields separated by commas,
// records ended by CRLF, a field quoted when it holds a comma, quote, CR or LF (or starts
// with a space), and a quote inside it doubled. Text is written byte for byte: a note's own line breaks stay
// as the patient typed them (LF, or CRLF), inside the quotes. (Go's encoding/csv reader,
// like some others, hands back a CRLF inside a quoted field as LF.)
//
// # Formula injection
//
// A spreadsheet runs a cell that starts with =, +, - or @ as a formula, and one that
// starts with a tab or CR can do the same after trimming, so a note such as
// =HYPERLINK("http://evil.example","click") would act when the doctor opens the file.
// Every text cell that starts with one of those characters is written with a leading
// apostrophe, which spreadsheets treat as "this is text". That includes harmless text:
// the note "-5 kg since January" is written '-5 kg since January, and a reader sees the
// apostrophe; that is the price of a file that is safe to double-click. A text cell that
// itself starts with an apostrophe gets one more, so the rule can be undone exactly: to
// recover the text, remove one leading apostrophe from any text cell that has one.
// Number cells (value, canonical_value, reference_low, reference_high) are written by
// the export, never start with anything but a digit or a minus sign, and are left alone:
// -5 in a value column is the number -5.
func CSV(j *Journal, w io.Writer) error {
	if j == nil {
		return errors.New("csv: no journal")
	}
	ix := newLookups(j)
	rw := newCSVRecordWriter(w)
	if err := rw.write(csvColumnNames[:]); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	record := make([]string, csvColumnCount)
	for _, e := range ix.entriesOldestFirst() {
		csvRecord(ix, e, record)
		if err := rw.write(record); err != nil {
			return fmt.Errorf("csv: entry %s: %w", e.GetId(), err)
		}
	}
	return nil
}

// csvRecord fills record with the cells of one entry, indexed by csvColumn.
func csvRecord(ix *lookups, e *medjournalv1.Entry, record []string) {
	for i := range record {
		record[i] = ""
	}
	set := func(col csvColumn, text string) { record[col] = csvText(text) }
	setNumber := func(col csvColumn, x float64) { record[col] = csvNumber(x) }

	occurred := e.GetOccurredTime().AsTime()
	local := occurred.In(ix.loc)
	set(csvEntryID, e.GetId())
	set(csvOccurredTime, occurred.UTC().Format(time.RFC3339Nano))
	set(csvLocalDate, local.Format(time.DateOnly))
	set(csvLocalTime, local.Format("15:04"))
	set(csvDisplay, ix.entryDisplay(e))
	set(csvComment, e.GetComment())
	set(csvFlagIDs, strings.Join(e.GetFlagIds(), ";"))

	switch {
	case e.GetDose() != nil:
		d := e.GetDose()
		set(csvKind, "dose")
		if m, ok := ix.medications[d.GetMedicationId()]; ok {
			set(csvCode, m.GetDrugCode())
		}
		setNumber(csvValue, d.GetAmount())
		set(csvUnit, d.GetUnit())
		set(csvDoseStatus, csvEnumWord(d.GetStatus().String(), "DOSE_STATUS_"))
		set(csvMedicationID, d.GetMedicationId())
	case e.GetSymptom() != nil:
		s := e.GetSymptom()
		set(csvKind, "symptom")
		set(csvCode, s.GetCode())
		set(csvSeverity, csvEnumWord(s.GetSeverity().String(), "SEVERITY_"))
		set(csvBodySite, s.GetBodySite())
	case e.GetVital() != nil:
		v := e.GetVital()
		set(csvKind, "vital")
		set(csvCode, v.GetCode())
		setNumber(csvValue, v.GetValue())
		set(csvUnit, v.GetUnit())
		if v.GetCanonicalUnit() != "" {
			setNumber(csvCanonicalValue, v.GetCanonicalValue())
			set(csvCanonicalUnit, v.GetCanonicalUnit())
		}
	case e.GetLab() != nil:
		l := e.GetLab()
		set(csvKind, "lab")
		set(csvCode, l.GetCode())
		setNumber(csvValue, l.GetValue())
		set(csvUnit, l.GetUnit())
		if l.GetCanonicalUnit() != "" {
			setNumber(csvCanonicalValue, l.GetCanonicalValue())
			set(csvCanonicalUnit, l.GetCanonicalUnit())
		}
		if l.ReferenceLow != nil {
			setNumber(csvReferenceLow, *l.ReferenceLow)
		}
		if l.ReferenceHigh != nil {
			setNumber(csvReferenceHigh, *l.ReferenceHigh)
		}
		set(csvInterpretation, labInterpretation(l))
		set(csvLabName, l.GetLabName())
	case e.GetNote() != nil:
		set(csvKind, "note")
		set(csvNoteText, e.GetNote().GetText())
	}
}

// csvColumn indexes a record; csvColumnNames names each.
type csvColumn int

const (
	csvEntryID csvColumn = iota
	csvOccurredTime
	csvLocalDate
	csvLocalTime
	csvKind
	csvCode
	csvDisplay
	csvValue
	csvUnit
	csvCanonicalValue
	csvCanonicalUnit
	csvReferenceLow
	csvReferenceHigh
	csvInterpretation
	csvSeverity
	csvBodySite
	csvDoseStatus
	csvMedicationID
	csvLabName
	csvNoteText
	csvComment
	csvFlagIDs
	csvColumnCount
)

// csvText guards a text cell against formula injection; see CSV.
func csvText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}

// csvNumber writes x in plain decimal notation, the shortest that reads back as x.
func csvNumber(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// csvEnumWord turns an enum value name into the column's word: DOSE_STATUS_TAKEN with
// prefix DOSE_STATUS_ is "taken", SEVERITY_VERY_SEVERE is "very_severe". The zero value
// writes nothing.
func csvEnumWord(name, prefix string) string {
	word := strings.ToLower(strings.TrimPrefix(name, prefix))
	if word == "unspecified" {
		return ""
	}
	return word
}

// csvRecordWriter writes RFC 4180 records. encoding/csv writes a field's bytes exactly
// only with UseCRLF off (with it on, it turns LF inside a field into CRLF and drops a
// lone CR), so each record is encoded that way and its final LF replaced by CRLF.
type csvRecordWriter struct {
	w   io.Writer
	buf bytes.Buffer
	enc *csv.Writer
}

func newCSVRecordWriter(w io.Writer) *csvRecordWriter {
	rw := &csvRecordWriter{w: w}
	rw.enc = csv.NewWriter(&rw.buf)
	return rw
}

func (rw *csvRecordWriter) write(record []string) error {
	rw.buf.Reset()
	if err := rw.enc.Write(record); err != nil {
		return err
	}
	rw.enc.Flush()
	if err := rw.enc.Error(); err != nil {
		return err
	}
	line := rw.buf.Bytes()
	line = append(line[:len(line)-1], '\r', '\n')
	_, err := rw.w.Write(line)
	return err
}
