package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/internal/browser"
)

// markupNote is a note a browser must show as text, never run.
const markupNote = `<script>alert("x")</script> & "quotes", commas
and a second line`

// month fills the patient's journal with a realistic month: daily doses (some missed),
// temperatures with a fever, neutrophils falling through the label threshold, symptoms
// and a note with markup.
func month(t *testing.T, p *patient) {
	t.Helper()
	med := p.addMedication(t, "upadacitinib")
	start := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	anc := []float64{3.1, 2.4, 1.6, 0.9}
	for d := range 30 {
		day := start.AddDate(0, 0, d)
		status := medjournalv1.DoseStatus_DOSE_STATUS_TAKEN
		if d%11 == 5 {
			status = medjournalv1.DoseStatus_DOSE_STATUS_MISSED
		}
		p.createEntry(t, dose(timestamppb.New(day), med.Id, status))
		temp := 36.7
		if d == 12 {
			temp = 38.6
		}
		p.createEntry(t, vital(timestamppb.New(day.Add(time.Hour)), "body_temperature", temp, "Cel"))
		if d%7 == 0 && d/7 < len(anc) {
			l := lab(timestamppb.New(day.Add(2*time.Hour)), "751-8", anc[d/7], "10*3/uL")
			l.GetLab().ReferenceLow, l.GetLab().ReferenceHigh = proto.Float64(1.8), proto.Float64(7.7)
			p.createEntry(t, l)
		}
		if d%5 == 0 {
			p.createEntry(t, symptom(timestamppb.New(day.Add(3*time.Hour)), "fatigue", medjournalv1.Severity(1+d%3)))
		}
	}
	p.createEntry(t, note(timestamppb.New(start.AddDate(0, 0, 14)), markupNote))
}

func (p *patient) shareLink(t *testing.T, req *medjournalv1.CreateShareLinkRequest) *medjournalv1.ShareLink {
	t.Helper()
	var resp medjournalv1.CreateShareLinkResponse
	p.mustCall(t, mj.ExportServiceCreateShareLinkProcedure, req, &resp)
	return resp.ShareLink
}

// TestSharePageInBrowser opens a share link in headless Chromium, as a doctor would: the
// page shows the flags, a chart per lab and the note as text, runs no script, and its
// download links give the PDF, CSV and FHIR of the same journal. Views are audited, and
// revoked, expired and unknown links all get the same 404 page.
func TestSharePageInBrowser(t *testing.T) {
	env := apitest.Start(t)
	c := env.Client(t, apitest.ConnectJSON)
	p := newPatient(t, c, "Shared")
	month(t, p)
	link := p.shareLink(t, &medjournalv1.CreateShareLinkRequest{})
	if !strings.HasPrefix(link.Url, env.URL+"/share/") || link.ExpireTime.AsTime().Sub(env.Clock.Now()) != 7*24*time.Hour {
		t.Fatalf("share link = %v", link)
	}

	// The headers a browser gets.
	resp, err := http.Get(link.Url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Content-Security-Policy": "default-src 'none'"} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}

	ctx := browser.Start(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(link.Url), chromedp.WaitVisible(chromedp.CSS("#flags"))); err != nil {
		t.Fatalf("open share page: %v", err)
	}
	eval := func(js string) float64 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	if n := eval(`document.querySelectorAll("#flags .flag").length`); n < 1 {
		t.Errorf("%v flags on the page, want the fever and neutropenia flags", n)
	}
	if n := eval(`document.querySelectorAll("#labs svg.chart").length`); n < 1 {
		t.Errorf("%v lab charts, want one for neutrophils", n)
	}
	if n := eval(`document.querySelectorAll("script").length`); n != 0 {
		t.Errorf("%v script elements on the page", n)
	}
	if n := eval(`[...document.querySelectorAll("#notes .note")].filter(e => e.textContent.includes('<script>alert("x")</script>')).length`); n != 1 {
		t.Errorf("the markup note is not shown as text (%v matches)", n)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatal(err)
	}
	// MEDJOURNAL_SCREENSHOTS=DIR keeps the picture, for a person to look at.
	dir := os.Getenv("MEDJOURNAL_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, "share-page.png"), shot, 0o600); err != nil {
		t.Fatal(err)
	}

	// The downloads work from the page.
	pdf := browser.Download(ctx, t, "a#download-pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("PDF download starts %q", pdf[:min(10, len(pdf))])
	}
	rows, err := csv.NewReader(bytes.NewReader(browser.Download(ctx, t, "a#download-csv"))).ReadAll()
	if err != nil || len(rows) < 60 {
		t.Errorf("CSV download: %d rows, %v", len(rows), err)
	}
	var bundle struct {
		ResourceType string `json:"resourceType"`
		Entry        []any  `json:"entry"`
	}
	if err := json.Unmarshal(browser.Download(ctx, t, "a#download-fhir"), &bundle); err != nil || bundle.ResourceType != "Bundle" || len(bundle.Entry) < 60 {
		t.Errorf("FHIR download: %s with %d entries, %v", bundle.ResourceType, len(bundle.Entry), err)
	}

	// Every view was audited, as the link, not an account.
	var trail medjournalv1.ListAuditEventsResponse
	p.mustCall(t, mj.AuditServiceListAuditEventsProcedure, &medjournalv1.ListAuditEventsRequest{}, &trail)
	views := 0
	for _, ev := range trail.Events {
		if ev.ShareLinkId == link.Id && ev.ActorId == "" {
			views++
		}
	}
	if views < 5 { // the header check, the page, three downloads
		t.Errorf("%d audited views of the link, want at least 5", views)
	}

	notFound := func(url string) string {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", url, resp.StatusCode)
		}
		return string(body)
	}
	unknown := notFound(env.URL + "/share/not-a-real-token")
	var revoked medjournalv1.RevokeShareLinkResponse
	p.mustCall(t, mj.ExportServiceRevokeShareLinkProcedure, &medjournalv1.RevokeShareLinkRequest{Id: link.Id}, &revoked)
	if got := notFound(link.Url); got != unknown {
		t.Errorf("a revoked link's page differs from an unknown one's")
	}
	if got := notFound(link.Url + "/report.pdf"); got != unknown {
		t.Errorf("a revoked link's download is not closed")
	}
	short := p.shareLink(t, &medjournalv1.CreateShareLinkRequest{Ttl: durationpb.New(time.Hour)})
	env.Clock.Advance(time.Hour + time.Second)
	if got := notFound(short.Url); got != unknown {
		t.Errorf("an expired link's page differs from an unknown one's")
	}
	// In the browser too, the closed link shows the 404 page.
	if err := chromedp.Do(ctx, chromedp.Navigate(link.Url)); err != nil {
		t.Fatal(err)
	}
	if text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1"))); err != nil || !strings.Contains(text, "not available") {
		t.Errorf("revoked link in the browser shows %q, %v", text, err)
	}

	var links medjournalv1.ListShareLinksResponse
	p.mustCall(t, mj.ExportServiceListShareLinksProcedure, &medjournalv1.ListShareLinksRequest{}, &links)
	if len(links.ShareLinks) != 2 {
		t.Fatalf("share links = %v, want 2", links.ShareLinks)
	}
	for _, l := range links.ShareLinks {
		if l.Url != "" {
			t.Errorf("ListShareLinks shows the secret URL of %s", l.Id)
		}
		if l.Id == link.Id && (l.RevokeTime == nil || l.ViewCount < 5) {
			t.Errorf("revoked link listed as %v", l)
		}
	}
}
