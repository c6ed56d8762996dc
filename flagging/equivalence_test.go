package flagging_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	"github.com/medjournal/medjournal/flagging"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/internal/apitest"
	"github.com/medjournal/medjournal/internal/scenarios"
	"github.com/medjournal/medjournal/journal"
	"github.com/medjournal/medjournal/rules"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// The caches must never change an answer: every clinical scenario, and random journal
// histories with edits, deletes, back-filled entries, medication changes and batches
// synced in one write, give the same flags (rule, status, urgency, advice, evidence,
// history) and the same first page of the journal with every cache on as with every cache
// off. The two run side by side, step by step, on databases of their own.

// side is one database with the workflow over it, caches on or off.
type side struct {
	name    string
	st      *store.Store
	flags   *flagging.Service
	patient string            // the patient's id on this side
	meds    map[string]string // medication ids on this side by the pair's name for them
}

func openSide(t *testing.T, name string, engine *rules.Engine, clk *apitest.Clock, caches bool) *side {
	t.Helper()
	opts := []store.Option{store.WithClock(clk.Now), store.WithCacheChecks()}
	if !caches {
		opts = append(opts, store.WithoutPageCache())
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), name+".db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	flags := flagging.New(st, flagging.RuleEvaluator(engine), flagging.Config{Now: clk.Now, NoRuleCache: !caches})
	return &side{name: name, st: st, flags: flags, meds: map[string]string{}}
}

// pair is the same journal kept twice: with caches and without.
type pair struct {
	t        *testing.T
	cat      *catalog.Catalog
	clk      *apitest.Clock // both sides share it
	on, off  *side
	medicine map[string]string // drug codes by the pair's names for the medications
}

func newPair(t *testing.T, cat *catalog.Catalog, engine *rules.Engine, start time.Time) *pair {
	clk := apitest.NewClock(start)
	return &pair{t: t, cat: cat, clk: clk, on: openSide(t, "on", engine, clk, true), off: openSide(t, "off", engine, clk, false),
		medicine: map[string]string{}}
}

func (p *pair) sides() []*side { return []*side{p.on, p.off} }

// signUp creates the patient on both sides.
func (p *pair) signUp(profile *medjournalv1.Profile) {
	p.t.Helper()
	for _, s := range p.sides() {
		a, err := s.st.CreateAccount(context.Background(), &medjournalv1.Account{Email: "p@example.com", DisplayName: "P",
			Role: medjournalv1.Role_ROLE_PATIENT, TimeZone: "Europe/Berlin", Profile: proto.Clone(profile).(*medjournalv1.Profile)}, "h")
		if err != nil {
			p.t.Fatal(err)
		}
		s.patient = a.Id
	}
}

// addMedication starts drug on both sides and returns the pair's name for it.
func (p *pair) addMedication(drug string) string {
	p.t.Helper()
	name := fmt.Sprintf("medication-%d", len(p.medicine)+1)
	for _, s := range p.sides() {
		m, err := s.st.CreateMedication(context.Background(), s.patient, &medjournalv1.Medication{DrugCode: drug, StartDate: "2025-01-01"})
		if err != nil {
			p.t.Fatal(err)
		}
		s.meds[name] = m.Id
	}
	p.medicine[name] = drug
	return name
}

func (p *pair) removeMedication(name string) {
	p.t.Helper()
	for _, s := range p.sides() {
		if _, err := s.st.DeleteMedication(context.Background(), s.patient, s.meds[name]); err != nil {
			p.t.Fatal(err)
		}
	}
	delete(p.medicine, name)
}

// onSide is e as side s stores it: a dose names s's id for the pair's medication.
func (s *side) onSide(e *medjournalv1.Entry) *medjournalv1.Entry {
	e = proto.Clone(e).(*medjournalv1.Entry)
	if d := e.GetDose(); d != nil {
		d.MedicationId = s.meds[d.GetMedicationId()]
	}
	return e
}

// do runs one step on both sides; both must succeed or fail alike.
func (p *pair) do(step string, fn func(s *side) error) {
	p.t.Helper()
	var errs []error
	for _, s := range p.sides() {
		errs = append(errs, fn(s))
	}
	if (errs[0] == nil) != (errs[1] == nil) {
		p.t.Fatalf("%s: with caches %v, without %v", step, errs[0], errs[1])
	}
	if errs[0] != nil && !strings.Contains(errs[0].Error(), "not found") {
		p.t.Fatalf("%s: %v", step, errs[0])
	}
	p.compare(step)
}

// compare fails the test unless both sides hold the same flags and show the same first
// page of the journal.
func (p *pair) compare(step string) {
	p.t.Helper()
	on, off := p.describe(p.on), p.describe(p.off)
	if on != off {
		p.t.Fatalf("after %s the sides differ:\nwith caches:\n%s\nwithout:\n%s", step, on, off)
	}
}

// describe is what a patient and their clinicians see, with flag ids (random per side)
// replaced by each flag's rule and first evidence.
func (p *pair) describe(s *side) string {
	p.t.Helper()
	ctx := context.Background()
	flags, err := s.flags.ListFlags(ctx, storage.FlagFilter{PatientIDs: []string{s.patient}, Limit: 1000})
	if err != nil {
		p.t.Fatal(err)
	}
	medNames := map[string]string{}
	for name, id := range s.meds {
		medNames[id] = name
	}
	names := map[string]string{}
	var lines []string
	for _, f := range flags {
		names[f.Id] = f.RuleId + "@" + strings.Join(f.EvidenceEntryIds[:min(1, len(f.EvidenceEntryIds))], "")
		var events []string
		for _, ev := range f.Events {
			events = append(events, fmt.Sprintf("%s/%s/%s/%s", ev.Type, ev.Urgency, ev.EntryId, ev.Note))
		}
		lines = append(lines, fmt.Sprintf("flag %s %s %s advice=%q evidence=%v events=%v", f.RuleId, f.Status, f.Urgency,
			f.PatientAdvice, f.EvidenceEntryIds, events))
	}
	slices.Sort(lines)
	page, err := s.st.ListEntries(ctx, storage.EntryFilter{PatientID: s.patient, Limit: 50})
	if err != nil {
		p.t.Fatal(err)
	}
	// Read again: with caches on, the first read cached the page and this one is served
	// from memory; it must be the same page.
	again, err := s.st.ListEntries(ctx, storage.EntryFilter{PatientID: s.patient, Limit: 50})
	if err != nil {
		p.t.Fatal(err)
	}
	if len(again) != len(page) {
		p.t.Fatalf("%s: the first page read twice has %d then %d entries", s.name, len(page), len(again))
	}
	for i := range page {
		if !proto.Equal(page[i], again[i]) {
			p.t.Fatalf("%s: the first page read twice differs at %d: %v then %v", s.name, i, page[i], again[i])
		}
	}
	for _, e := range page {
		var flagged []string
		for _, id := range e.FlagIds {
			flagged = append(flagged, names[id])
		}
		slices.Sort(flagged)
		body := proto.Clone(e).(*medjournalv1.Entry)
		body.FlagIds, body.PatientId = nil, ""
		if d := body.GetDose(); d != nil {
			d.MedicationId = medNames[d.GetMedicationId()]
		}
		lines = append(lines, fmt.Sprintf("entry %v flags=%v", body, flagged))
	}
	return strings.Join(lines, "\n")
}

// entry normalizes e as the server does, with id and time set.
func (p *pair) entry(id string, at time.Time, e *medjournalv1.Entry) *medjournalv1.Entry {
	p.t.Helper()
	e = proto.Clone(e).(*medjournalv1.Entry)
	e.Id, e.OccurredTime = id, timestamppb.New(at)
	if err := journal.NormalizeEntry(p.cat, e, "entry", at.Add(1000*time.Hour)); err != nil {
		p.t.Fatal(err)
	}
	return e
}

func (p *pair) create(e *medjournalv1.Entry) {
	p.t.Helper()
	p.do("create "+e.GetId(), func(s *side) error {
		_, _, err := s.flags.CreateEntry(context.Background(), s.patient, s.onSide(e))
		return err
	})
}

func loadEngine(t *testing.T) (*catalog.Catalog, *rules.Engine) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := rules.Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	return cat, engine
}

// TestScenariosFlagTheSameWithCachesOnAndOff plays every clinical scenario through real
// storage, as a phone logs it with the clock at each entry, and requires the scenario's
// flags on both sides.
func TestScenariosFlagTheSameWithCachesOnAndOff(t *testing.T) {
	cat, engine := loadEngine(t)
	for i, sc := range scenarios.All {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, cat, engine, scenarios.StoryStart)
			p.signUp(sc.Profile)
			drugs := sc.Drugs
			if len(drugs) == 0 {
				drugs = []string{"tofacitinib"} // doses need a medication to be stored
			}
			var doseMedication string
			for _, d := range drugs {
				if id := p.addMedication(d); doseMedication == "" {
					doseMedication = id
				}
			}
			for j, l := range sc.Entries {
				e := proto.Clone(l.Entry).(*medjournalv1.Entry)
				if d := e.GetDose(); d != nil && d.GetMedicationId() == scenarios.MedicationID {
					d.MedicationId = doseMedication
				}
				// The phone logs as it happens, or later; never ahead of the clock.
				if at := l.At().Add(time.Minute); at.After(p.clk.Now()) {
					p.clk.Advance(at.Sub(p.clk.Now()))
				}
				p.create(p.entry(fmt.Sprintf("00000000-0000-4000-8000-%04d%08d", i, j), l.At(), e))
			}
			got := map[medjournalv1.Category]medjournalv1.Urgency{}
			flags, err := p.on.flags.ListFlags(context.Background(), storage.FlagFilter{PatientIDs: []string{p.on.patient}, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range flags {
				got[f.Category] = max(got[f.Category], f.Urgency)
			}
			want := map[medjournalv1.Category]medjournalv1.Urgency{}
			for _, w := range sc.Want {
				want[w.Category] = w.Urgency
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("flags = %v, want %v", got, want)
			}
		})
	}
}

// randomEntry is an entry of a kind the rules read, or one they do not, and some they do not, with values on both
// sides of the warning signs so that edits raise and withdraw flags.
func randomEntry(rng *rand.Rand, medication string) *medjournalv1.Entry {
	sev := []medjournalv1.Severity{medjournalv1.Severity_SEVERITY_MILD, medjournalv1.Severity_SEVERITY_SEVERE, medjournalv1.Severity_SEVERITY_VERY_SEVERE}[rng.IntN(3)]
	switch rng.IntN(9) {
	case 0, 1:
		return scenarios.Vital(0, "body_temperature", []float64{36.8, 38.3, 39.6}[rng.IntN(3)], "Cel").Entry
	case 2, 8: // 0.9 is flagged only with tofacitinib among the drugs
		return scenarios.Lab(0, "751-8", []float64{0.4, 0.9, 0.9, 4.0}[rng.IntN(4)], "10*3/uL", 1.8, 7.7).Entry
	case 3:
		return scenarios.Lab(0, "1742-6", []float64{30, 150, 400}[rng.IntN(3)], "U/L", 7, 56).Entry
	case 4:
		return scenarios.Sym(0, []string{"cough", "shortness_of_breath", "chest_pain", "leg_swelling", "fever"}[rng.IntN(5)], sev).Entry
	case 5:
		if medication != "" {
			return &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{MedicationId: medication,
				Amount: 1, Unit: "tablet", Status: medjournalv1.DoseStatus_DOSE_STATUS_TAKEN}}}
		}
		return scenarios.Note(0, "no medication yet").Entry
	case 6:
		return scenarios.Vital(0, "heart_rate", []float64{72, 135}[rng.IntN(2)], "/min").Entry
	default:
		return scenarios.Note(0, "a note").Entry
	}
}

// TestRandomHistoriesFlagTheSameWithCachesOnAndOff runs random histories step by step.
func TestRandomHistoriesFlagTheSameWithCachesOnAndOff(t *testing.T) {
	cat, engine := loadEngine(t)
	for seed := range uint64(12) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 7))
			start := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
			p := newPair(t, cat, engine, start)
			p.signUp(&medjournalv1.Profile{BirthYear: 1960})
			med := p.addMedication("upadacitinib") // the doses' medication
			var live []*medjournalv1.Entry
			next := 0
			newEntry := func() *medjournalv1.Entry {
				next++
				at := p.clk.Now().Add(-time.Duration(rng.IntN(36*60)) * time.Minute)
				if rng.IntN(4) == 0 { // back-filled: an old lab report, a missed week
					at = p.clk.Now().Add(-time.Duration(8+rng.IntN(40)) * 24 * time.Hour)
				}
				return p.entry(fmt.Sprintf("00000000-0000-4000-8000-%012d", next), at, randomEntry(rng, med))
			}
			for step := range 60 {
				p.clk.Advance(time.Duration(rng.IntN(10*60)) * time.Minute)
				switch op := rng.IntN(21); {
				case op < 11 || len(live) == 0:
					e := newEntry()
					p.create(e)
					live = append(live, e)
				case op < 14: // an edit: same kind, new value or time
					i := rng.IntN(len(live))
					changed := newEntry()
					if fmt.Sprintf("%T", changed.Kind) != fmt.Sprintf("%T", live[i].Kind) {
						continue
					}
					changed.Id = live[i].Id
					p.do(fmt.Sprintf("step %d: update %s", step, changed.Id), func(s *side) error {
						_, err := s.flags.UpdateEntry(context.Background(), s.patient, changed.Id, func(e *medjournalv1.Entry) error {
							proto.Reset(e)
							proto.Merge(e, s.onSide(changed))
							return nil
						})
						return err
					})
					live[i] = changed
				case op < 16:
					i := rng.IntN(len(live))
					id := live[i].Id
					p.do(fmt.Sprintf("step %d: delete %s", step, id), func(s *side) error {
						_, err := s.flags.DeleteEntry(context.Background(), s.patient, id)
						return err
					})
					live = slices.Delete(live, i, i+1)
				case op < 18: // a phone syncing a batch: several creates in one write
					var batch []*medjournalv1.Entry
					for range 2 + rng.IntN(3) {
						batch = append(batch, newEntry())
					}
					p.do(fmt.Sprintf("step %d: sync %d", step, len(batch)), func(s *side) error {
						var upserts []*medjournalv1.Entry
						for _, e := range batch {
							upserts = append(upserts, s.onSide(e))
						}
						_, err := s.flags.Sync(context.Background(), flagging.SyncBatch{PatientID: s.patient, Upserts: upserts, Limit: 1000})
						return err
					})
					live = append(live, batch...)
				case op < 19 || op == 20: // tofacitinib comes or goes, which the rules read
					if len(p.medicine) > 1 {
						for name := range p.medicine {
							if name != med {
								p.removeMedication(name)
								break
							}
						}
					} else {
						p.addMedication("tofacitinib")
					}
					p.compare(fmt.Sprintf("step %d: medications", step))
				default: // the profile's risk factors raise chest pain and clots to emergencies
					risks := [][]string{nil, {"cardiovascular_disease"}, {"history_of_vte"}}[rng.IntN(3)]
					for _, s := range p.sides() {
						if _, err := s.st.UpdateProfile(context.Background(), s.patient, func(pr *medjournalv1.Profile) error {
							pr.RiskFactors = risks
							return nil
						}); err != nil {
							t.Fatal(err)
						}
					}
					p.compare(fmt.Sprintf("step %d: profile", step))
				}
			}
		})
	}
}
