package journal

import (
	"fmt"
	"math"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Limits copied from the protovalidate rules in entry.proto, so that this package refuses
// what protovalidate refuses even when a caller skips it. Keep them in step with the proto.
const (
	maxCommentRunes  = 4000
	maxNoteRunes     = 10000
	maxBodySiteRunes = 100
	maxLabNameRunes  = 200
	maxDoseUnitRunes = 32
	maxDoseAmount    = 100000
)

// Bounds of occurred_time. The past bound is entry.proto's (gt 1900-01-01T00:00:00Z):
// nothing a patient logs happened before then, and a time that old is a default or a typo.
// The future allows an hour of clock skew between the phone and the server; a later time
// is a wrong date picked on the phone, and rules that look back from "now" would miss it.
var earliestOccurred = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)

const maxAhead = time.Hour

// NormalizeEntry checks e against the catalog and fills its output-only canonical fields
// in place: vital.canonical_value and canonical_unit; lab.canonical_value, canonical_unit
// and canonical_reference_low/high (cleared when the matching reference bound is not set,
// so a client cannot plant them). prefix is the entry's field path in the request, e.g.
// "entry" or "upserts[3]", and starts every FieldError's Field. now is the server's clock.
//
// A refusal is a *FieldError for the first problem found, in field order, and leaves e
// unchanged. Other output-only fields (patient_id, times, flag_ids) are neither checked
// nor touched: the server sets them. cat must not be nil.
func NormalizeEntry(cat *catalog.Catalog, e *medjournalv1.Entry, prefix string, now time.Time) error {
	if e == nil {
		return &FieldError{Field: prefix, Message: "is required"}
	}
	// The id's UUID shape is protovalidate's job; text hygiene is cheap to repeat.
	if err := checkTexts(prefix,
		textField{"id", e.GetId(), 0},
	); err != nil {
		return err
	}
	if err := checkOccurredTime(fieldPath(prefix, "occurred_time"), e.GetOccurredTime(), now); err != nil {
		return err
	}
	if err := checkTexts(prefix,
		textField{"comment", e.GetComment(), maxCommentRunes},
	); err != nil {
		return err
	}
	// The kind comes last: normalizing vitals and labs writes canonical values, and
	// nothing may fail after that, so a refused entry is left as it came.
	switch Kind(e) {
	case medjournalv1.EntryKind_ENTRY_KIND_DOSE:
		return checkDose(fieldPath(prefix, "dose"), e.GetDose())
	case medjournalv1.EntryKind_ENTRY_KIND_SYMPTOM:
		return checkSymptom(cat, fieldPath(prefix, "symptom"), e.GetSymptom())
	case medjournalv1.EntryKind_ENTRY_KIND_VITAL:
		return normalizeVital(cat, fieldPath(prefix, "vital"), e.GetVital())
	case medjournalv1.EntryKind_ENTRY_KIND_LAB:
		return normalizeLab(cat, fieldPath(prefix, "lab"), e.GetLab())
	case medjournalv1.EntryKind_ENTRY_KIND_NOTE:
		return checkNote(fieldPath(prefix, "note"), e.GetNote())
	}
	return &FieldError{Field: prefix, Message: "one of dose, symptom, vital, lab or note is required"}
}

// Kind returns the EntryKind of e's oneof. A kind whose message is nil counts as no kind
// (ENTRY_KIND_UNSPECIFIED): it carries nothing, and NormalizeEntry refuses it the same way.
func Kind(e *medjournalv1.Entry) medjournalv1.EntryKind {
	switch {
	case e.GetDose() != nil:
		return medjournalv1.EntryKind_ENTRY_KIND_DOSE
	case e.GetSymptom() != nil:
		return medjournalv1.EntryKind_ENTRY_KIND_SYMPTOM
	case e.GetVital() != nil:
		return medjournalv1.EntryKind_ENTRY_KIND_VITAL
	case e.GetLab() != nil:
		return medjournalv1.EntryKind_ENTRY_KIND_LAB
	case e.GetNote() != nil:
		return medjournalv1.EntryKind_ENTRY_KIND_NOTE
	}
	return medjournalv1.EntryKind_ENTRY_KIND_UNSPECIFIED
}

func checkOccurredTime(field string, ts *timestamppb.Timestamp, now time.Time) error {
	if ts == nil {
		return &FieldError{Field: field, Message: "is required"}
	}
	// AsTime would quietly normalize nanos outside 0..999999999 into another instant.
	if err := ts.CheckValid(); err != nil {
		return &FieldError{Field: field, Message: "is not a valid timestamp"}
	}
	t := ts.AsTime()
	if !t.After(earliestOccurred) {
		return &FieldError{Field: field, Message: "must be after 1900-01-01T00:00:00Z"}
	}
	if t.After(now.Add(maxAhead)) {
		return &FieldError{Field: field, Message: "must not be more than an hour in the future"}
	}
	return nil
}

func checkDose(field string, d *medjournalv1.Dose) error {
	// Whether the medication is the patient's is the server's check against the store.
	if err := checkTexts(field,
		textField{"medication_id", d.GetMedicationId(), 0},
	); err != nil {
		return err
	}
	if d.GetMedicationId() == "" {
		return &FieldError{Field: fieldPath(field, "medication_id"), Message: "is required"}
	}
	if err := checkAmount(fieldPath(field, "amount"), d.GetAmount(), maxDoseAmount); err != nil {
		return err
	}
	if err := checkTexts(field,
		textField{"unit", d.GetUnit(), maxDoseUnitRunes},
	); err != nil {
		return err
	}
	return checkEnum(fieldPath(field, "status"), d.GetStatus().Descriptor(), protoreflect.EnumNumber(d.GetStatus()))
}

func checkSymptom(cat *catalog.Catalog, field string, s *medjournalv1.Symptom) error {
	if err := checkTexts(field,
		textField{"code", s.GetCode(), 0},
	); err != nil {
		return err
	}
	codeField := fieldPath(field, "code")
	if s.GetCode() == "" {
		return &FieldError{Field: codeField, Message: "is required; see CatalogService.ListSymptoms"}
	}
	if _, ok := cat.Symptom(s.GetCode()); !ok {
		return &FieldError{Field: codeField, Message: fmt.Sprintf(
			"%q is not a symptom in the catalog; see CatalogService.ListSymptoms", s.GetCode())}
	}
	if err := checkEnum(fieldPath(field, "severity"), s.GetSeverity().Descriptor(), protoreflect.EnumNumber(s.GetSeverity())); err != nil {
		return err
	}
	return checkTexts(field,
		textField{"body_site", s.GetBodySite(), maxBodySiteRunes},
	)
}

func checkNote(field string, n *medjournalv1.Note) error {
	if err := checkTexts(field,
		textField{"text", n.GetText(), maxNoteRunes},
	); err != nil {
		return err
	}
	// protovalidate's min_len lets "   " through; a blank note is an accident on the phone.
	if strings.TrimSpace(n.GetText()) == "" {
		return &FieldError{Field: fieldPath(field, "text"), Message: "must not be empty"}
	}
	return nil
}

// checkAmount refuses a number that is not finite, is negative, or exceeds limit.
func checkAmount(field string, x, limit float64) error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return &FieldError{Field: field, Message: "must be a finite number"}
	case x < 0:
		return &FieldError{Field: field, Message: "must not be negative"}
	case x > limit:
		return &FieldError{Field: field, Message: fmt.Sprintf("must be at most %g", limit)}
	}
	return nil
}

// checkEnum refuses the zero value and numbers the enum does not define (an open proto3
// enum keeps them). The message lists the choices from the descriptor, so it stays right
// when the proto gains a value.
func checkEnum(field string, ed protoreflect.EnumDescriptor, n protoreflect.EnumNumber) error {
	values := ed.Values()
	var names []string
	for i := 0; i < values.Len(); i++ {
		if v := values.Get(i); v.Number() != 0 {
			names = append(names, string(v.Name()))
		}
	}
	choices := strings.Join(names, ", ")
	if n == 0 {
		return &FieldError{Field: field, Message: "is required; use one of " + choices}
	}
	if values.ByNumber(n) == nil {
		return &FieldError{Field: field, Message: fmt.Sprintf("%d is not a known value; use one of %s", n, choices)}
	}
	return nil
}
