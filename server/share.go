package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/medjournal/medjournal/auth"
	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// shareDownloads are the files a share page links to, by the path after the token.
var shareDownloads = map[string]medjournalv1.ExportFormat{
	"report.pdf":  medjournalv1.ExportFormat_EXPORT_FORMAT_PDF,
	"journal.csv": medjournalv1.ExportFormat_EXPORT_FORMAT_CSV,
	"fhir.json":   medjournalv1.ExportFormat_EXPORT_FORMAT_FHIR_JSON,
}

// servePage serves GET /share/{token} (the report page) and GET /share/{token}/{file}
// (its downloads) to anyone with the link, without an account. An unknown, expired or
// revoked token gets the same 404 page, so a link's state is never revealed. Every view
// is counted and recorded in the patient's audit trail.
func (s *Server) serveShare(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Robots-Tag", "noindex, nofollow")
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src "+export.ReportStyleHash()+"; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	token, file, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, sharePathPrefix), "/")
	format, isDownload := shareDownloads[file]
	if token == "" || (file != "" && !isDownload) {
		s.shareNotFound(w)
		return
	}
	method := "GET /share"
	if isDownload {
		method = "GET /share/" + file
	}
	link, err := s.store.OpenShareLink(r.Context(), auth.HashToken(token), method)
	if errors.Is(err, storage.ErrNotFound) {
		s.shareNotFound(w)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "open share link", slog.Any("err", err))
		http.Error(w, "the report is unavailable right now; try again later", http.StatusServiceUnavailable)
		return
	}
	j, err := s.loadJournal(r.Context(), link.PatientID, optionalTime(link.From), optionalTime(link.To))
	if err != nil {
		s.log.ErrorContext(r.Context(), "load shared journal", slog.Any("err", err))
		http.Error(w, "the report is unavailable right now; try again later", http.StatusServiceUnavailable)
		return
	}
	if !isDownload {
		format = medjournalv1.ExportFormat_EXPORT_FORMAT_HTML
	}
	f := exportFormats[format]
	base := sharePathPrefix + token + "/"
	var buf bytes.Buffer
	if err := f.render(j, &buf, export.ReportLinks{PDF: base + "report.pdf", CSV: base + "journal.csv", FHIR: base + "fhir.json"}); err != nil {
		s.log.ErrorContext(r.Context(), "render shared report", slog.Any("err", err))
		http.Error(w, "the report could not be made", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Type", f.contentType)
	if isDownload {
		hdr.Set("Content-Disposition", `attachment; filename="medjournal-`+j.GeneratedAt.In(j.Location).Format("2006-01-02")+`.`+f.ext+`"`)
	}
	_, _ = w.Write(buf.Bytes())
}

const shareNotFoundPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="robots" content="noindex"><title>Link not available</title></head>
<body><h1>This link is not available</h1>
<p>The link may have expired or been withdrawn by the patient. Ask them for a new one.</p></body></html>`

func (s *Server) shareNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(shareNotFoundPage))
}
