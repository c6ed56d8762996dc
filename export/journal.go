// Package export turns a patient's journal into what a doctor reads or imports: a FHIR R4
// Bundle, a CSV file, and the doctor's report as a PDF and as an HTML page. Every format
// is a pure function of a Journal, so the server decides what goes in (the date range,
// who may see it) and this package only renders it.
package export

import (
	"time"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Journal is one patient's journal over a period, as exported.
type Journal struct {
	Patient     *medjournalv1.Account
	Medications []*medjournalv1.Medication
	Entries     []*medjournalv1.Entry // live entries in [From, To), oldest first
	Flags       []*medjournalv1.Flag  // flags with evidence in the period or raised in it
	From, To    time.Time             // the period; From is zero for "since the first entry"
	GeneratedAt time.Time
	// Location is the patient's time zone, for local dates and times in the report.
	Location *time.Location
	// Catalog names codes (symptoms, lab tests, drugs) and gives typical reference ranges.
	Catalog *catalog.Catalog
}
