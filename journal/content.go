package journal

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// ClearOutputOnly removes every field of e the server sets (patient_id, create_time,
// update_time, flag_ids, and the canonical values of a vital or lab), so that two entries
// can be compared by what the client sent. It changes e in place; clone it first to keep
// the original.
func ClearOutputOnly(e *medjournalv1.Entry) {
	if e == nil {
		return
	}
	e.PatientId = ""
	e.CreateTime = nil
	e.UpdateTime = nil
	e.FlagIds = nil
	if v := e.GetVital(); v != nil {
		v.CanonicalValue = 0
		v.CanonicalUnit = ""
	}
	if l := e.GetLab(); l != nil {
		l.CanonicalValue = 0
		l.CanonicalUnit = ""
		l.CanonicalReferenceLow = nil
		l.CanonicalReferenceHigh = nil
	}
}

// SameContent reports whether a and b carry the same client-supplied content: id,
// occurred_time, comment, and the kind with its fields, ignoring output-only fields. The
// server uses it for idempotent retries: the same id with the same content returns the
// stored entry, the same id with other content is already_exists.
//
// Unknown fields are ignored too. A newer client may send fields this server does not
// know; the store cannot keep what it cannot read, so the stored entry lacks them and a
// faithful retry would otherwise look like a conflict.
func SameContent(a, b *medjournalv1.Entry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return proto.Equal(clientContent(a), clientContent(b))
}

// clientContent returns a copy of e with only what the client supplied and the server
// understands.
func clientContent(e *medjournalv1.Entry) *medjournalv1.Entry {
	c := proto.Clone(e).(*medjournalv1.Entry)
	ClearOutputOnly(c)
	discardUnknown(c.ProtoReflect())
	return c
}

// discardUnknown drops the unknown fields of m and of every message inside it.
func discardUnknown(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil:
		case fd.IsList():
			list := v.List()
			for i := 0; i < list.Len(); i++ {
				discardUnknown(list.Get(i).Message())
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					discardUnknown(mv.Message())
					return true
				})
			}
		default:
			discardUnknown(v.Message())
		}
		return true
	})
	if m.GetUnknown() != nil {
		m.SetUnknown(nil)
	}
}
