package export_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// The report tests use their own journal so that they can pin what the report must say;
// the shared month fixture (testJournal) is rendered by the HTML and PDF tests as well.

const (
	reportMedID   = "7f1c1a52-8d1e-4c55-9a43-3b1a0c7e2f01"
	reportNSAIDID = "7f1c1a52-8d1e-4c55-9a43-3b1a0c7e2f02"
	scriptNote    = `Felt odd <script>alert("x")</script> & "quotes" – 38,9 °C, Müdigkeit, café 😷`
)

// journalBuilder makes entries the way the server stores them: canonical values filled.
type journalBuilder struct {
	t   testing.TB
	cat *catalog.Catalog
	loc *time.Location
	j   *export.Journal
	n   int
}

// loadCatalog loads the catalog once for all tests and fuzz runs; it is read-only.
var loadCatalog = sync.OnceValues(catalog.Load)

func newJournalBuilder(t testing.TB, from time.Time, days int) *journalBuilder {
	t.Helper()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	loc := from.Location()
	b := &journalBuilder{t: t, cat: cat, loc: loc}
	b.j = &export.Journal{
		Patient: &medjournalv1.Account{
			Id: "0b3e9d7c-5d62-4c1f-8f7e-1f2a3b4c5d6e", DisplayName: "Jörg Müller-Lüdenscheidt",
			Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: loc.String(),
			Profile: &medjournalv1.Profile{
				BirthYear: 1961, Sex: medjournalv1.Sex_SEX_MALE,
				SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER,
				RiskFactors:   []string{"history_of_vte", "hypertension"},
			},
		},
		Medications: []*medjournalv1.Medication{
			{Id: reportMedID, DrugCode: "upadacitinib", DisplayName: "Rinvoq 15 mg", DoseAmount: 15, DoseUnit: "mg",
				Route: "oral", Schedule: "once daily", StartDate: "2026-01-15"},
			{Id: reportNSAIDID, DrugCode: "ibuprofen", DisplayName: "Ibuprofen 400 mg", DoseAmount: 400, DoseUnit: "mg",
				Route: "oral", Schedule: "as needed"},
		},
		From:        from,
		To:          from.AddDate(0, 0, days),
		GeneratedAt: from.AddDate(0, 0, days).Add(9 * time.Hour),
		Location:    loc,
		Catalog:     cat,
	}
	return b
}

func (b *journalBuilder) add(at time.Time, comment string, kind any) *medjournalv1.Entry {
	b.n++
	e := &medjournalv1.Entry{
		Id:           fmt.Sprintf("00000000-0000-4000-8000-%012d", b.n),
		PatientId:    b.j.Patient.GetId(),
		OccurredTime: timestamppb.New(at),
		Comment:      comment,
	}
	switch k := kind.(type) {
	case *medjournalv1.Dose:
		e.Kind = &medjournalv1.Entry_Dose{Dose: k}
	case *medjournalv1.Symptom:
		e.Kind = &medjournalv1.Entry_Symptom{Symptom: k}
	case *medjournalv1.Vital:
		v, u, err := b.cat.ConvertVital(k.Code, k.Value, k.Unit)
		if err != nil {
			b.t.Fatal(err)
		}
		k.CanonicalValue, k.CanonicalUnit = v, u
		e.Kind = &medjournalv1.Entry_Vital{Vital: k}
	case *medjournalv1.Lab:
		v, u, err := b.cat.ConvertLab(k.Code, k.Value, k.Unit)
		if err != nil {
			b.t.Fatal(err)
		}
		k.CanonicalValue, k.CanonicalUnit = v, u
		if k.ReferenceLow != nil {
			lo, _, _ := b.cat.ConvertLab(k.Code, *k.ReferenceLow, k.Unit)
			k.CanonicalReferenceLow = &lo
		}
		if k.ReferenceHigh != nil {
			hi, _, _ := b.cat.ConvertLab(k.Code, *k.ReferenceHigh, k.Unit)
			k.CanonicalReferenceHigh = &hi
		}
		e.Kind = &medjournalv1.Entry_Lab{Lab: k}
	case string:
		e.Kind = &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: k}}
	default:
		b.t.Fatalf("unknown entry kind %T", kind)
	}
	b.j.Entries = append(b.j.Entries, e)
	return e
}

func (b *journalBuilder) dose(at time.Time, status medjournalv1.DoseStatus, comment string) *medjournalv1.Entry {
	amount := 15.0
	if status != medjournalv1.DoseStatus_DOSE_STATUS_TAKEN {
		amount = 0
	}
	return b.add(at, comment, &medjournalv1.Dose{MedicationId: reportMedID, Amount: amount, Unit: "mg", Status: status})
}

func (b *journalBuilder) flag(title string, u medjournalv1.Urgency, s medjournalv1.FlagStatus, raised time.Time, evidence ...*medjournalv1.Entry) *medjournalv1.Flag {
	f := &medjournalv1.Flag{
		Id: fmt.Sprintf("f-%d", len(b.j.Flags)+1), PatientId: b.j.Patient.GetId(), RuleId: "test." + strings.ToLower(strings.Fields(title)[0]),
		Category: medjournalv1.Category_CATEGORY_INFECTION, Urgency: u, Status: s, Title: title,
		ClinicianSummary: "Measured temperature ≥ 38.0 °C on an immunosuppressant. Assess for serious infection.",
		Source:           &medjournalv1.Source{Document: "Rinvoq US prescribing information", Section: "5.1", Reference: "S8"},
		CreateTime:       timestamppb.New(raised), UpdateTime: timestamppb.New(raised),
		Events: []*medjournalv1.FlagEvent{{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED, Urgency: u, CreateTime: timestamppb.New(raised)}},
	}
	for _, e := range evidence {
		f.EvidenceEntryIds = append(f.EvidenceEntryIds, e.GetId())
	}
	b.j.Flags = append(b.j.Flags, f)
	return f
}

func ptr(v float64) *float64 { return &v }

// reportJournal is March 2026 in Berlin (with the change to summer time on the 29th) on
// upadacitinib: daily doses with three missed and one skipped, a fever in the second
// week, neutrophils falling through 1.0, a few notes with markup, and three flags.
func reportJournal(t testing.TB) *export.Journal {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	b := newJournalBuilder(t, from, 31)
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, loc) }

	for d := 1; d <= 31; d++ {
		switch d {
		case 6, 19, 27:
			b.dose(day(d, 8, 0), medjournalv1.DoseStatus_DOSE_STATUS_MISSED, "")
		case 12:
			b.dose(day(d, 8, 0), medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED, "Paused on Dr. Weiß's advice while feverish")
		default:
			b.dose(day(d, 8, 0), medjournalv1.DoseStatus_DOSE_STATUS_TAKEN, "")
		}
	}
	var fever []*medjournalv1.Entry
	for i, temp := range []float64{37.2, 37.9, 38.6, 39.1, 38.4, 37.6, 37.1} {
		e := b.add(day(9+i, 20, 30), "", &medjournalv1.Vital{Code: "body_temperature", Value: temp, Unit: "Cel"})
		if temp >= 38 {
			fever = append(fever, e)
		}
	}
	b.add(day(20, 7, 45), "measured in °F, new thermometer", &medjournalv1.Vital{Code: "body_temperature", Value: 98.6, Unit: "[degF]"})
	b.add(day(11, 21, 0), "", &medjournalv1.Symptom{Code: "fever", Severity: medjournalv1.Severity_SEVERITY_SEVERE})
	b.add(day(11, 21, 5), "", &medjournalv1.Symptom{Code: "chills", Severity: medjournalv1.Severity_SEVERITY_MODERATE})
	b.add(day(12, 9, 0), "", &medjournalv1.Symptom{Code: "fever", Severity: medjournalv1.Severity_SEVERITY_VERY_SEVERE})
	for _, d := range []int{3, 4, 10, 11, 12, 13, 24} {
		b.add(day(d, 15, 0), "", &medjournalv1.Symptom{Code: "fatigue", Severity: medjournalv1.Severity_SEVERITY_MILD})
	}
	b.add(day(17, 10, 0), "", &medjournalv1.Symptom{Code: "headache", Severity: medjournalv1.Severity_SEVERITY_MODERATE, BodySite: "Stirn (forehead)"})

	var lowANC *medjournalv1.Entry
	for i, anc := range []float64{2.6, 2.1, 1.6, 1.2, 0.9} {
		e := b.add(day(2+7*i, 7, 30), "", &medjournalv1.Lab{Code: "751-8", Value: anc, Unit: "10*9/L",
			ReferenceLow: ptr(1.8), ReferenceHigh: ptr(7.7), LabName: "Labor Mitte"})
		lowANC = e
	}
	for i, wbc := range []float64{6100, 5400, 4800, 4100, 3600} {
		b.add(day(2+7*i, 7, 30), "", &medjournalv1.Lab{Code: "6690-2", Value: wbc, Unit: "/uL", LabName: "Labor Mitte"})
	}
	for i, hb := range []float64{138, 131, 127} {
		b.add(day(2+14*i, 7, 30), "", &medjournalv1.Lab{Code: "718-7", Value: hb, Unit: "g/L", LabName: "Labor Mitte"})
	}
	b.add(day(16, 7, 30), "", &medjournalv1.Lab{Code: "1742-6", Value: 61, Unit: "U/L", LabName: "Labor Mitte"})

	b.add(day(5, 22, 10), "", scriptNote)
	b.add(day(14, 19, 0), "", "Better today. Fieber weg, appetite back.\nSecond line: 3 < 4 && 5 > 2")
	b.add(day(23, 12, 0), "", "Blood test on Monday — asked about the neutrophils 🙂")

	b.flag("Fever on a JAK inhibitor", medjournalv1.Urgency_URGENCY_URGENT, medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED, day(11, 20, 31), fever...).
		Events = append(b.j.Flags[0].Events, &medjournalv1.FlagEvent{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED,
		ActorDisplayName: "Dr. Anna Weiß", Note: "Viral infection, settled; restart Rinvoq.", CreateTime: timestamppb.New(day(15, 10, 0))})
	b.flag("Neutrophils below 1.0", medjournalv1.Urgency_URGENCY_URGENT, medjournalv1.FlagStatus_FLAG_STATUS_OPEN, day(30, 7, 31), lowANC)
	b.flag("Possible serious infection", medjournalv1.Urgency_URGENCY_EMERGENCY, medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED, day(12, 9, 1), fever...)
	return b.j
}

func TestReport(t *testing.T) {
	t.Parallel()
	r := export.NewReport(reportJournal(t))

	t.Run("Period", func(t *testing.T) {
		if got, want := r.Start.Format(time.DateOnly)+" "+r.End.Format(time.DateOnly), "2026-03-01 2026-03-31"; got != want {
			t.Errorf("period = %s, want %s", got, want)
		}
		if r.Days() != 31 {
			t.Errorf("Days() = %d, want 31", r.Days())
		}
		if r.PatientName != "Jörg Müller-Lüdenscheidt" {
			t.Errorf("PatientName = %q", r.PatientName)
		}
	})
	t.Run("FlagsOpenFirst", func(t *testing.T) {
		var titles []string
		for _, f := range r.OpenFlags {
			titles = append(titles, f.Title)
		}
		if got, want := strings.Join(titles, "|"), "Possible serious infection|Neutrophils below 1.0"; got != want {
			t.Errorf("open flags = %s, want %s", got, want)
		}
		if len(r.ClosedFlags) != 1 || r.ClosedFlags[0].StatusLabel() != "Resolved" {
			t.Fatalf("closed flags = %+v", r.ClosedFlags)
		}
		if ev := r.ClosedFlags[0].Events; len(ev) != 1 || ev[0].Who != "Dr. Anna Weiß" {
			t.Errorf("closed flag events = %+v", ev)
		}
		if got := r.OpenFlags[1].Evidence; len(got) != 1 || !strings.Contains(got[0], "ANC 0.9") {
			t.Errorf("evidence = %q", got)
		}
	})
	t.Run("Labs", func(t *testing.T) {
		byKey := map[string]export.Series{}
		for _, s := range r.Labs {
			byKey[s.Key] = s
		}
		if len(r.Labs) != 4 {
			t.Errorf("lab series = %d, want 4 (anc, wbc, hb, alt)", len(r.Labs))
		}
		anc := byKey["anc"]
		if anc.Unit != "10*3/uL" || len(anc.Points) != 5 {
			t.Fatalf("anc = %+v", anc)
		}
		if b := anc.Band; !b.HasLow || b.Low != 1.8 || b.High != 7.7 || !strings.Contains(b.Source, "Labor Mitte") {
			t.Errorf("anc band = %+v, want the lab's 1.8–7.7", b)
		}
		if got := marks(anc); got != "-,-,L,L,L" {
			t.Errorf("anc marks = %s", got)
		}
		wbc := byKey["wbc"]
		if wbc.Points[0].Value != 6.1 || wbc.Points[0].Printed == "" {
			t.Errorf("wbc first point = %+v, want 6.1 converted from /uL", wbc.Points[0])
		}
		if b := wbc.Band; b.Low != 4 || b.High != 11 || b.Source != "typical adult range" {
			t.Errorf("wbc band = %+v, want the catalog's 4–11", b)
		}
		if got := marks(wbc); got != "-,-,-,-,L" {
			t.Errorf("wbc marks = %s", got)
		}
	})
	t.Run("Vitals", func(t *testing.T) {
		if len(r.Vitals) != 1 || r.Vitals[0].Key != "body_temperature" {
			t.Fatalf("vitals = %+v", r.Vitals)
		}
		temp := r.Vitals[0]
		if temp.Threshold == nil || temp.Abnormal() != 3 {
			t.Errorf("temperature: threshold %v, %d over it; want 3", temp.Threshold, temp.Abnormal())
		}
		if last := temp.Points[len(temp.Points)-1]; math.Abs(last.Value-37) > 1e-9 || last.Printed != "98.6 °F" {
			t.Errorf("°F reading = %+v", last)
		}
	})
	t.Run("Adherence", func(t *testing.T) {
		// Ibuprofen is in the regimen (no dates) without doses: it gets a row of zeros.
		if len(r.Adherence) != 2 || r.Adherence[1].Taken+r.Adherence[1].Missed != 0 {
			t.Fatalf("adherence = %+v, want Rinvoq and an empty ibuprofen row", r.Adherence)
		}
		a := r.Adherence[0]
		if a.Taken != 27 || a.Missed != 3 || a.Skipped != 1 || a.PercentLabel() != "90%" {
			t.Errorf("Rinvoq: taken %d, missed %d, skipped %d, %s; want 27, 3, 1, 90%%", a.Taken, a.Missed, a.Skipped, a.PercentLabel())
		}
		var days []string
		for _, d := range a.MissedDays {
			days = append(days, d.Format(time.DateOnly))
		}
		if got := strings.Join(days, " "); got != "2026-03-06 2026-03-19 2026-03-27" {
			t.Errorf("missed days = %s", got)
		}
		if a.Name != "Rinvoq 15 mg (Upadacitinib)" {
			t.Errorf("name = %q", a.Name)
		}
	})
	t.Run("Symptoms", func(t *testing.T) {
		g := r.Symptoms
		if len(g.Columns) != 31 || g.ColumnDays() != 1 {
			t.Fatalf("columns = %d × %d days", len(g.Columns), g.ColumnDays())
		}
		if g.Rows[0].Code != "fever" || g.Rows[0].Worst != medjournalv1.Severity_SEVERITY_VERY_SEVERE || g.Rows[0].Days != 2 {
			t.Errorf("first row = %+v, want fever, very severe, 2 days", g.Rows[0])
		}
		fatigue := g.Rows[len(g.Rows)-1]
		if fatigue.Code != "fatigue" || fatigue.Days != 7 || fatigue.Cells[2] != medjournalv1.Severity_SEVERITY_MILD || fatigue.Cells[0] != 0 {
			t.Errorf("fatigue row = %+v", fatigue)
		}
	})
	t.Run("NotesKeepText", func(t *testing.T) {
		var found bool
		for _, n := range r.Notes {
			found = found || n.Text == scriptNote
		}
		if !found {
			t.Errorf("the note with markup is not kept as written: %+v", r.Notes)
		}
		if len(r.Notes) != 5 { // three notes, two comments
			t.Errorf("notes = %d, want 5", len(r.Notes))
		}
	})
}

func marks(s export.Series) string {
	m := make([]string, len(s.Points))
	for i, p := range s.Points {
		m[i] = p.Mark
		if m[i] == "" {
			m[i] = "-"
		}
	}
	return strings.Join(m, ",")
}
