package rules

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// Prepared is a patient's journal prepared for evaluating many triggers against it: every
// entry taken apart once (time, kind, code, value, local day) and the lab results grouped
// by analyte. Evaluating from Input.Recent and Input.LabHistory does both again for every
// trigger, over every entry of its window, and a busy journal's hundreds of entries made
// that the larger part of evaluating a fever or a lab result. The workflow (flagging) prepares
// a patient's journal when it reads it and extends it with each entry it adds; a Prepared
// never changes, and With makes a new one.
type Prepared struct {
	e    *Engine
	zone string // the patient's time zone, in which the entries' days were taken
	loc  *time.Location
	// entries are the journal's entries other than notes, by time, then id: the order
	// nearby gives Recent's entries. They are pointers, though walking them chases each
	// one, because an entry logged out of time order copies the list, and a list of
	// the records themselves is nine times the size: that copy was a quarter of all the
	// server allocated in the load test, whose entries fall anywhere in five days.
	entries []*nearEntry
	labs    []analyteList // by analyte name
}

// analyteList is one analyte's results, by time, then id.
type analyteList struct {
	analyte string
	results []labResult
}

// Prepare prepares a patient's journal: entries (notes are left out) and lab results,
// as the store reads them. The lists need not be sorted.
func (e *Engine) Prepare(entries, labs []*medjournalv1.Entry, patient *medjournalv1.Account) *Prepared {
	j := &Prepared{e: e, zone: patient.GetTimeZone(), loc: e.patientLocation(patient)}
	prepared := make([]nearEntry, 0, len(entries))
	for _, entry := range entries {
		if entry.GetNote() == nil {
			prepared = append(prepared, e.prepareEntry(entry, unixNanos(entry.GetOccurredTime()), j.loc))
		}
	}
	near := pointers(prepared)
	slices.SortStableFunc(near, compareTimed)
	j.entries = near
	byAnalyte := map[string][]labResult{}
	for _, lab := range labs {
		if a := e.analyte(lab.GetLab().GetCode()); a != "" {
			byAnalyte[a] = append(byAnalyte[a], newLabResult(lab))
		}
	}
	for a, results := range byAnalyte {
		slices.SortStableFunc(results, compareTimed)
		j.labs = append(j.labs, analyteList{analyte: a, results: results})
	}
	slices.SortFunc(j.labs, func(x, y analyteList) int { return strings.Compare(x.analyte, y.analyte) })
	return j
}

// With is the journal with entry added to its entries, to its lab history, or to both.
func (j *Prepared) With(entry *medjournalv1.Entry, asEntry, asLab bool) *Prepared {
	next := *j
	at := unixNanos(entry.GetOccurredTime())
	if asEntry && entry.GetNote() == nil {
		n := j.e.prepareEntry(entry, at, j.loc)
		next.entries = inserted(j.entries, &n)
	}
	if !asLab {
		return &next
	}
	a := j.e.analyte(entry.GetLab().GetCode()) // "" for an entry that is not a lab result
	if a == "" {
		return &next
	}
	i, found := slices.BinarySearchFunc(j.labs, a, func(l analyteList, a string) int { return strings.Compare(l.analyte, a) })
	next.labs = slices.Clone(j.labs)
	if !found {
		next.labs = slices.Insert(next.labs, i, analyteList{analyte: a})
	}
	next.labs[i].results = inserted(next.labs[i].results, newLabResult(entry))
	return &next
}

// Contents are the entries (notes left out) and lab results the journal holds, each
// sorted by time, then id: for checking that a Prepared journal follows the lists it was
// made from and extended with.
func (j *Prepared) Contents() (entries, labs []*medjournalv1.Entry) {
	for _, n := range j.entries {
		entries = append(entries, n.entry)
	}
	for _, l := range j.labs {
		for _, r := range l.results {
			labs = append(labs, r.entry)
		}
	}
	slices.SortStableFunc(labs, func(a, b *medjournalv1.Entry) int {
		return cmp.Or(cmp.Compare(unixNanos(a.GetOccurredTime()), unixNanos(b.GetOccurredTime())), strings.Compare(a.GetId(), b.GetId()))
	})
	return entries, labs
}

// usableFor says whether the engine can read in's journal from j: j is the engine's own,
// and its days are the patient's.
func (j *Prepared) usableFor(e *Engine, in Input) bool {
	return j != nil && j.e == e && j.zone == in.Patient.GetTimeZone()
}

// between are the journal's entries from from to to (Unix nanoseconds), oldest first.
func (j *Prepared) between(from, to int64) []*nearEntry {
	return span(j.entries, from, to)
}

// span is the part of list, sorted by time, from from to to (Unix nanoseconds), with no
// spare capacity: list is a journal's own array, and appending to the span copies.
func span[T timedEntry](list []T, from, to int64) []T {
	lo := sort.Search(len(list), func(i int) bool { return list[i].time() >= from })
	hi := sort.Search(len(list), func(i int) bool { return list[i].time() > to })
	return list[lo:hi:hi]
}

// labsAt is labsByAnalyte read from the journal: each analyte's results within
// LabLookback up to at, where the store cuts LabHistory (in whole milliseconds), with a
// lab trigger added after them unless it is among them.
func (j *Prepared) labsAt(trigger *medjournalv1.Entry, at int64) []analyteResults {
	from := time.Unix(0, at-int64(LabLookback)).UnixMilli() * int64(time.Millisecond)
	triggerAnalyte := ""
	if lab := trigger.GetLab(); lab != nil {
		triggerAnalyte = j.e.analyte(lab.GetCode())
	}
	out := make([]analyteResults, 0, len(j.labs)+1)
	addTrigger := func(results []labResult) []labResult {
		if holdsEntry(results, trigger, at) {
			return results
		}
		// A copy: results is the journal's own array.
		return append(results[:len(results):len(results)], newLabResult(trigger))
	}
	triggerAdded := triggerAnalyte == ""
	for _, l := range j.labs {
		results := span(l.results, from, at)
		if l.analyte == triggerAnalyte {
			results, triggerAdded = addTrigger(results), true
		}
		if len(results) > 0 {
			out = append(out, analyteResults{analyte: l.analyte, results: results})
		}
	}
	if !triggerAdded {
		out = append(out, analyteResults{analyte: triggerAnalyte, results: addTrigger(nil)})
	}
	return out
}

func newLabResult(lab *medjournalv1.Entry) labResult {
	return labResult{entry: lab, at: unixNanos(lab.GetOccurredTime()), value: lab.GetLab().GetCanonicalValue()}
}

// compareTimed orders prepared entries by time, then id: the order the store's lists
// (time in milliseconds, then id) take when sorted by time alone, stably.
func compareTimed[T timedEntry](a, b T) int {
	return cmp.Or(cmp.Compare(a.time(), b.time()), strings.Compare(a.source().GetId(), b.source().GetId()))
}

// inserted is list with x in its place by compareTimed, in a new array: a Prepared journal
// is read by evaluations in flight, which must never see it change. The list is clipped so
// that Insert cannot write into spare room another version's slice may hold.
func inserted[T timedEntry](list []T, x T) []T {
	i, _ := slices.BinarySearchFunc(list, x, compareTimed)
	return slices.Insert(slices.Clip(list), i, x)
}
