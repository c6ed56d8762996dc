package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// exportFile streams an export and joins its chunks.
func (p *patient) exportFile(t *testing.T, req *medjournalv1.ExportJournalRequest) ([]byte, string, string, error) {
	t.Helper()
	var (
		data              bytes.Buffer
		contentType, name string
		chunks            int
	)
	err := p.Stream(context.Background(), mj.ExportServiceExportJournalProcedure, p.token, req,
		func() proto.Message { return &medjournalv1.ExportJournalResponse{} },
		func(m proto.Message) bool {
			r := m.(*medjournalv1.ExportJournalResponse)
			if chunks == 0 {
				contentType, name = r.ContentType, r.Filename
			}
			chunks++
			data.Write(r.Data)
			return true
		})
	return data.Bytes(), contentType, name, err
}

func TestExportJournalEveryFormat(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		p := newPatient(t, c, "Exporter")
		month(t, p)
		entries := len(p.listAll(t, &medjournalv1.ListEntriesRequest{}))
		clin := newClinician(t, c, "DrExport")
		grant(t, p, clin)
		stranger := newPatient(t, c, "NotAllowed")

		cases := []struct {
			format      medjournalv1.ExportFormat
			contentType string
			check       func(t *testing.T, data []byte)
		}{
			{medjournalv1.ExportFormat_EXPORT_FORMAT_CSV, "text/csv", func(t *testing.T, data []byte) {
				rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
				if err != nil || len(rows) != entries+1 {
					t.Fatalf("CSV has %d rows (%v), want a header and %d entries", len(rows), err, entries)
				}
				if !bytes.Contains(data, []byte(`alert(""x"")`)) {
					t.Errorf("CSV lost the note's quotes")
				}
			}},
			{medjournalv1.ExportFormat_EXPORT_FORMAT_FHIR_JSON, "application/fhir+json", func(t *testing.T, data []byte) {
				var b struct {
					ResourceType string `json:"resourceType"`
					Entry        []any  `json:"entry"`
				}
				if err := json.Unmarshal(data, &b); err != nil || b.ResourceType != "Bundle" || len(b.Entry) < entries {
					t.Fatalf("FHIR: %s with %d resources (%v), want a Bundle with at least %d", b.ResourceType, len(b.Entry), err, entries)
				}
			}},
			{medjournalv1.ExportFormat_EXPORT_FORMAT_PDF, "application/pdf", func(t *testing.T, data []byte) {
				if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[len(data)-32:], []byte("%%EOF")) {
					t.Fatalf("not a whole PDF (%d bytes)", len(data))
				}
			}},
			{medjournalv1.ExportFormat_EXPORT_FORMAT_HTML, "text/html", func(t *testing.T, data []byte) {
				if !bytes.Contains(data, []byte("&lt;script&gt;")) || bytes.Contains(data, []byte("<script>alert")) {
					t.Fatalf("HTML does not escape the note")
				}
			}},
		}
		for _, tc := range cases {
			t.Run(tc.format.String(), func(t *testing.T) {
				req := &medjournalv1.ExportJournalRequest{Format: tc.format}
				data, ct, name, err := p.exportFile(t, req)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(ct, tc.contentType) || !strings.HasPrefix(name, "medjournal-") {
					t.Errorf("content type %q, file name %q", ct, name)
				}
				tc.check(t, data)
				// The clinician with a grant exports the same; a stranger cannot.
				req.PatientId = p.account.Id
				if _, _, _, err := clin.exportFile(t, req); err != nil {
					t.Errorf("clinician export: %v", err)
				}
				_, _, _, err = stranger.exportFile(t, req)
				apitest.WantCode(t, err, connect.CodePermissionDenied)
			})
		}
	})
}
