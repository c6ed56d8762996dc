package export_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

func renderPDF(t testing.TB, j *export.Journal) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.PDF(j, &buf); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	return buf.Bytes()
}

// pdfToText extracts the text of a PDF with poppler's pdftotext, in reading order.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext not found: run scripts/deps.sh (Debian package poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pageCount reads the page count from the page tree; fpdf writes one /Type /Pages.
func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no page tree in the PDF")
	}
	var n int
	fmt.Sscan(string(m[1]), &n)
	return n
}

func TestPDF(t *testing.T) {
	t.Parallel()
	for name, j := range reportJournals(t) {
		t.Run(name, func(t *testing.T) {
			pdf := renderPDF(t, j)
			writeArtifact(t, strings.ToLower(name)+".pdf", pdf)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
				t.Fatalf("not a PDF: %q…", pdf[:min(len(pdf), 20)])
			}
			// Title, flags, a chart per lab and vital, adherence, symptoms and notes: a
			// month takes three or four pages; more would be a runaway.
			pages := pageCount(t, pdf)
			if pages < 3 || pages > 5 {
				t.Errorf("%d pages for a month, want 3 to 5", pages)
			}
			r := export.NewReport(j)
			text := pdfToText(t, pdf)
			for _, want := range []string{
				j.Patient.GetDisplayName(),
				"page 1 of " + fmt.Sprint(pages),
				fmt.Sprintf("page %d of %d", pages, pages),
				"Open flags",
				r.OpenFlags[0].Title,
				strings.ToUpper(r.OpenFlags[0].UrgencyLabel()), // in words, not only a shade
				r.ClosedFlags[0].Title,
				"Lab results", "Vital signs", "Dose adherence", "Symptoms by severity", "Notes and comments",
				`<script>alert("x")</script>`, // a note as written
			} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
			// Open flags come before closed ones.
			if open, closed := strings.Index(text, r.OpenFlags[0].Title), strings.Index(text, r.ClosedFlags[0].Title); open > closed {
				t.Errorf("the closed flag %q comes before the open %q", r.ClosedFlags[0].Title, r.OpenFlags[0].Title)
			}
			if !bytes.Equal(pdf, renderPDF(t, j)) {
				t.Errorf("two renderings of one journal differ")
			}
		})
	}
}

// TestPDFText checks what the PDF says of the report tests' own month, character by
// character where the core font cannot draw one.
func TestPDFText(t *testing.T) {
	t.Parallel()
	text := pdfToText(t, renderPDF(t, reportJournal(t)))
	for _, want := range []string{
		"Jörg Müller-Lüdenscheidt", // non-ASCII through cp1252
		"1 Mar 2026 – 31 Mar 2026",
		">= 38.0 °C",               // ≥ is not in cp1252: transliterated, not dropped
		"Müdigkeit, café ?",        // the emoji cannot be drawn: "?" stands in
		"6 Mar, 19 Mar, 27 Mar",    // the days missed
		"reference 1.8–7.7 10³/µL", // the band label
		"Resolved by Dr. Anna Weiß: Viral infection, settled; restart Rinvoq.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	emergency, urgent, closed := strings.Index(text, "Possible serious infection"), strings.Index(text, "Neutrophils below 1.0"), strings.Index(text, "Fever on a JAK inhibitor")
	if !(emergency < urgent && urgent < closed) {
		t.Errorf("flag order in the PDF: emergency at %d, urgent at %d, resolved at %d", emergency, urgent, closed)
	}
}

func TestPDFEmpty(t *testing.T) {
	t.Parallel()
	for name, j := range map[string]*export.Journal{"Nil": nil, "Empty": {}} {
		t.Run(name, func(t *testing.T) {
			pdf := renderPDF(t, j)
			if pageCount(t, pdf) != 1 {
				t.Errorf("an empty journal takes %d pages, want 1", pageCount(t, pdf))
			}
			if text := pdfToText(t, pdf); !strings.Contains(text, "No open flags.") || !strings.Contains(text, "page 1 of 1") {
				t.Errorf("empty report text:\n%s", text)
			}
		})
	}
}

func FuzzPDF(f *testing.F) {
	f.Add(scriptNote, "(unbalanced \\ parens) %%EOF", 0.9)
	f.Add("", "\x00\r\n\t\x7f\u0085", math.Inf(-1))
	f.Add("\xff\xfe invalid", "e\u0301 ő Ł 𝔘 ≥", math.NaN())
	f.Add(strings.Repeat("longwordwithoutanyspace", 400), strings.Repeat("line\n", 300), 1e308)
	f.Fuzz(func(t *testing.T, note, comment string, value float64) {
		var buf bytes.Buffer
		if err := export.PDF(fuzzJournal(t, note, comment, value), &buf); err != nil {
			t.Fatal(err)
		}
		pdf := buf.Bytes()
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
			t.Fatalf("not a PDF")
		}
	})
}

// yearJournal is a year of daily life on upadacitinib: a dose, a temperature, a blood
// pressure pair and a symptom or note every day (about five entries a day), and a blood
// count, liver and lipid panel every two weeks.
func yearJournal(b testing.TB) *export.Journal {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	from := time.Date(2025, 4, 1, 0, 0, 0, 0, loc)
	jb := newJournalBuilder(b, from, 365)
	symptoms := []string{"fatigue", "headache", "nausea", "joint_pain", "cough", "rash"}
	for d := 0; d < 365; d++ {
		day := from.AddDate(0, 0, d)
		status := medjournalv1.DoseStatus_DOSE_STATUS_TAKEN
		if d%23 == 5 {
			status = medjournalv1.DoseStatus_DOSE_STATUS_MISSED
		}
		jb.dose(day.Add(8*time.Hour), status, "")
		jb.add(day.Add(8*time.Hour+5*time.Minute), "", &medjournalv1.Vital{Code: "body_temperature", Value: 36.6 + 0.8*math.Sin(float64(d)/5), Unit: "Cel"})
		jb.add(day.Add(8*time.Hour+10*time.Minute), "", &medjournalv1.Vital{Code: "systolic_bp", Value: 125 + float64(d%15), Unit: "mm[Hg]"})
		jb.add(day.Add(8*time.Hour+10*time.Minute), "", &medjournalv1.Vital{Code: "diastolic_bp", Value: 80 + float64(d%9), Unit: "mm[Hg]"})
		if d%3 == 0 {
			jb.add(day.Add(19*time.Hour), "", fmt.Sprintf("Day %d: tired after work, walked 30 min. Temperatur normal, Kopfweh leicht.", d))
		} else {
			jb.add(day.Add(19*time.Hour), "comment: better than yesterday",
				&medjournalv1.Symptom{Code: symptoms[d%len(symptoms)], Severity: medjournalv1.Severity(1 + d%4)})
		}
		if d%14 == 0 {
			at := day.Add(7*time.Hour + 30*time.Minute)
			jb.add(at, "", &medjournalv1.Lab{Code: "751-8", Value: 3 - float64(d)/200, Unit: "10*9/L"})
			jb.add(at, "", &medjournalv1.Lab{Code: "731-0", Value: 1.4 - float64(d)/600, Unit: "10*9/L"})
			jb.add(at, "", &medjournalv1.Lab{Code: "718-7", Value: 13.5, Unit: "g/dL"})
			jb.add(at, "", &medjournalv1.Lab{Code: "777-3", Value: 240, Unit: "10*3/uL"})
			jb.add(at, "", &medjournalv1.Lab{Code: "1742-6", Value: 30 + float64(d%50), Unit: "U/L"})
			jb.add(at, "", &medjournalv1.Lab{Code: "2093-3", Value: 190 + float64(d)/10, Unit: "mg/dL"})
		}
	}
	return jb.j
}

// BenchmarkPDF renders a year of entries. The figure to watch is ns/op: the server
// renders the report while a doctor waits.
func BenchmarkPDF(b *testing.B) {
	j := yearJournal(b)
	b.ReportMetric(float64(len(j.Entries)), "entries")
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := export.PDF(j, &buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkHTML renders the same year as the share page.
func BenchmarkHTML(b *testing.B) {
	j := yearJournal(b)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := export.HTML(j, &buf, testLinks); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}

// TestPDFYear renders a year: weekly symptom columns, monthly date ticks, many pages.
func TestPDFYear(t *testing.T) {
	t.Parallel()
	j := yearJournal(t)
	pdf := renderPDF(t, j)
	writeArtifact(t, "year.pdf", pdf)
	writeArtifact(t, "year.html", renderHTML(t, j, testLinks))
	pages := pageCount(t, pdf)
	text := pdfToText(t, pdf)
	if !strings.Contains(text, fmt.Sprintf("page %d of %d", pages, pages)) {
		t.Errorf("last page not numbered %d of %d", pages, pages)
	}
	if !strings.Contains(text, "Worst severity per 7 days") {
		t.Errorf("a year's symptom grid should have weekly columns")
	}
}
