package journal_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

// stored returns what the store would hand back for e: normalized, with every output-only
// field the server sets.
func stored(t *testing.T, e *medjournalv1.Entry) *medjournalv1.Entry {
	t.Helper()
	s := proto.Clone(e).(*medjournalv1.Entry)
	if err := journal.NormalizeEntry(mustLoad(t), s, "entry", now); err != nil {
		t.Fatal(err)
	}
	s.PatientId = "9e1f8d7c-6b5a-4d3c-8b2a-1f0e9d8c7b6a"
	s.CreateTime, s.UpdateTime = ts(now), ts(now)
	s.FlagIds = []string{"flag-1"}
	return s
}

func TestSameContent(t *testing.T) {
	lab := labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(7700))
	withUnknown := proto.Clone(lab).(*medjournalv1.Entry)
	withUnknown.ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 1))

	tests := []struct {
		name string
		a, b *medjournalv1.Entry
		want bool
	}{
		{"Identical", doseEntry(), doseEntry(), true},
		{"OnlyOutputOnlyDiffer", lab, stored(t, lab), true},
		{"VitalOutputOnlyDiffer", vitalEntry("body_temperature", 101.3, "[degF]"), stored(t, vitalEntry("body_temperature", 101.3, "[degF]")), true},
		{"UnknownFieldsIgnored", withUnknown, stored(t, lab), true},
		{"BothNil", nil, nil, true},

		{"OneNil", doseEntry(), nil, false},
		{"Comment", noteEntry("x"), change(noteEntry("x"), func(e *medjournalv1.Entry) { e.Comment = "worse" }), false},
		{"Kind", symptomEntry("fever", mild), vitalEntry("body_temperature", 38.5, "Cel"), false},
		{"Severity", symptomEntry("fever", mild), symptomEntry("fever", severe), false},
		{"ID", doseEntry(), change(doseEntry(), func(e *medjournalv1.Entry) { e.Id = "" }), false},
		{"OccurredTime", noteEntry("x"), change(noteEntry("x"), func(e *medjournalv1.Entry) { e.OccurredTime = ts(occurred.Add(time.Minute)) }), false},
		{"VitalUnitSameTemperature", vitalEntry("body_temperature", 38.5, "Cel"), vitalEntry("body_temperature", 101.3, "[degF]"), false},
		{"LabReferenceAddedAsZero", labEntry("718-7", 13, "g/dL"), labWithRange("718-7", 13, "g/dL", ptr(0), nil), false},
		{"NoteText", noteEntry("a"), noteEntry("b"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := journal.SameContent(tc.a, tc.b), tc.want; got != want {
				t.Errorf("SameContent(a, b) = %v, want %v\na: %v\nb: %v", got, want, tc.a, tc.b)
			}
			if got, want := journal.SameContent(tc.b, tc.a), tc.want; got != want {
				t.Errorf("SameContent(b, a) = %v, want %v", got, want)
			}
		})
	}
}

func TestSameContentLeavesArgumentsAlone(t *testing.T) {
	a := stored(t, labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(7700)))
	before := proto.Clone(a).(*medjournalv1.Entry)
	journal.SameContent(a, labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(7700)))
	if !proto.Equal(a, before) {
		t.Errorf("SameContent changed its argument:\n got %v\nwant %v", a, before)
	}
}

func TestClearOutputOnly(t *testing.T) {
	for _, e := range []*medjournalv1.Entry{
		labWithRange("751-8", 1200, "/uL", ptr(1800), ptr(7700)),
		vitalEntry("body_temperature", 101.3, "[degF]"),
		doseEntry(),
	} {
		s := stored(t, e)
		journal.ClearOutputOnly(s)
		if !proto.Equal(s, e) {
			t.Errorf("ClearOutputOnly(stored entry):\n got %v\nwant %v", s, e)
		}
	}
	journal.ClearOutputOnly(nil) // must not panic
}
