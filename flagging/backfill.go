package flagging

import (
	"context"
	"slices"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// backfillReach is how much further back than a back-dated trigger needs a cached context
// is extended when that trigger finds it too short. A patient back-filling a missed month
// of doses day by day, or a stack of old lab reports, then costs one read per four weeks
// of journal rather than one per entry: each such read was a transaction of its own, whose
// start after another connection's commit cost more than the few rows it read.
const backfillReach = 28 * 24 * time.Hour

// maxExtendedEntries bounds the contexts extended back, entries and lab results together:
// one holding as many is not extended further, and a back-dated trigger it lacks is read
// alone, as before, leaving the cache as it is. It is far above a month of a busy journal,
// so it only stops a patient back-filling years of a wearable's readings from growing the
// cache without end.
const maxExtendedEntries = 20_000

// contextForTrigger reads what the rules need for trigger, need (its triggerRange), from
// tx, a snapshot at version v, when the patient's cached context does not hold it. A
// recent trigger loads the patient's recent journal, which is cached for the next entries
// too. A back-dated one extends the cached context back, when that is current at v, so
// that the next back-filled entries find it; otherwise it reads its own range alone and
// leaves the cache as it is, taking the medications and profile from the cached context
// when that is at v.
func (s *Service) contextForTrigger(ctx context.Context, tx storage.JournalReader, patientID string, v storage.JournalVersion, trigger *medjournalv1.Entry, need journalRange) (*patientContext, error) {
	if s.cache == nil {
		return s.loadPatientContext(ctx, tx, patientID, v, need, nil)
	}
	at := trigger.GetOccurredTime().AsTime()
	cached := s.cache.current(patientID)
	if isRecent(at, s.now()) {
		pc, err := s.loadPatientContext(ctx, tx, patientID, v, s.recentRange(at), cached)
		if err == nil {
			s.cache.put(patientID, pc)
		}
		return pc, err
	}
	if cached != nil && cached.version == v {
		pc, err := s.extendBack(ctx, tx, patientID, cached, need)
		if err != nil {
			return nil, err
		}
		if pc != nil {
			s.cache.replace(patientID, cached, pc)
			return pc, nil
		}
	}
	return s.loadPatientContext(ctx, tx, patientID, v, need, cached)
}

// extendBack is cached, read at the version tx sees, extended back to hold need and
// backfillReach more; it reads from tx only what cached lacks. It is nil when need lies
// beyond cached's end (a future-dated trigger), or when cached holds maxExtendedEntries
// already.
func (s *Service) extendBack(ctx context.Context, tx storage.JournalReader, patientID string, cached *patientContext, need journalRange) (*patientContext, error) {
	if cached.covers(need) {
		return cached, nil // a commit or another trigger extended it since the caller looked
	}
	if need.to.After(cached.to) || len(cached.entries)+len(cached.labs) >= s.cache.maxExtended {
		return nil, nil
	}
	next := *cached
	var err error
	if need.from.Before(cached.from) {
		next.from = fromMillis(millis(need.from.Add(-backfillReach)))
		if next.entries, err = prependRuleEntries(ctx, tx, patientID, false, next.from, cached.from, cached.entries); err != nil {
			return nil, err
		}
	}
	if !need.noLabs && need.labsFrom.Before(cached.labsFrom) {
		next.labsFrom = fromMillis(millis(need.labsFrom.Add(-backfillReach)))
		if next.labs, err = prependRuleEntries(ctx, tx, patientID, true, next.labsFrom, cached.labsFrom, cached.labs); err != nil {
			return nil, err
		}
	}
	s.indexContext(&next)
	return &next, nil
}

// prependRuleEntries is held, a list of rule entries from before onwards, with the
// patient's rule entries from from up to before in front of it.
func prependRuleEntries(ctx context.Context, tx storage.JournalReader, patientID string, labs bool, from, before time.Time, held []*medjournalv1.Entry) ([]*medjournalv1.Entry, error) {
	older, err := tx.RuleEntries(ctx, patientID, labs, from, before.Add(-time.Millisecond))
	if err != nil || len(older) == 0 {
		return held, err
	}
	return slices.Concat(older, held), nil
}
