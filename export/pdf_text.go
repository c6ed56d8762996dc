package export

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// The PDF uses the standard Helvetica font, which every PDF reader has, so the file
// embeds no font and stays small. Its glyphs are those of Windows code page 1252: all of
// Western European text ("°C", "ü", "é", "ß", "€", "–") but nothing beyond. fpdf's own
// translator (UnicodeTranslatorFromDescriptor) silently turns every other character
// into ".", which would make "≥ 38 °C" read ". 38 °C"; pdfText transliterates what it
// can instead and marks the rest with "?".

// pdfFallbacks are readable stand-ins for common characters outside cp1252.
var pdfFallbacks = map[rune]string{
	'≥': ">=", '≤': "<=", '≠': "!=", '≈': "~", '−': "-", '‐': "-", '‑': "-", '‒': "-",
	'→': "->", '←': "<-", '↑': "^", '↓': "v", '⇒': "=>", '′': "'", '″': "\"", '✓': "v",
	'⁰': "^0", '⁴': "^4", '⁵': "^5", '⁶': "^6", '⁷': "^7", '⁸': "^8", '⁹': "^9",
	'₀': "0", '₁': "1", '₂': "2", '₃': "3", 'μ': "µ", 'Ω': "Ohm",
	'\u00a0': " ", '\u2009': " ", '\u202f': " ", '\u200b': "", '\u200d': "", '\ufe0f': "",
}

// pdfText turns UTF-8 text into cp1252 bytes for the core font. Line breaks stay (as
// "\n"), tabs and other control characters become spaces, and invalid UTF-8 becomes "?".
func pdfText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFC.String(s) {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\r':
			// "\r\n" keeps its "\n"; a lone "\r" is dropped.
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteByte(byte(r))
		default:
			b.WriteString(encodeRune(r))
		}
	}
	return b.String()
}

// pdfLineH is pdfText for a single line: line breaks become spaces.
func pdfLine(s string) string { return strings.ReplaceAll(pdfText(s), "\n", " ") }

// encodeRune encodes one non-ASCII rune: in cp1252 if it is there, else by a fallback,
// else as its base letter ("ő" → "o"), else "?".
func encodeRune(r rune) string {
	if c, ok := charmap.Windows1252.EncodeRune(r); ok {
		return string([]byte{c})
	}
	if f, ok := pdfFallbacks[r]; ok {
		return pdfText(f)
	}
	if r == unicode.ReplacementChar {
		return "?"
	}
	if unicode.Is(unicode.Mn, r) { // a mark NFC could not combine with its letter
		return ""
	}
	// A letter with a mark cp1252 lacks keeps its letter; the marks are dropped.
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		c, ok := charmap.Windows1252.EncodeRune(d)
		if !ok || d == r {
			return "?"
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
