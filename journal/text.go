package journal

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// checkText refuses a string no field should hold.
//
// Invalid UTF-8: protobuf-go refuses it when it unmarshals a proto3 string, but a
// message built in Go never passes through the decoder, and JSON exports and the share
// page would then carry broken text. NUL: C-based tools down the line (SQLite's text
// functions, PDF writers, terminals, CSV readers) cut a string at its first NUL, so what a
// clinician reads would not be what was stored.
//
// Other control characters (C0 other than tab, line feed and carriage return, DEL, and
// C1): they cannot be carried by FHIR strings, break CSV and terminals, and are never
// typed by a person; a paste that holds them is refused with the field named, rather than
// stored and silently altered on export.
//
// maxRunes mirrors the max_len of the field in entry.proto, which counts characters, not
// bytes; 0 means the proto sets no limit.
func checkText(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return &FieldError{Field: field, Message: "must be valid UTF-8"}
	}
	if strings.IndexByte(s, 0) >= 0 {
		return &FieldError{Field: field, Message: "must not contain NUL characters"}
	}
	if i := strings.IndexFunc(s, isForbiddenControl); i >= 0 {
		return &FieldError{Field: field, Message: fmt.Sprintf("must not contain control characters (found U+%04X)", []rune(s[i:])[0])}
	}
	if maxRunes > 0 {
		if n := utf8.RuneCountInString(s); n > maxRunes {
			return &FieldError{Field: field, Message: fmt.Sprintf("must be at most %d characters, has %d", maxRunes, n)}
		}
	}
	return nil
}

// textField is one string of a message with its limit, so a message's strings can be
// checked in one loop in field order.
type textField struct {
	name     string
	value    string
	maxRunes int
}

// checkTexts runs checkText over fields under prefix and returns the first refusal.
func checkTexts(prefix string, fields ...textField) error {
	for _, f := range fields {
		if err := checkText(fieldPath(prefix, f.name), f.value, f.maxRunes); err != nil {
			return err
		}
	}
	return nil
}

// isForbiddenControl reports control characters text fields refuse: all but tab, line
// feed and carriage return.
func isForbiddenControl(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}
