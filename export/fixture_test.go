package export_test

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the fixture's Europe/Berlin must not depend on the machine's zoneinfo

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/export"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

// testJournal returns the shared fixture of the export tests: one realistic month of a
// patient on upadacitinib, with every entry normalized by journal.NormalizeEntry as the
// server stores it (canonical values set). Each call builds a fresh journal, so a test may
// change its copy. Entry, medication and flag ids are fixtureID(name) for the names below.
//
// Patient "Ana María O'Neil", female, born 1968, former smoker, hypertension; time zone
// Europe/Berlin (daylight saving time starts on day 30). The period is March 1–30, 2025:
// From 2025-03-01 00:00 and To 2025-03-31 00:00 local time; GeneratedAt is 2025-03-31
// 10:15 local.
//
// Medications: "medication/upadacitinib" (Rinvoq 15 mg once daily, since 2025-01-10);
// "medication/prednisone" (a taper that ended on 2025-03-09); "medication/b12" (vitamin
// B12 drops, no drug code, a dose unit that is not UCUM).
//
// Entries, by day d of March (names in quotes):
//   - "dose/dd": upadacitinib 15 mg every morning around 08:00, 30 in all; 27 taken,
//     "dose/05" and "dose/17" missed, "dose/13" skipped (held during the fever);
//     "dose/08" has a comment. "dose/b12": one B12 dose on day 7 (10 drops).
//   - "temperature/dd": body temperature every evening at 20:30, 36.5–36.9 °C, except
//     37.4 on day 11, the fever of 38.6 on day 12 (comment "@home, ..."), 38.1 on day 13,
//     99.5 [degF] on day 14 and 37.0 on day 15.
//   - "anc/1".."anc/4": neutrophils (751-8) on days 3, 10, 17, 24: 3.1, 2.2, 1.4, 0.9
//     10*3/uL, reference range 1.5–8.0 (so N, N, L, L); "anc/4" has a comment with markup.
//   - "hb/1" 13.1 g/dL (12–16) on day 3, "hb/2" 118 g/L (120–160, low) on day 24;
//     "alt" 62 U/L (7–56, high) on day 10; "alc" lymphocytes 0.8 10*9/L on day 24, no range.
//   - Vitals on day 12: "heart_rate" 104 {beats}/min, "spo2" 96 %, "respiratory_rate" 20
//     /min, "systolic_bp" 118 and "diastolic_bp" 76 mm[Hg]; "weight/01" 68.5 kg on day 1 and
//     "weight/29" 149 [lb_av] on day 29.
//   - Symptoms: "nausea" mild (day 2), "fatigue" moderate (day 11), "fever" severe,
//     "chills" moderate and "cough" mild (day 12), "headache" very severe (day 13), "acne"
//     mild at "chin, forehead" (day 20), "joint_pain" moderate at "both knees" (day 25).
//   - Notes: "note/12" (fixtureScriptNote: markup, quotes, commas, LF and CRLF line breaks,
//     a tab), "note/20" ("-5 kg since New Year =)"), "note/28" (non-ASCII and an emoji).
//
// Flags: "flag/infection", open and urgent, "Fever on a JAK inhibitor", evidence the fever
// symptom and the temperatures of days 12 and 13; "flag/liver", routine, resolved on day
// 15 by "Dr. Lee", evidence the ALT of day 10 and "alt/february", an ALT entry from before
// the period that is not among the entries (flags may have evidence outside the period).
func testJournal(t testing.TB) *export.Journal {
	t.Helper()
	cat, err := fixtureCatalog()
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixtureBuilder{t: t, cat: cat, loc: berlin}
	j := &export.Journal{
		Patient: &medjournalv1.Account{
			Id:          fixtureID("patient"),
			Email:       "ana@example.com",
			DisplayName: "Ana María O'Neil",
			Role:        medjournalv1.Role_ROLE_PATIENT,
			TimeZone:    "Europe/Berlin",
			Profile: &medjournalv1.Profile{
				BirthYear:     1968,
				Sex:           medjournalv1.Sex_SEX_FEMALE,
				SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_FORMER,
				RiskFactors:   []string{"hypertension"},
			},
			CreateTime: timestamppb.New(time.Date(2025, 1, 9, 18, 0, 0, 0, berlin)),
		},
		From:        f.at(1, 0, 0),
		To:          f.at(31, 0, 0),
		GeneratedAt: f.at(31, 10, 15),
		Location:    berlin,
		Catalog:     cat,
	}
	f.j = j
	f.medications()
	f.entries()
	f.flags()
	return j
}

// fixtureScriptNote is the note of day 12: markup a web page must escape, quotes and
// commas a CSV file must quote, line breaks of both kinds and a tab.
const fixtureScriptNote = "Fever since the afternoon. <script>alert(\"x\")</script> & \"quotes\", commas, newlines\n" +
	"Second line, with a comma: 38,6 °C & <b>shivering</b>\r\n" +
	"\tThird line, after a CRLF and a tab.\n"

// fixtureCatalog loads the catalog once for all fixtures; it is read-only.
var fixtureCatalog = sync.OnceValues(catalog.Load)

// fixtureNamespace makes fixtureID's UUIDs; the fixture's ids are stable across runs.
var fixtureNamespace = uuid.MustParse("1e0f6b2a-53c4-4d8e-9a55-6f0d2c7b9e31")

// fixtureID is the id of the fixture's entry, medication, flag or patient called name.
func fixtureID(name string) string {
	return uuid.NewSHA1(fixtureNamespace, []byte(name)).String()
}

type fixtureBuilder struct {
	t   testing.TB
	cat *catalog.Catalog
	loc *time.Location
	j   *export.Journal
}

// at is a local time on day d of March 2025 (day 31 is the day after the period).
func (f *fixtureBuilder) at(d, hour, minute int) time.Time {
	return time.Date(2025, time.March, d, hour, minute, 0, 0, f.loc)
}

func (f *fixtureBuilder) medications() {
	meds := []*medjournalv1.Medication{
		{Id: fixtureID("medication/upadacitinib"), DrugCode: "upadacitinib", DisplayName: "Rinvoq 15 mg",
			DoseAmount: 15, DoseUnit: "mg", Route: "oral", Schedule: "once daily", StartDate: "2025-01-10"},
		{Id: fixtureID("medication/prednisone"), DrugCode: "prednisone", DisplayName: "Prednisone taper",
			DoseAmount: 5, DoseUnit: "mg", Route: "oral", Schedule: "once daily",
			StartDate: "2025-02-20", EndDate: "2025-03-09"},
		{Id: fixtureID("medication/b12"), DisplayName: "Vitamin B12 drops",
			DoseAmount: 10, DoseUnit: "drops", Route: "oral", Schedule: "weekly", StartDate: "2024-11-01"},
	}
	for _, m := range meds {
		if err := journal.NormalizeMedication(f.cat, m, "medication"); err != nil {
			f.t.Fatalf("fixture medication %s: %v", m.GetDisplayName(), err)
		}
		m.PatientId = f.j.Patient.GetId()
		m.CreateTime = timestamppb.New(time.Date(2025, 1, 9, 18, 5, 0, 0, f.loc))
		m.UpdateTime = m.CreateTime
	}
	f.j.Medications = meds
}

// add normalizes an entry the way the server does and appends it to the journal.
func (f *fixtureBuilder) add(name string, at time.Time, comment string, e *medjournalv1.Entry) *medjournalv1.Entry {
	f.t.Helper()
	e.Id = fixtureID(name)
	e.PatientId = f.j.Patient.GetId()
	e.OccurredTime = timestamppb.New(at)
	e.Comment = comment
	if err := journal.NormalizeEntry(f.cat, e, "entry", f.j.GeneratedAt); err != nil {
		f.t.Fatalf("fixture entry %s: %v", name, err)
	}
	e.CreateTime = timestamppb.New(at.Add(2 * time.Minute))
	e.UpdateTime = e.CreateTime
	f.j.Entries = append(f.j.Entries, e)
	return e
}

func fixtureRange(low, high float64) (*float64, *float64) { return &low, &high }

func (f *fixtureBuilder) entries() {
	upa := fixtureID("medication/upadacitinib")
	for d := 1; d <= 30; d++ {
		dose := &medjournalv1.Dose{MedicationId: upa, Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}
		comment := ""
		switch d {
		case 5, 17:
			dose.Amount, dose.Status = 0, medjournalv1.DoseStatus_DOSE_STATUS_MISSED
		case 13:
			dose.Amount, dose.Status = 0, medjournalv1.DoseStatus_DOSE_STATUS_SKIPPED
			comment = "Held on Dr. Lee's advice while I have a fever"
		case 8:
			comment = "Took it late, at 11:30 – after breakfast"
		}
		at := f.at(d, 8, (d%3)*7)
		if d == 8 {
			at = f.at(d, 11, 30)
		}
		f.add(fmt.Sprintf("dose/%02d", d), at, comment, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: dose}})
	}
	f.add("dose/b12", f.at(7, 9, 0), "", &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
		MedicationId: fixtureID("medication/b12"), Amount: 10, Unit: "drops", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}})

	for d := 1; d <= 30; d++ {
		value, unit, comment := 36.5+float64(d%5)/10, "Cel", ""
		switch d {
		case 11:
			value = 37.4
		case 12:
			value, comment = 38.6, "@home, measured twice under the tongue"
		case 13:
			value = 38.1
		case 14:
			value, unit = 99.5, "[degF]"
		case 15:
			value = 37.0
		}
		f.add(fmt.Sprintf("temperature/%02d", d), f.at(d, 20, 30), comment, fixtureVital("body_temperature", value, unit))
	}

	const lab = `Labor "Am Markt" & Partner`
	for i, anc := range []float64{3.1, 2.2, 1.4, 0.9} {
		low, high := fixtureRange(1.5, 8.0)
		comment := ""
		if i == 3 {
			comment = `<b>Lab phoned me</b> & said "repeat in 1 week", no fever now`
		}
		f.add(fmt.Sprintf("anc/%d", i+1), f.at(3+7*i, 7, 45), comment, fixtureLab("751-8", anc, "10*3/uL", low, high, lab))
	}
	low, high := fixtureRange(12, 16)
	f.add("hb/1", f.at(3, 7, 45), "", fixtureLab("718-7", 13.1, "g/dL", low, high, lab))
	low, high = fixtureRange(120, 160)
	f.add("hb/2", f.at(24, 7, 45), "", fixtureLab("718-7", 118, "g/L", low, high, lab))
	low, high = fixtureRange(7, 56)
	f.add("alt", f.at(10, 7, 45), "", fixtureLab("1742-6", 62, "U/L", low, high, lab))
	f.add("alc", f.at(24, 7, 45), "", fixtureLab("731-0", 0.8, "10*9/L", nil, nil, ""))

	f.add("heart_rate", f.at(12, 20, 35), "", fixtureVital("heart_rate", 104, "{beats}/min"))
	f.add("spo2", f.at(12, 20, 35), "", fixtureVital("oxygen_saturation", 96, "%"))
	f.add("respiratory_rate", f.at(12, 20, 36), "", fixtureVital("respiratory_rate", 20, "/min"))
	f.add("systolic_bp", f.at(12, 20, 40), "", fixtureVital("systolic_bp", 118, "mm[Hg]"))
	f.add("diastolic_bp", f.at(12, 20, 40), "", fixtureVital("diastolic_bp", 76, "mm[Hg]"))
	f.add("weight/01", f.at(1, 7, 30), "", fixtureVital("body_weight", 68.5, "kg"))
	f.add("weight/29", f.at(29, 7, 30), "new scale, in pounds", fixtureVital("body_weight", 149, "[lb_av]"))

	f.add("nausea", f.at(2, 9, 0), "after the tablet, on an empty stomach", fixtureSymptom("nausea", medjournalv1.Severity_SEVERITY_MILD, ""))
	f.add("fatigue", f.at(11, 18, 0), "", fixtureSymptom("fatigue", medjournalv1.Severity_SEVERITY_MODERATE, ""))
	f.add("fever", f.at(12, 19, 0), "", fixtureSymptom("fever", medjournalv1.Severity_SEVERITY_SEVERE, ""))
	f.add("chills", f.at(12, 19, 0), "", fixtureSymptom("chills", medjournalv1.Severity_SEVERITY_MODERATE, ""))
	f.add("cough", f.at(12, 19, 5), "dry", fixtureSymptom("cough", medjournalv1.Severity_SEVERITY_MILD, ""))
	f.add("headache", f.at(13, 10, 0), "", fixtureSymptom("headache", medjournalv1.Severity_SEVERITY_VERY_SEVERE, ""))
	f.add("acne", f.at(20, 8, 30), "", fixtureSymptom("acne", medjournalv1.Severity_SEVERITY_MILD, "chin, forehead"))
	f.add("joint_pain", f.at(25, 19, 0), "worse in the morning", fixtureSymptom("joint_pain", medjournalv1.Severity_SEVERITY_MODERATE, "both knees"))

	f.add("note/12", f.at(12, 21, 0), "", fixtureNote(fixtureScriptNote))
	f.add("note/20", f.at(20, 21, 0), "", fixtureNote("-5 kg since New Year =)"))
	f.add("note/28", f.at(28, 21, 0), "", fixtureNote("Feeling much better 🙂 – Müdigkeit weg; café with Zoë"))

	// The journal's entries are oldest first, as the server hands them over.
	fixtureSortEntries(f.j.Entries)
}

func (f *fixtureBuilder) flags() {
	ts := func(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }
	infection := &medjournalv1.Flag{
		Id:        fixtureID("flag/infection"),
		PatientId: f.j.Patient.GetId(),
		RuleId:    "infection.fever_measured",
		Category:  medjournalv1.Category_CATEGORY_INFECTION,
		Urgency:   medjournalv1.Urgency_URGENCY_URGENT,
		Status:    medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
		Title:     "Fever on a JAK inhibitor",
		PatientAdvice: "Call your clinician today. A fever on upadacitinib can be the first sign of " +
			"a serious infection.",
		ClinicianSummary: "Measured fever (38.6 °C) on upadacitinib 15 mg. Assess for serious " +
			"infection; interrupt the JAK inhibitor until it is controlled (Rinvoq USPI 5.1).",
		EvidenceEntryIds: []string{fixtureID("fever"), fixtureID("temperature/12"), fixtureID("temperature/13")},
		Source:           &medjournalv1.Source{Document: "Rinvoq US prescribing information", Section: "5.1 Serious infections", Reference: "S5"},
		CreateTime:       ts(f.at(12, 20, 33)),
		UpdateTime:       ts(f.at(13, 20, 33)),
		Events: []*medjournalv1.FlagEvent{
			{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED, Urgency: medjournalv1.Urgency_URGENCY_URGENT,
				EntryId: fixtureID("temperature/12"), CreateTime: ts(f.at(12, 20, 33))},
			{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_ADDED, Urgency: medjournalv1.Urgency_URGENCY_URGENT,
				EntryId: fixtureID("temperature/13"), CreateTime: ts(f.at(13, 20, 33))},
		},
	}
	liver := &medjournalv1.Flag{
		Id:               fixtureID("flag/liver"),
		PatientId:        f.j.Patient.GetId(),
		RuleId:           "liver.alt_above_uln",
		Category:         medjournalv1.Category_CATEGORY_LIVER,
		Urgency:          medjournalv1.Urgency_URGENCY_ROUTINE,
		Status:           medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED,
		Title:            "ALT above the upper limit of normal",
		PatientAdvice:    "Mention it at your next visit.",
		ClinicianSummary: "ALT 62 U/L (reference 7–56), up from 58 U/L in February. Check for drug-induced liver injury if it rises further.",
		EvidenceEntryIds: []string{fixtureID("alt/february"), fixtureID("alt")},
		Source:           &medjournalv1.Source{Document: "Rinvoq US prescribing information", Section: "2 Laboratory monitoring", Reference: "S2"},
		CreateTime:       ts(f.at(10, 7, 48)),
		UpdateTime:       ts(f.at(15, 16, 0)),
		Events: []*medjournalv1.FlagEvent{
			{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED, Urgency: medjournalv1.Urgency_URGENCY_ROUTINE,
				EntryId: fixtureID("alt"), CreateTime: ts(f.at(10, 7, 48))},
			{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED, ActorId: fixtureID("clinician"),
				ActorDisplayName: "Dr. Lee", Note: "Seen; repeat liver tests in two weeks.", Urgency: medjournalv1.Urgency_URGENCY_ROUTINE,
				CreateTime: ts(f.at(11, 9, 0))},
			{Type: medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED, ActorId: fixtureID("clinician"),
				ActorDisplayName: "Dr. Lee", Note: "Mild rise, < 3× ULN; no action, recheck at the next visit.", Urgency: medjournalv1.Urgency_URGENCY_ROUTINE,
				CreateTime: ts(f.at(15, 16, 0))},
		},
	}
	f.j.Flags = []*medjournalv1.Flag{infection, liver}
	for _, fl := range f.j.Flags {
		for _, id := range fl.GetEvidenceEntryIds() {
			for _, e := range f.j.Entries {
				if e.GetId() == id {
					e.FlagIds = append(e.FlagIds, fl.GetId())
				}
			}
		}
	}
}

func fixtureVital(code string, value float64, unit string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: code, Value: value, Unit: unit}}}
}

func fixtureLab(code string, value float64, unit string, low, high *float64, labName string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Kind: &medjournalv1.Entry_Lab{Lab: &medjournalv1.Lab{
		Code: code, Value: value, Unit: unit, ReferenceLow: low, ReferenceHigh: high, LabName: labName}}}
}

func fixtureSymptom(code string, severity medjournalv1.Severity, bodySite string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Kind: &medjournalv1.Entry_Symptom{Symptom: &medjournalv1.Symptom{Code: code, Severity: severity, BodySite: bodySite}}}
}

func fixtureNote(text string) *medjournalv1.Entry {
	return &medjournalv1.Entry{Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: text}}}
}

// fixtureSortEntries sorts entries oldest first, ties by id.
func fixtureSortEntries(entries []*medjournalv1.Entry) {
	slices.SortFunc(entries, func(a, b *medjournalv1.Entry) int {
		return cmp.Or(a.GetOccurredTime().AsTime().Compare(b.GetOccurredTime().AsTime()), cmp.Compare(a.GetId(), b.GetId()))
	})
}

// fixtureFuzzJournal builds a small journal around text and a number a fuzzer chose: a
// note with text and comment, and a lab, a vital, a dose and a symptom whose value (or
// body site) and comment come from the fuzzer, plus a flag whose summary is comment.
// Every entry is normalized like the server does; one the journal refuses is left out,
// as the server would never store it.
func fixtureFuzzJournal(t testing.TB, text, comment string, value float64) *export.Journal {
	t.Helper()
	cat, err := fixtureCatalog()
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("UTC-3", -3*60*60)
	at := time.Date(2025, time.June, 1, 9, 0, 0, 0, loc)
	med := &medjournalv1.Medication{Id: fixtureID("fuzz/medication"), DrugCode: "tofacitinib",
		DisplayName: "Xeljanz", DoseAmount: 5, DoseUnit: "mg", Schedule: "twice daily"}
	j := &export.Journal{
		Patient:     &medjournalv1.Account{Id: fixtureID("fuzz/patient"), DisplayName: "Fuzz Patient", TimeZone: "UTC-3"},
		Medications: []*medjournalv1.Medication{med},
		From:        at.AddDate(0, 0, -1),
		To:          at.AddDate(0, 0, 1),
		GeneratedAt: at.Add(time.Hour),
		Location:    loc,
		Catalog:     cat,
	}
	candidates := []*medjournalv1.Entry{
		fixtureNote(text),
		fixtureLab("751-8", value, "10*3/uL", &value, nil, comment),
		fixtureVital("body_temperature", value, "Cel"),
		{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: med.GetId(), Amount: value, Unit: "mg",
			Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}},
		fixtureSymptom("cough", medjournalv1.Severity_SEVERITY_MILD, comment),
	}
	for i, e := range candidates {
		e.Id = fixtureID(fmt.Sprintf("fuzz/entry/%d", i))
		e.OccurredTime = timestamppb.New(at.Add(time.Duration(i) * time.Minute))
		e.Comment = comment
		if journal.NormalizeEntry(cat, e, "entry", j.GeneratedAt) == nil {
			j.Entries = append(j.Entries, e)
		}
	}
	if len(j.Entries) > 0 {
		j.Flags = []*medjournalv1.Flag{{
			Id: fixtureID("fuzz/flag"), RuleId: "fuzz.rule", Category: medjournalv1.Category_CATEGORY_OTHER,
			Urgency: medjournalv1.Urgency_URGENCY_EMERGENCY, Status: medjournalv1.FlagStatus_FLAG_STATUS_OPEN,
			Title: "Fuzzed flag", ClinicianSummary: comment, EvidenceEntryIds: []string{j.Entries[0].GetId()},
			CreateTime: timestamppb.New(at),
		}}
		j.Entries[0].FlagIds = []string{fixtureID("fuzz/flag")}
	}
	return j
}

// fixtureYearJournal is a year of a busy journal for benchmarks, about five entries a
// day: the morning pulse and dose, a symptom, the evening temperature, a note every
// third day, and weekly neutrophils, hemoglobin and blood pressure; one flag per month
// with three entries of evidence.
func fixtureYearJournal(t testing.TB) *export.Journal {
	t.Helper()
	j := testJournal(t)
	f := &fixtureBuilder{t: t, cat: j.Catalog, loc: j.Location, j: j}
	start := time.Date(2024, time.April, 1, 0, 0, 0, 0, f.loc)
	j.From, j.To = start, start.AddDate(1, 0, 0)
	j.GeneratedAt = j.To.Add(9 * time.Hour)
	j.Entries, j.Flags = nil, nil
	upa := fixtureID("medication/upadacitinib")
	symptoms := []string{"headache", "nausea", "fatigue", "cough", "joint_pain", "acne"}
	var temps []string
	for d := 0; d < 365; d++ {
		day := start.AddDate(0, 0, d)
		at := func(h, m int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, f.loc) }
		name := func(kind string) string { return fmt.Sprintf("year/%s/%d", kind, d) }
		f.add(name("dose"), at(8, 0), "", &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
			MedicationId: upa, Amount: 15, Unit: "mg", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}})
		f.add(name("temperature"), at(20, 30), "", fixtureVital("body_temperature", 36.5+float64(d%7)/10, "Cel"))
		temps = append(temps, fixtureID(name("temperature")))
		f.add(name("pulse"), at(7, 0), "", fixtureVital("heart_rate", 60+float64(d%25), "/min"))
		f.add(name("symptom"), at(18, 0), "comes and goes, worse after lunch",
			fixtureSymptom(symptoms[d%len(symptoms)], medjournalv1.Severity(1+d%4), ""))
		if d%3 == 0 {
			f.add(name("note"), at(21, 0), "", fixtureNote(fmt.Sprintf("Day %d: slept badly, <b>tired</b> & \"foggy\",\nbetter by noon.", d)))
		}
		if d%7 == 0 {
			low, high := fixtureRange(1.5, 8)
			f.add(name("anc"), at(7, 45), "", fixtureLab("751-8", 1+float64(d%40)/10, "10*3/uL", low, high, "Labor Am Markt"))
			low, high = fixtureRange(12, 16)
			f.add(name("hb"), at(7, 46), "", fixtureLab("718-7", 11+float64(d%50)/10, "g/dL", low, high, "Labor Am Markt"))
			f.add(name("sbp"), at(19, 0), "", fixtureVital("systolic_bp", 120+float64(d%15), "mm[Hg]"))
			f.add(name("dbp"), at(19, 0), "", fixtureVital("diastolic_bp", 75+float64(d%10), "mm[Hg]"))
		}
	}
	for m := 0; m < 12; m++ {
		raised := start.AddDate(0, m, 14)
		j.Flags = append(j.Flags, &medjournalv1.Flag{
			Id: fixtureID(fmt.Sprintf("year/flag/%d", m)), PatientId: j.Patient.GetId(), RuleId: "infection.fever_measured",
			Category: medjournalv1.Category_CATEGORY_INFECTION, Urgency: medjournalv1.Urgency_URGENCY_URGENT,
			Status: medjournalv1.FlagStatus_FLAG_STATUS_RESOLVED, Title: "Fever on a JAK inhibitor",
			ClinicianSummary: "Measured fever on upadacitinib.", EvidenceEntryIds: temps[m*30 : m*30+3],
			CreateTime: timestamppb.New(raised), UpdateTime: timestamppb.New(raised.AddDate(0, 0, 2)),
		})
	}
	fixtureSortEntries(j.Entries)
	return j
}
