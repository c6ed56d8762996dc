package export

import (
	"time"

	"github.com/google/uuid"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// addFlag adds a warning flag as two resources. The Flag is the warning a chart shows
// prominently; R4 gives it no element for its evidence, so flag-detail extensions point
// at the DetectedIssue and at the evidence. The DetectedIssue is the clinical finding
// behind it: R4 defines it for problems with a patient's medication, it has a severity,
// a detail text for the clinician's summary, and evidence.
//
// DetectedIssue.implicated names "the activity that is potentially problematic", which
// for a warning sign on a JAK inhibitor is the drug: the JAK inhibitors of the regimen
// taken on the day the flag was raised. The entries that made the rule match are its
// evidence.detail, where R4 puts supporting evidence.
func (b *fhirBuilder) addFlag(f *medjournalv1.Flag) error {
	flagStatus, issueStatus, err := fhirFlagStatus(f.GetStatus())
	if err != nil {
		return err
	}
	flagID := b.newID("Flag", f.GetId())
	issueID := b.newID("DetectedIssue", f.GetId())
	issueURL := "urn:uuid:" + issueID
	evidence := b.evidence(f.GetEvidenceEntryIds())

	title, ok := fhirString(f.GetTitle())
	if !ok {
		title = "Warning sign"
		if f.GetRuleId() != "" {
			title += " (rule " + f.GetRuleId() + ")"
		}
	}
	var author *fhirReference
	if f.GetRuleId() != "" {
		author = &fhirReference{Display: "medjournal warning-sign rule " + f.GetRuleId()}
	}
	urgency, knownUrgency := fhirUrgency[f.GetUrgency()]

	flag := fhirFlag{
		ResourceType: "Flag",
		ID:           flagID,
		Status:       flagStatus,
		Category: []fhirCodeableConcept{
			{Coding: []fhirCoding{fhirFlagCategoryClinical}, Text: fhirCategoryNames[f.GetCategory()]},
			{Coding: []fhirCoding{fhirFlagCategoryDrug}},
		},
		Code:    fhirCodeableConcept{Text: title},
		Subject: b.patient,
		Author:  author,
	}
	if knownUrgency {
		flag.Extension = append(flag.Extension, fhirExtension{URL: fhirExtFlagPriority, ValueCodeableConcept: &urgency.priority})
	}
	flag.Extension = append(flag.Extension, fhirExtension{URL: fhirExtFlagDetail, ValueReference: &fhirReference{Reference: issueURL}})
	for i := range evidence {
		flag.Extension = append(flag.Extension, fhirExtension{URL: fhirExtFlagDetail, ValueReference: &evidence[i]})
	}
	if start, end := b.dateTime(f.GetCreateTime()), b.flagEnd(f, flagStatus); start != "" || end != "" {
		flag.Period = &fhirPeriod{Start: start, End: end}
	}

	issue := fhirDetectedIssue{
		ResourceType:       "DetectedIssue",
		ID:                 issueID,
		Status:             issueStatus,
		Code:               fhirCodeableConcept{Text: title},
		Severity:           urgency.severity,
		Patient:            b.patient,
		IdentifiedDateTime: b.dateTime(f.GetCreateTime()),
		Author:             author,
		Implicated:         b.implicated(f),
		Mitigation:         b.mitigations(f),
	}
	if len(evidence) > 0 {
		issue.Evidence = []fhirDetectedIssueEvidence{{Detail: evidence}}
	}
	if summary, ok := fhirString(f.GetClinicianSummary()); ok {
		issue.Detail = summary
	}

	b.add(flagID, flag)
	b.add(issueID, issue)
	return nil
}

// evidence refers to the resources of the evidence entries. An entry outside the
// exported period has no resource here; it is named by its id as an identifier, which
// is a valid reference that needs no target.
func (b *fhirBuilder) evidence(entryIDs []string) []fhirReference {
	refs := make([]fhirReference, 0, len(entryIDs))
	for _, id := range entryIDs {
		if url, ok := b.entryURLs[id]; ok {
			refs = append(refs, fhirReference{Reference: url})
			continue
		}
		ref := fhirReference{Display: "Journal entry outside the exported period"}
		if u, err := uuid.Parse(id); err == nil && u.String() == id {
			ref.Identifier = &fhirIdentifier{System: fhirSystemURI, Value: "urn:uuid:" + id}
		}
		refs = append(refs, ref)
	}
	return refs
}

// flagEnd is when a flag stopped being a warning: the last event that closed it, else its
// update time. An active flag has no end.
func (b *fhirBuilder) flagEnd(f *medjournalv1.Flag, status string) string {
	if status == "active" {
		return ""
	}
	events := f.GetEvents()
	for i := len(events) - 1; i >= 0; i-- {
		switch events[i].GetType() {
		case medjournalv1.FlagEventType_FLAG_EVENT_TYPE_RESOLVED,
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_DISMISSED,
			medjournalv1.FlagEventType_FLAG_EVENT_TYPE_WITHDRAWN:
			if t := b.dateTime(events[i].GetCreateTime()); t != "" {
				return t
			}
		}
	}
	return b.dateTime(f.GetUpdateTime())
}

// implicated refers to the statements of the JAK inhibitors the patient was taking on
// the local day the flag was raised (all of them when the flag has no time).
func (b *fhirBuilder) implicated(f *medjournalv1.Flag) []fhirReference {
	day := ""
	if f.GetCreateTime() != nil {
		day = b.local(f.GetCreateTime()).Format(time.DateOnly)
	}
	var refs []fhirReference
	for _, m := range b.j.Medications {
		d, ok := b.drug(m.GetDrugCode())
		if !ok || d.GetDrugClass() != medjournalv1.DrugClass_DRUG_CLASS_JAK_INHIBITOR {
			continue
		}
		if day != "" && ((m.GetStartDate() != "" && m.GetStartDate() > day) || (m.GetEndDate() != "" && m.GetEndDate() < day)) {
			continue
		}
		if r, ok := b.statements[m.GetId()]; ok {
			refs = append(refs, fhirReference{Reference: r.url})
		}
	}
	return refs
}

// mitigations are the clinicians' actions on the flag, with their notes.
func (b *fhirBuilder) mitigations(f *medjournalv1.Flag) []fhirDetectedIssueMitigation {
	var out []fhirDetectedIssueMitigation
	for _, ev := range f.GetEvents() {
		action, ok := fhirMitigations[ev.GetType()]
		if !ok {
			continue
		}
		if note, ok := fhirString(ev.GetNote()); ok {
			action += ": " + note
		}
		m := fhirDetectedIssueMitigation{Action: fhirCodeableConcept{Text: action}, Date: b.dateTime(ev.GetCreateTime())}
		if name, ok := fhirString(ev.GetActorDisplayName()); ok {
			m.Author = &fhirReference{Display: name}
		}
		out = append(out, m)
	}
	return out
}
