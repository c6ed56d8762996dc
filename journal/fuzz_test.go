package journal_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

// FuzzNormalizeEntry feeds NormalizeEntry whatever a client could put on the wire: the
// fuzzer supplies a binary Entry. Whatever comes in, NormalizeEntry must not panic, must
// refuse with a FieldError inside the entry's path and leave the entry alone, or accept it
// with finite canonical values in the catalog's canonical unit and the client's content
// untouched.
func FuzzNormalizeEntry(f *testing.F) {
	for _, tc := range badEntries {
		addEntrySeed(f, tc.entry)
	}
	for _, tc := range goodEntries {
		addEntrySeed(f, tc.entry)
	}
	f.Add([]byte{})
	f.Add([]byte{0x62, 0x00})                   // vital = {}
	f.Add([]byte{0x6a, 0x02, 0x21, 0x00})       // lab with a truncated reference_low
	f.Add([]byte{0x1a, 0x02, 0x10, 0xff})       // occurred_time with a truncated varint
	f.Add([]byte{0xf8, 0xff, 0xff, 0xff, 0x0f}) // a tag past the largest field number

	cat := mustLoad(f)
	const prefix = "upserts[7]"
	f.Fuzz(func(t *testing.T, data []byte) {
		e := &medjournalv1.Entry{}
		if err := proto.Unmarshal(data, e); err != nil {
			t.Skip()
		}
		// A second decode, not proto.Clone: Clone drops a -0.0 in a proto3 double (it
		// merges only non-zero values) while proto.Equal counts it as set, so a clone need
		// not equal its original. The fuzzer found that on its first run; the input is kept
		// in testdata.
		before := &medjournalv1.Entry{}
		if err := proto.Unmarshal(data, before); err != nil {
			t.Fatal(err)
		}

		if err := journal.NormalizeEntry(cat, e, prefix, now); err != nil {
			var fe *journal.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want a *journal.FieldError", err, err)
			}
			if fe.Field != prefix && !strings.HasPrefix(fe.Field, prefix+".") {
				t.Fatalf("Field %q is not under %q", fe.Field, prefix)
			}
			if fe.Message == "" {
				t.Fatalf("FieldError for %s has no message", fe.Field)
			}
			if !proto.Equal(e, before) {
				t.Fatalf("refused entry was changed:\n got %v\nwant %v", e, before)
			}
			return
		}

		switch journal.Kind(e) {
		case medjournalv1.EntryKind_ENTRY_KIND_UNSPECIFIED:
			t.Fatalf("accepted an entry without a kind: %v", e)
		case medjournalv1.EntryKind_ENTRY_KIND_VITAL:
			v := e.GetVital()
			vt, ok := cat.Vital(v.GetCode())
			if !ok {
				t.Fatalf("accepted unknown vital %q", v.GetCode())
			}
			checkCanonical(t, v.GetCanonicalValue(), v.GetCanonicalUnit(), vt.GetCanonicalUnit())
		case medjournalv1.EntryKind_ENTRY_KIND_LAB:
			l := e.GetLab()
			lt, ok := cat.LabTest(l.GetCode())
			if !ok {
				t.Fatalf("accepted unknown lab test %q", l.GetCode())
			}
			checkCanonical(t, l.GetCanonicalValue(), l.GetCanonicalUnit(), lt.GetCanonicalUnit())
			if (l.ReferenceLow == nil) != (l.CanonicalReferenceLow == nil) || (l.ReferenceHigh == nil) != (l.CanonicalReferenceHigh == nil) {
				t.Fatalf("canonical reference range %v..%v does not match the given %v..%v",
					fmtPtr(l.CanonicalReferenceLow), fmtPtr(l.CanonicalReferenceHigh), fmtPtr(l.ReferenceLow), fmtPtr(l.ReferenceHigh))
			}
			for _, b := range []*float64{l.CanonicalReferenceLow, l.CanonicalReferenceHigh} {
				if b != nil && (math.IsNaN(*b) || math.IsInf(*b, 0)) {
					t.Fatalf("canonical reference bound %v is not finite", *b)
				}
			}
			if lo, hi := l.CanonicalReferenceLow, l.CanonicalReferenceHigh; lo != nil && hi != nil && *lo > *hi {
				t.Fatalf("canonical reference range %v..%v is reversed", *lo, *hi)
			}
		}
		if !journal.SameContent(e, before) {
			t.Fatalf("normalizing changed client content:\n got %v\nwant %v", e, before)
		}
		again := &medjournalv1.Entry{}
		if b, err := proto.Marshal(e); err != nil {
			t.Fatalf("marshal the accepted entry: %v", err)
		} else if err := proto.Unmarshal(b, again); err != nil {
			t.Fatalf("unmarshal the accepted entry: %v", err)
		}
		if err := journal.NormalizeEntry(cat, again, prefix, now); err != nil || !proto.Equal(again, e) {
			t.Fatalf("normalizing again: err %v, changed %v", err, !proto.Equal(again, e))
		}
	})
}

func checkCanonical(t *testing.T, value float64, unit, wantUnit string) {
	t.Helper()
	if math.IsNaN(value) || math.IsInf(value, 0) {
		t.Fatalf("canonical value %v is not finite", value)
	}
	if unit != wantUnit {
		t.Fatalf("canonical unit %q, want the catalog's %q", unit, wantUnit)
	}
}

// maxSeedBytes leaves out the table's long-text cases (a 4001-character comment). The
// fuzzer minimizes every input that finds new coverage, and minimizing a mutant of a
// multi-kilobyte seed byte by byte stalls it for its full minute; the length limits are
// the table's business, not the fuzzer's.
const maxSeedBytes = 1024

// addEntrySeed adds e in wire form. Entries proto.Marshal refuses (invalid UTF-8) cannot
// arrive over the wire either, so they are left out.
func addEntrySeed(f *testing.F, e *medjournalv1.Entry) {
	if e == nil {
		return
	}
	b, err := proto.Marshal(e)
	if err != nil || len(b) > maxSeedBytes {
		return
	}
	f.Add(b)
}
