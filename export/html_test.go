package export_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

var testLinks = export.ReportLinks{
	PDF:  "/share/tok123/report.pdf",
	CSV:  "/share/tok123/journal.csv",
	FHIR: "/share/tok123/bundle.json",
}

func renderHTML(t testing.TB, j *export.Journal, links export.ReportLinks) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.HTML(j, &buf, links); err != nil {
		t.Fatalf("HTML: %v", err)
	}
	return buf.Bytes()
}

// writeArtifact keeps a rendered report for a person to look at when
// MEDJOURNAL_EXPORT_DIR is set, e.g. to screenshot the page with headless Chromium.
func writeArtifact(t testing.TB, name string, b []byte) {
	dir := os.Getenv("MEDJOURNAL_EXPORT_DIR")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// reportJournals are the journals the HTML and PDF tests render: the shared month
// fixture and the report tests' own month.
func reportJournals(t *testing.T) map[string]*export.Journal {
	return map[string]*export.Journal{"Fixture": testJournal(t), "Berlin": reportJournal(t)}
}

func TestHTML(t *testing.T) {
	t.Parallel()
	for name, j := range reportJournals(t) {
		t.Run(name, func(t *testing.T) {
			out := renderHTML(t, j, testLinks)
			writeArtifact(t, strings.ToLower(name)+".html", out)
			doc, err := html.Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			checkHTML(t, j, doc, out)
		})
	}
}

func checkHTML(t *testing.T, j *export.Journal, doc *html.Node, out []byte) {
	t.Run("Sections", func(t *testing.T) {
		for _, id := range []string{"flags", "labs", "vitals", "adherence", "symptoms", "notes"} {
			if byID(doc, id) == nil {
				t.Errorf("no #%s", id)
			}
		}
		if m := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Meta && attr(n, "name") == "robots" }); len(m) != 1 || attr(m[0], "content") != "noindex" {
			t.Errorf("want one <meta name=robots content=noindex>")
		}
		if h1 := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); len(h1) != 1 || !strings.Contains(text(h1[0]), j.Patient.GetDisplayName()) {
			t.Errorf("the heading does not name the patient %q", j.Patient.GetDisplayName())
		}
	})
	t.Run("OneChartPerAnalyte", func(t *testing.T) {
		charts := find(byID(doc, "labs"), func(n *html.Node) bool { return n.Data == "svg" && hasClass(n, "chart") })
		want := analytes(j)
		var got []string
		for _, c := range charts {
			got = append(got, attr(c, "data-analyte"))
		}
		if len(want) == 0 || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("charts for %v, want one per analyte %v", got, want)
		}
		temp := find(byID(doc, "vitals"), func(n *html.Node) bool { return hasClass(n, "chart") && attr(n, "data-analyte") == "body_temperature" })
		if len(temp) != 1 {
			t.Errorf("want a temperature chart")
		}
	})
	t.Run("FlagsOpenUrgentFirst", func(t *testing.T) { checkFlagOrder(t, doc, j) })
	t.Run("NoteEscaped", func(t *testing.T) {
		notes := find(byID(doc, "notes"), func(n *html.Node) bool { return hasClass(n, "note") })
		if len(notes) != len(export.NewReport(j).Notes) {
			t.Errorf("%d .note elements, want %d", len(notes), len(export.NewReport(j).Notes))
		}
		var found bool
		for _, n := range notes {
			found = found || strings.Contains(text(n), `<script>alert("x")</script>`)
		}
		if !found {
			t.Errorf("the note with <script> is not shown as text")
		}
	})
	t.Run("SelfContained", func(t *testing.T) { checkSelfContained(t, doc, testLinks) })
	t.Run("StyleHash", func(t *testing.T) {
		styles := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Style })
		if len(styles) != 1 {
			t.Fatalf("%d <style> elements, want 1", len(styles))
		}
		// Hash the bytes as sent, not as parsed: the browser hashes the element's text.
		s := string(out)
		start := strings.Index(s, "<style>") + len("<style>")
		end := strings.Index(s, "</style>")
		sum := sha256.Sum256([]byte(s[start:end]))
		if got, want := "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", export.ReportStyleHash(); got != want {
			t.Errorf("style hash = %s, ReportStyleHash() = %s", got, want)
		}
		if text(styles[0]) != s[start:end] {
			t.Errorf("parsed style text differs from the bytes sent")
		}
	})
	t.Run("DownloadLinks", func(t *testing.T) {
		for id, want := range map[string]string{"download-pdf": testLinks.PDF, "download-csv": testLinks.CSV, "download-fhir": testLinks.FHIR} {
			if a := byID(doc, id); a == nil || a.DataAtom != atom.A || attr(a, "href") != want {
				t.Errorf("a#%s missing or not %s", id, want)
			}
		}
		bare, err := html.Parse(bytes.NewReader(renderHTML(t, j, export.ReportLinks{PDF: testLinks.PDF})))
		if err != nil {
			t.Fatal(err)
		}
		if byID(bare, "download-pdf") == nil || byID(bare, "download-csv") != nil || byID(bare, "download-fhir") != nil {
			t.Errorf("an empty link must leave its anchor out")
		}
	})
	t.Run("JavascriptLinkNeutralized", func(t *testing.T) {
		evil, err := html.Parse(bytes.NewReader(renderHTML(t, j, export.ReportLinks{PDF: "javascript:alert(1)"})))
		if err != nil {
			t.Fatal(err)
		}
		if a := byID(evil, "download-pdf"); a == nil || strings.HasPrefix(attr(a, "href"), "javascript:") {
			t.Errorf("javascript: URL passed through")
		}
	})
}

// TestHTMLEmpty renders a journal with nothing in it: every section says so.
func TestHTMLEmpty(t *testing.T) {
	t.Parallel()
	for name, j := range map[string]*export.Journal{"Nil": nil, "Empty": {}} {
		t.Run(name, func(t *testing.T) {
			doc, err := html.Parse(bytes.NewReader(renderHTML(t, j, export.ReportLinks{})))
			if err != nil {
				t.Fatal(err)
			}
			if byID(doc, "flags") == nil || len(find(doc, func(n *html.Node) bool { return hasClass(n, "flag") })) != 0 {
				t.Errorf("want an empty #flags")
			}
			checkSelfContained(t, doc, export.ReportLinks{})
		})
	}
}

func FuzzHTML(f *testing.F) {
	f.Add(scriptNote, "</textarea><img src=x onerror=alert(1)>", 0.9)
	f.Add("", "]]><!--", math.Inf(1))
	f.Add("\x00\xff\xfe", "<svg onload=alert(1)>", math.NaN())
	f.Add(strings.Repeat("😷", 500), "</style><script>x</script>", 1e308)
	f.Fuzz(func(t *testing.T, note, comment string, value float64) {
		j := fuzzJournal(t, note, comment, value)
		var buf bytes.Buffer
		if err := export.HTML(j, &buf, testLinks); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if s := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Script || n.Data == "script" }); len(s) != 0 {
			t.Fatalf("a <script> element in the page")
		}
		checkSelfContained(t, doc, testLinks)
	})
}

// fuzzJournal is a small week with the fuzzer's note, comment and lab value in every
// place text and numbers reach the report: a note, a comment, a flag title and summary,
// a lab value and a temperature.
func fuzzJournal(t testing.TB, note, comment string, value float64) *export.Journal {
	loc := time.FixedZone("UTC+1", 3600)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	b := newJournalBuilder(t, from, 7)
	at := func(d int) time.Time { return from.AddDate(0, 0, d).Add(9 * time.Hour) }
	dose := b.dose(at(0), medjournalv1.DoseStatus_DOSE_STATUS_MISSED, comment)
	b.add(at(1), "", &medjournalv1.Symptom{Code: "fever", Severity: medjournalv1.Severity_SEVERITY_SEVERE, BodySite: comment})
	b.add(at(1), "", &medjournalv1.Vital{Code: "body_temperature", Value: 38.5, Unit: "Cel"})
	b.add(at(2), "", &medjournalv1.Lab{Code: "751-8", Value: 2, Unit: "10*3/uL"})
	lab := b.add(at(3), note, &medjournalv1.Lab{Code: "751-8", Value: 1, Unit: "10*3/uL", LabName: comment})
	lab.GetLab().CanonicalValue = value // as if stored so: the renderers must cope
	temp := b.add(at(4), "", &medjournalv1.Vital{Code: "body_temperature", Value: 37, Unit: "Cel"})
	temp.GetVital().CanonicalValue = value
	if note != "" {
		b.add(at(5), "", note)
	}
	f := b.flag("Neutrophils below 1.0", medjournalv1.Urgency_URGENCY_URGENT, medjournalv1.FlagStatus_FLAG_STATUS_OPEN, at(3), lab, dose)
	f.Title, f.ClinicianSummary = comment, note
	return b.j
}

// checkFlagOrder checks that every flag has its element, open and acknowledged ones
// first, most urgent first.
func checkFlagOrder(t *testing.T, doc *html.Node, j *export.Journal) {
	t.Helper()
	flags := find(byID(doc, "flags"), func(n *html.Node) bool { return hasClass(n, "flag") })
	if len(flags) != len(j.Flags) {
		t.Fatalf("%d .flag elements, want %d", len(flags), len(j.Flags))
	}
	rank := map[string]int{"emergency": 3, "urgent": 2, "routine": 1}
	closedSeen, lastRank := false, 4
	for _, f := range flags {
		open := attr(f, "data-status") == "open" || attr(f, "data-status") == "acknowledged"
		r, ok := rank[attr(f, "data-urgency")]
		if !ok {
			t.Errorf("flag with data-urgency %q", attr(f, "data-urgency"))
		}
		switch {
		case open && closedSeen:
			t.Errorf("open flag %q after a closed one", text(f))
		case open && r > lastRank:
			t.Errorf("flag %q more urgent than the one before it", text(f))
		case open:
			lastRank = r
		default:
			closedSeen = true
		}
	}
}

// checkSelfContained checks that the page loads nothing and runs nothing: no scripts,
// no event handlers, no style attributes (the CSP allows only the hashed <style>), and
// no URL but the download links.
func checkSelfContained(t testing.TB, doc *html.Node, links export.ReportLinks) {
	t.Helper()
	allowed := map[string]bool{}
	for _, l := range []string{links.PDF, links.CSV, links.FHIR} {
		if l != "" {
			allowed[l] = true
		}
	}
	for _, n := range find(doc, func(*html.Node) bool { return true }) {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "script", "iframe", "object", "embed", "img", "link", "base", "form", "image", "use", "foreignObject", "foreignobject":
			t.Errorf("element <%s> in the page", n.Data)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"):
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			case key == "style":
				t.Errorf("<%s style=%q>: blocked by the CSP", n.Data, a.Val)
			case key == "src" || key == "srcset" || key == "action" || key == "formaction" || key == "xlink:href" || a.Namespace == "xlink":
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			case key == "href" && !allowed[a.Val]:
				t.Errorf("<%s href=%q> is not a download link", n.Data, a.Val)
			}
		}
	}
}

// analytes lists the lab analytes of a journal in order of first appearance in the
// catalog, the way a doctor would count them: alternate LOINC codes of one test are one.
func analytes(j *export.Journal) []string {
	seen := map[string]bool{}
	var keys []string
	for _, lt := range j.Catalog.LabTests().GetLabTests() {
		for _, e := range j.Entries {
			if e.GetLab().GetCode() == lt.GetCode() {
				k := strings.ToLower(lt.GetShortName())
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
				break
			}
		}
	}
	return keys
}

func find(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if root == nil {
		return nil
	}
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

func byID(root *html.Node, id string) *html.Node {
	if n := find(root, func(n *html.Node) bool { return attr(n, "id") == id }); len(n) > 0 {
		return n[0]
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
