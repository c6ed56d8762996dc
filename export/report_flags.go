package export

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// ReportFlag is one warning-sign flag as the report shows it.
type ReportFlag struct {
	ID    string
	Title string
	// Summary is what the clinician should know and check.
	Summary  string
	Urgency  medjournalv1.Urgency
	Status   medjournalv1.FlagStatus
	Category string
	// Raised is when the rule engine raised the flag; Updated when it last changed.
	Raised, Updated time.Time
	// Source is where the rule comes from, e.g. "Rinvoq US prescribing information, 5.1 [S8]".
	Source string
	// Evidence describes the entries that made the rule match, oldest first, as far as
	// they are in the journal: "4 Mar 2026 21:10 · Body temperature 38.6 °C".
	Evidence []string
	// Events are the flag's history entries that carry a note (acknowledged, resolved,
	// a note added, ...), oldest first.
	Events []FlagNote
}

// UrgencyLabel is the urgency in words: "Emergency", "Urgent", "Routine".
func (f ReportFlag) UrgencyLabel() string { return urgencyLabel(f.Urgency) }

// UrgencyKey is the urgency as a lower-case word: "emergency", "urgent", "routine".
func (f ReportFlag) UrgencyKey() string { return urgencyKey(f.Urgency) }

// StatusLabel is the status in words: "Open", "Resolved", ...
func (f ReportFlag) StatusLabel() string { return statusLabel(f.Status) }

// FlagNote is one noted event in a flag's history.
type FlagNote struct {
	Time time.Time
	// What happened, e.g. "Resolved", "Note".
	What string
	// Who did it; empty for the rule engine or when unknown.
	Who  string
	Text string
}

// isOpen says whether a flag still needs follow-up.
func isOpen(s medjournalv1.FlagStatus) bool {
	return s == medjournalv1.FlagStatus_FLAG_STATUS_OPEN || s == medjournalv1.FlagStatus_FLAG_STATUS_ACKNOWLEDGED
}

func (b *reportBuilder) flags() {
	r := b.report
	for _, f := range b.j.Flags {
		if f == nil {
			continue
		}
		rf := b.reportFlag(f)
		if isOpen(f.GetStatus()) {
			r.OpenFlags = append(r.OpenFlags, rf)
		} else {
			r.ClosedFlags = append(r.ClosedFlags, rf)
		}
	}
	// Open: most urgent first, then oldest first (the triage order); open before
	// acknowledged at equal urgency, since nobody has looked at it yet.
	slices.SortStableFunc(r.OpenFlags, func(x, y ReportFlag) int {
		return cmp.Or(
			cmp.Compare(y.Urgency, x.Urgency),
			cmp.Compare(x.Status, y.Status),
			x.Raised.Compare(y.Raised),
		)
	})
	// Closed: history, most recent first.
	slices.SortStableFunc(r.ClosedFlags, func(x, y ReportFlag) int {
		return cmp.Or(y.Raised.Compare(x.Raised), cmp.Compare(y.Urgency, x.Urgency))
	})
}

func (b *reportBuilder) reportFlag(f *medjournalv1.Flag) ReportFlag {
	rf := ReportFlag{
		ID:       f.GetId(),
		Title:    f.GetTitle(),
		Summary:  f.GetClinicianSummary(),
		Urgency:  f.GetUrgency(),
		Status:   f.GetStatus(),
		Category: categoryLabel(f.GetCategory()),
		Source:   sourceLabel(f.GetSource()),
	}
	if f.GetCreateTime() != nil {
		rf.Raised = b.local(f.GetCreateTime().AsTime())
	}
	if f.GetUpdateTime() != nil {
		rf.Updated = b.local(f.GetUpdateTime().AsTime())
	}
	if rf.Title == "" {
		rf.Title = f.GetRuleId()
	}
	for _, id := range f.GetEvidenceEntryIds() {
		if e, ok := b.byID[id]; ok {
			rf.Evidence = append(rf.Evidence, formatDateTime(b.entryTime(e))+" · "+b.describeEntry(e))
		}
	}
	for _, ev := range f.GetEvents() {
		if strings.TrimSpace(ev.GetNote()) == "" {
			continue
		}
		n := FlagNote{What: flagEventLabel(ev.GetType()), Who: ev.GetActorDisplayName(), Text: ev.GetNote()}
		if ev.GetCreateTime() != nil {
			n.Time = b.local(ev.GetCreateTime().AsTime())
		}
		rf.Events = append(rf.Events, n)
	}
	return rf
}

// sourceLabel prints a rule's source: "document, section [reference]".
func sourceLabel(s *medjournalv1.Source) string {
	var parts []string
	for _, p := range []string{s.GetDocument(), s.GetSection()} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	out := strings.Join(parts, ", ")
	if ref := strings.TrimSpace(s.GetReference()); ref != "" {
		out = strings.TrimSpace(out + " [" + ref + "]")
	}
	return out
}

func flagEventLabel(t medjournalv1.FlagEventType) string {
	switch t {
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RAISED:
		return "Raised"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_ADDED:
		return "Evidence added"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ESCALATED:
		return "Escalated"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_ACKNOWLEDGED:
		return "Acknowledged"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED:
		return "Resolved"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_DISMISSED:
		return "Dismissed"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_WITHDRAWN:
		return "Withdrawn"
	case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_EVIDENCE_REMOVED:
		return "Evidence removed"
	}
	return "Note"
}

// describeEntry says in a few words what an entry recorded, for flag evidence and for
// the entry a comment belongs to: "Fever (severe, forehead)", "ANC 0.9 10³/µL".
func (b *reportBuilder) describeEntry(e *medjournalv1.Entry) string {
	switch k := e.GetKind().(type) {
	case *medjournalv1.Entry_Dose:
		return "Dose of " + b.medicationName(k.Dose.GetMedicationId()) + ": " + doseStatusLabel(k.Dose.GetStatus())
	case *medjournalv1.Entry_Symptom:
		detail := severityLabel(k.Symptom.GetSeverity())
		if site := strings.TrimSpace(k.Symptom.GetBodySite()); site != "" {
			detail += ", " + site
		}
		return b.symptomName(k.Symptom.GetCode()) + " (" + detail + ")"
	case *medjournalv1.Entry_Vital:
		v, unit := b.canonicalVital(k.Vital)
		return b.vitalName(k.Vital.GetCode()) + " " + withUnit(v, unit)
	case *medjournalv1.Entry_Lab:
		m := b.canonicalLab(k.Lab)
		s := m.short + " " + withUnit(m.value, m.unit)
		switch m.mark() {
		case "L":
			s += " (low)"
		case "H":
			s += " (high)"
		}
		return s
	case *medjournalv1.Entry_Note:
		return "Note"
	}
	return "Entry"
}

// medicationName is what the patient calls a medication, with the drug's name when
// that differs: "Rinvoq 15 mg (Upadacitinib)".
func (b *reportBuilder) medicationName(id string) string {
	m, ok := b.meds[id]
	if !ok {
		return "unknown medication"
	}
	name := strings.TrimSpace(m.GetDisplayName())
	drug := m.GetDrugCode()
	if d, ok := lookup(b.cat, (*catalog.Catalog).Drug, drug); ok && d.GetDisplayName() != "" {
		drug = d.GetDisplayName()
	}
	switch {
	case name == "":
		return drug
	case drug == "" || strings.Contains(strings.ToLower(name), strings.ToLower(drug)):
		return name
	default:
		return name + " (" + drug + ")"
	}
}

func (b *reportBuilder) symptomName(code string) string {
	if s, ok := lookup(b.cat, (*catalog.Catalog).Symptom, code); ok && s.GetDisplayName() != "" {
		return s.GetDisplayName()
	}
	return code
}

func (b *reportBuilder) vitalName(code string) string {
	if v, ok := lookup(b.cat, (*catalog.Catalog).Vital, code); ok && v.GetDisplayName() != "" {
		return v.GetDisplayName()
	}
	return code
}
