package journal_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

const (
	mild   = medjournalv1.Severity_SEVERITY_MILD
	severe = medjournalv1.Severity_SEVERITY_SEVERE
)

// badEntries are refused, each for one reason, named by the field at fault. prefix is
// "entry" unless the case sets it. wantMessage, when set, is the exact message.
var badEntries = []struct {
	name        string
	prefix      string
	entry       *medjournalv1.Entry
	wantField   string
	wantMessage string
}{
	// The entry and its common fields.
	{name: "NoEntry", entry: nil, wantField: "entry", wantMessage: "is required"},
	{name: "NoKind", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Kind = nil }),
		wantField: "entry", wantMessage: "one of dose, symptom, vital, lab or note is required"},
	{name: "OccurredTimeMissing", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = nil }),
		wantField: "entry.occurred_time", wantMessage: "is required"},
	{name: "OccurredTimeTooFarAhead", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(now.Add(time.Hour + time.Second)) }),
		wantField: "entry.occurred_time", wantMessage: "must not be more than an hour in the future"},
	{name: "OccurredTimeNextYear", prefix: "upserts[0]", entry: change(vitalEntry("heart_rate", 70, "/min"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(now.AddDate(1, 0, 0)) }),
		wantField: "upserts[0].occurred_time"},
	{name: "OccurredTimeBefore1900", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(time.Date(1899, 12, 31, 23, 59, 59, 0, time.UTC)) }),
		wantField: "entry.occurred_time", wantMessage: "must be after 1900-01-01T00:00:00Z"},
	{name: "OccurredTimeAt1900", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) }),
		wantField: "entry.occurred_time"},
	{name: "OccurredTimeBadNanos", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) {
		e.OccurredTime = &timestamppb.Timestamp{Seconds: occurred.Unix(), Nanos: -1}
	}),
		wantField: "entry.occurred_time", wantMessage: "is not a valid timestamp"},
	{name: "OccurredTimeYear10000", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = &timestamppb.Timestamp{Seconds: 253402300800} }),
		wantField: "entry.occurred_time"},
	{name: "CommentTooLong", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Comment = strings.Repeat("é", 4001) }),
		wantField: "entry.comment", wantMessage: "must be at most 4000 characters, has 4001"},
	{name: "CommentNUL", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Comment = "fine\x00hidden" }),
		wantField: "entry.comment", wantMessage: "must not contain NUL characters"},
	{name: "CommentNotUTF8", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Comment = "caf\xe9" }),
		wantField: "entry.comment", wantMessage: "must be valid UTF-8"},
	{name: "IDNUL", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Id = "\x00" }),
		wantField: "entry.id"},

	// Dose.
	{name: "DoseStatusMissing", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Status = 0 }),
		wantField: "entry.dose.status", wantMessage: "is required; use one of DOSE_STATUS_TAKEN, DOSE_STATUS_MISSED, DOSE_STATUS_SKIPPED"},
	{name: "DoseStatusUnknown", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Status = 42 }),
		wantField: "entry.dose.status"},
	{name: "DoseAmountNegative", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Amount = -1 }),
		wantField: "entry.dose.amount", wantMessage: "must not be negative"},
	{name: "DoseAmountNaN", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Amount = math.NaN() }),
		wantField: "entry.dose.amount", wantMessage: "must be a finite number"},
	{name: "DoseAmountInf", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Amount = math.Inf(1) }),
		wantField: "entry.dose.amount"},
	{name: "DoseAmountTooLarge", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Amount = 100001 }),
		wantField: "entry.dose.amount"},
	{name: "DoseMedicationMissing", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().MedicationId = "" }),
		wantField: "entry.dose.medication_id", wantMessage: "is required"},
	{name: "DoseUnitNUL", entry: change(doseEntry(), func(e *medjournalv1.Entry) { e.GetDose().Unit = "m\x00g" }),
		wantField: "entry.dose.unit"},

	// Symptom.
	{name: "SymptomUnknown", entry: symptomEntry("headach", mild),
		wantField: "entry.symptom.code", wantMessage: `"headach" is not a symptom in the catalog; see CatalogService.ListSymptoms`},
	{name: "SymptomCodeMissing", entry: symptomEntry("", mild), wantField: "entry.symptom.code"},
	{name: "SymptomSeverityMissing", entry: symptomEntry("fever", 0),
		wantField: "entry.symptom.severity", wantMessage: "is required; use one of SEVERITY_MILD, SEVERITY_MODERATE, SEVERITY_SEVERE, SEVERITY_VERY_SEVERE"},
	{name: "SymptomSeverityUnknown", entry: symptomEntry("fever", 9), wantField: "entry.symptom.severity"},
	{name: "SymptomBodySiteTooLong", entry: change(symptomEntry("rash", mild), func(e *medjournalv1.Entry) { e.GetSymptom().BodySite = strings.Repeat("a", 101) }),
		wantField: "entry.symptom.body_site"},

	// Vital.
	{name: "VitalUnknown", prefix: "upserts[3]", entry: vitalEntry("body_temp", 37, "Cel"),
		wantField: "upserts[3].vital.code", wantMessage: `"body_temp" is not a vital in the catalog; see CatalogService.ListVitals`},
	{name: "VitalCodeMissing", entry: vitalEntry("", 37, "Cel"), wantField: "entry.vital.code"},
	{name: "VitalUnitWrong", prefix: "upserts[3]", entry: vitalEntry("body_temperature", 38, "mg"),
		wantField: "upserts[3].vital.unit", wantMessage: `"mg" is not a unit of body_temperature; use one of Cel, [degF]`},
	{name: "VitalUnitWrongCase", entry: vitalEntry("body_temperature", 38, "cel"), wantField: "entry.vital.unit"},
	{name: "VitalUnitMissing", entry: vitalEntry("heart_rate", 70, ""),
		wantField: "entry.vital.unit", wantMessage: "no unit given for heart_rate; use one of /min, {beats}/min"},
	{name: "VitalTemperatureTooLow", entry: vitalEntry("body_temperature", 3, "Cel"),
		wantField: "entry.vital.value", wantMessage: "3 Cel is outside the plausible range for body_temperature: 25 to 45 Cel"},
	{name: "VitalTemperatureTooHigh", entry: vitalEntry("body_temperature", 300, "Cel"),
		wantField: "entry.vital.value", wantMessage: "300 Cel is outside the plausible range for body_temperature: 25 to 45 Cel"},
	{name: "VitalFahrenheitAsCelsius", entry: vitalEntry("body_temperature", 101.3, "Cel"), wantField: "entry.vital.value"},
	{name: "VitalNaN", entry: vitalEntry("heart_rate", math.NaN(), "/min"),
		wantField: "entry.vital.value", wantMessage: "must be a finite number"},
	{name: "VitalInf", entry: vitalEntry("body_weight", math.Inf(-1), "kg"), wantField: "entry.vital.value"},
	{name: "VitalSaturationOver100", entry: vitalEntry("oxygen_saturation", 101, "%"), wantField: "entry.vital.value"},

	// Lab.
	{name: "LabUnknown", entry: labEntry("1234-5", 1, "g/dL"),
		wantField: "entry.lab.code", wantMessage: `"1234-5" is not a lab test in the catalog; see CatalogService.ListLabTests`},
	{name: "LabCodeMissing", entry: labEntry("", 1, "g/dL"), wantField: "entry.lab.code"},
	{name: "LabUnitWrongCase", entry: labEntry("718-7", 8, "g/dl"),
		wantField: "entry.lab.unit", wantMessage: `"g/dl" is not a unit of 718-7 (Hemoglobin); use one of g/dL, g/L, mmol/L`},
	{name: "LabUnitNotUTF8", entry: labEntry("718-7", 8, "\xffg/dL"),
		wantField: "entry.lab.unit", wantMessage: "must be valid UTF-8"},
	{name: "LabValueNegative", prefix: "upserts[2]", entry: labEntry("751-8", -1, "/uL"), wantField: "upserts[2].lab.value"},
	{name: "LabValueNaN", entry: labEntry("751-8", math.NaN(), "/uL"), wantField: "entry.lab.value"},
	{name: "LabHemoglobinGramsPerLiterAsDeciliter", entry: labEntry("718-7", 80, "g/dL"),
		wantField: "entry.lab.value", wantMessage: "80 g/dL is outside the plausible range for 718-7 (Hemoglobin): 1 to 25 g/dL"},
	{name: "LabReferenceLowNaN", entry: labWithRange("751-8", 1200, "/uL", ptr(math.NaN()), ptr(7700)),
		wantField: "entry.lab.reference_low", wantMessage: "must be a finite number"},
	{name: "LabReferenceHighInf", entry: labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(math.Inf(1))),
		wantField: "entry.lab.reference_high", wantMessage: "must be a finite number"},
	{name: "LabReferenceLowNegative", entry: labWithRange("751-8", 1200, "/uL", ptr(-1), nil),
		wantField: "entry.lab.reference_low", wantMessage: "must not be negative"},
	{name: "LabReferenceReversed", prefix: "upserts[2]", entry: labWithRange("751-8", 1200, "/uL", ptr(7700), ptr(1800)),
		wantField: "upserts[2].lab.reference_high", wantMessage: "must not be below reference_low (7700)"},
	{name: "LabReferenceOverflows", entry: labWithRange("1742-6", 1, "ukat/L", nil, ptr(math.MaxFloat64)),
		wantField: "entry.lab.reference_high"},
	{name: "LabNameNUL", entry: change(labEntry("718-7", 8, "g/dL"), func(e *medjournalv1.Entry) { e.GetLab().LabName = "\x00" }),
		wantField: "entry.lab.lab_name"},

	// Note.
	{name: "NoteEmpty", entry: noteEntry(""), wantField: "entry.note.text", wantMessage: "must not be empty"},
	{name: "NoteBlank", entry: noteEntry(" \t\n "), wantField: "entry.note.text", wantMessage: "must not be empty"},
	{name: "NoteNUL", entry: noteEntry("a\x00b"), wantField: "entry.note.text"},
	{name: "NoteTooLong", entry: noteEntry(strings.Repeat("x", 10001)), wantField: "entry.note.text"},
}

func TestNormalizeEntryRefuses(t *testing.T) {
	cat := mustLoad(t)
	for _, tc := range badEntries {
		t.Run(tc.name, func(t *testing.T) {
			prefix := tc.prefix
			if prefix == "" {
				prefix = "entry"
			}
			e := proto.Clone(tc.entry).(*medjournalv1.Entry)
			if tc.entry == nil {
				e = nil
			}
			err := journal.NormalizeEntry(cat, e, prefix, now)
			var fe *journal.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want a *journal.FieldError", err, err)
			}
			if got, want := fe.Field, tc.wantField; got != want {
				t.Errorf("Field = %q, want %q (message %q)", got, want, fe.Message)
			}
			if tc.wantMessage != "" {
				if got, want := fe.Message, tc.wantMessage; got != want {
					t.Errorf("Message = %q, want %q", got, want)
				}
			}
			if got, want := err.Error(), fe.Field+": "+fe.Message; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			if tc.entry != nil && !proto.Equal(e, tc.entry) {
				t.Errorf("refused entry was changed:\n got %v\nwant %v", e, tc.entry)
			}
		})
	}
}

// TestNormalizeEntryKindWithNilMessage is outside the table because proto.Clone, which the
// table test uses, turns the nil message into an empty one.
func TestNormalizeEntryKindWithNilMessage(t *testing.T) {
	e := change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Kind = &medjournalv1.Entry_Vital{} })
	err := journal.NormalizeEntry(mustLoad(t), e, "entry", now)
	var fe *journal.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *journal.FieldError", err)
	}
	if got, want := fe.Field, "entry"; got != want {
		t.Errorf("Field = %q, want %q", got, want)
	}
}

func TestNormalizeEntryWithoutPrefix(t *testing.T) {
	err := journal.NormalizeEntry(mustLoad(t), vitalEntry("body_temperature", 38, "mg"), "", now)
	var fe *journal.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *journal.FieldError", err)
	}
	if got, want := fe.Field, "vital.unit"; got != want {
		t.Errorf("Field = %q, want %q", got, want)
	}
}

// goodEntries are accepted; for vitals and labs the canonical values are checked.
var goodEntries = []struct {
	name      string
	entry     *medjournalv1.Entry
	wantValue float64 // canonical value of a vital or lab, within 1e-9
	wantUnit  string
	wantLow   *float64 // canonical reference range of a lab
	wantHigh  *float64
}{
	{name: "Dose", entry: doseEntry()},
	{name: "DoseMissedZeroAmount", entry: change(doseEntry(), func(e *medjournalv1.Entry) {
		e.GetDose().Amount, e.GetDose().Status = 0, medjournalv1.DoseStatus_DOSE_STATUS_MISSED
	})},
	{name: "Symptom", entry: symptomEntry("chest_pain", severe)},
	{name: "SymptomVerySevere", entry: symptomEntry("fever", medjournalv1.Severity_SEVERITY_VERY_SEVERE)},
	{name: "Note", entry: noteEntry("  felt fine today  ")},
	{name: "CommentOf4000Characters", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Comment = strings.Repeat("é", 4000) })},
	{name: "OccurredExactlyAnHourAhead", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(now.Add(time.Hour)) })},
	{name: "OccurredJustAfter1900", entry: change(noteEntry("x"), func(e *medjournalv1.Entry) {
		e.OccurredTime = ts(time.Date(1900, 1, 1, 0, 0, 1, 0, time.UTC))
	})},

	{name: "TemperatureCelsius", entry: vitalEntry("body_temperature", 38.5, "Cel"), wantValue: 38.5, wantUnit: "Cel"},
	{name: "TemperatureFahrenheit", entry: vitalEntry("body_temperature", 101.3, "[degF]"), wantValue: 38.5, wantUnit: "Cel"},
	{name: "WeightPounds", entry: vitalEntry("body_weight", 150, "[lb_av]"), wantValue: 68.0388555, wantUnit: "kg"},
	{name: "HeartRateBeats", entry: vitalEntry("heart_rate", 72, "{beats}/min"), wantValue: 72, wantUnit: "/min"},
	{name: "VitalStaleCanonicalOverwritten", entry: change(vitalEntry("body_temperature", 100.4, "[degF]"), func(e *medjournalv1.Entry) {
		e.GetVital().CanonicalValue, e.GetVital().CanonicalUnit = 100.4, "[degF]"
	}), wantValue: 38, wantUnit: "Cel"},

	{name: "NeutrophilsPerMicroliterWithRange", entry: labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(7700)),
		wantValue: 1.2, wantUnit: "10*3/uL", wantLow: ptr(1.8), wantHigh: ptr(7.7)},
	{name: "HemoglobinGramsPerLiter", entry: labEntry("718-7", 80, "g/L"), wantValue: 8, wantUnit: "g/dL"},
	{name: "HemoglobinCanonical", entry: labWithRange("718-7", 13.5, "g/dL", ptr(12), ptr(16)),
		wantValue: 13.5, wantUnit: "g/dL", wantLow: ptr(12), wantHigh: ptr(16)},
	{name: "ReferenceHighOnly", entry: labWithRange("2571-8", 1.7, "mmol/L", nil, ptr(1.7)),
		wantValue: 150.569, wantUnit: "mg/dL", wantHigh: ptr(150.569)},
	{name: "ReferenceBeyondPlausible", entry: labWithRange("2085-9", 55, "mg/dL", ptr(40), ptr(999)),
		wantValue: 55, wantUnit: "mg/dL", wantLow: ptr(40), wantHigh: ptr(999)},
	{name: "PlantedCanonicalRangeCleared", entry: change(labEntry("1742-6", 0.5, "ukat/L"), func(e *medjournalv1.Entry) {
		e.GetLab().CanonicalReferenceLow, e.GetLab().CanonicalReferenceHigh = ptr(1), ptr(2)
	}), wantValue: 30, wantUnit: "U/L"},
}

func TestNormalizeEntryAccepts(t *testing.T) {
	cat := mustLoad(t)
	for _, tc := range goodEntries {
		t.Run(tc.name, func(t *testing.T) {
			e := proto.Clone(tc.entry).(*medjournalv1.Entry)
			if err := journal.NormalizeEntry(cat, e, "entry", now); err != nil {
				t.Fatalf("NormalizeEntry: %v", err)
			}
			if !journal.SameContent(e, tc.entry) {
				t.Errorf("normalizing changed client content:\n got %v\nwant %v", e, tc.entry)
			}
			var value float64
			var unit string
			var low, high *float64
			switch journal.Kind(e) {
			case medjournalv1.EntryKind_ENTRY_KIND_VITAL:
				value, unit = e.GetVital().GetCanonicalValue(), e.GetVital().GetCanonicalUnit()
			case medjournalv1.EntryKind_ENTRY_KIND_LAB:
				l := e.GetLab()
				value, unit, low, high = l.GetCanonicalValue(), l.GetCanonicalUnit(), l.CanonicalReferenceLow, l.CanonicalReferenceHigh
			}
			if math.Abs(value-tc.wantValue) > 1e-9 {
				t.Errorf("canonical value = %v, want %v", value, tc.wantValue)
			}
			if got, want := unit, tc.wantUnit; got != want {
				t.Errorf("canonical unit = %q, want %q", got, want)
			}
			checkBound(t, "canonical_reference_low", low, tc.wantLow)
			checkBound(t, "canonical_reference_high", high, tc.wantHigh)

			// Normalizing is idempotent: the server may normalize a stored entry again.
			again := proto.Clone(e).(*medjournalv1.Entry)
			if err := journal.NormalizeEntry(cat, again, "entry", now); err != nil {
				t.Fatalf("second NormalizeEntry: %v", err)
			}
			if !proto.Equal(again, e) {
				t.Errorf("second NormalizeEntry changed the entry:\n got %v\nwant %v", again, e)
			}
		})
	}
}

func checkBound(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, fmtPtr(got), fmtPtr(want))
	case math.Abs(*got-*want) > 1e-9:
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

func fmtPtr(p *float64) any {
	if p == nil {
		return "unset"
	}
	return *p
}

// TestLabReferenceConvertsLikeValue checks that a reference bound equal to the value
// converts to exactly the canonical value, for every lab test and unit: the package
// converts bounds itself (the catalog converts only plausible values), and rules compare
// a value with its range.
func TestLabReferenceConvertsLikeValue(t *testing.T) {
	cat := mustLoad(t)
	for _, test := range cat.LabTests().GetLabTests() {
		mid := (test.GetTypicalLow() + test.GetTypicalHigh()) / 2
		for _, u := range test.GetAcceptedUnits() {
			for _, canonical := range []float64{test.GetTypicalLow(), mid, test.GetTypicalHigh()} {
				value := (canonical - u.GetOffset()) / u.GetFactor()
				e := labWithRange(test.GetCode(), value, u.GetUnit(), ptr(value), ptr(value))
				if err := journal.NormalizeEntry(cat, e, "entry", now); err != nil {
					t.Errorf("%s %v %s: %v", test.GetCode(), value, u.GetUnit(), err)
					continue
				}
				l := e.GetLab()
				if got, want := l.GetCanonicalReferenceLow(), l.GetCanonicalValue(); got != want {
					t.Errorf("%s %v %s: canonical_reference_low = %v, canonical_value = %v", test.GetCode(), value, u.GetUnit(), got, want)
				}
				if got, want := l.GetCanonicalReferenceHigh(), l.GetCanonicalValue(); got != want {
					t.Errorf("%s %v %s: canonical_reference_high = %v, canonical_value = %v", test.GetCode(), value, u.GetUnit(), got, want)
				}
			}
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		name  string
		entry *medjournalv1.Entry
		want  medjournalv1.EntryKind
	}{
		{"Nil", nil, medjournalv1.EntryKind_ENTRY_KIND_UNSPECIFIED},
		{"NoKind", &medjournalv1.Entry{}, medjournalv1.EntryKind_ENTRY_KIND_UNSPECIFIED},
		{"NilMessage", &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{}}, medjournalv1.EntryKind_ENTRY_KIND_UNSPECIFIED},
		{"Dose", doseEntry(), medjournalv1.EntryKind_ENTRY_KIND_DOSE},
		{"Symptom", symptomEntry("fever", mild), medjournalv1.EntryKind_ENTRY_KIND_SYMPTOM},
		{"Vital", vitalEntry("heart_rate", 70, "/min"), medjournalv1.EntryKind_ENTRY_KIND_VITAL},
		{"Lab", labEntry("718-7", 13, "g/dL"), medjournalv1.EntryKind_ENTRY_KIND_LAB},
		{"Note", noteEntry("x"), medjournalv1.EntryKind_ENTRY_KIND_NOTE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := journal.Kind(tc.entry), tc.want; got != want {
				t.Errorf("Kind = %v, want %v", got, want)
			}
		})
	}
}

func TestTextRefusesControlCharacters(t *testing.T) {
	cat := mustLoad(t)
	for _, text := range []string{"bell\a", "escape \x1b[31mred", "del\x7f", "c1 \u0085 next line"} {
		e := &medjournalv1.Entry{OccurredTime: timestamppb.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
			Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}}}
		err := journal.NormalizeEntry(cat, e, "entry", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		var fe *journal.FieldError
		if !errors.As(err, &fe) || fe.Field != "entry.note.text" {
			t.Errorf("%q: err = %v, want a refusal naming entry.note.text", text, err)
		}
	}
	ok := &medjournalv1.Entry{OccurredTime: timestamppb.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "tabs\tand\r\nnew lines, ümlauts, emoji 🙂"}}}
	if err := journal.NormalizeEntry(cat, ok, "entry", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("ordinary text refused: %v", err)
	}
}
