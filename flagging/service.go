package flagging

import (
	"context"
	"slices"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// Storage is what the workflow needs of a backend: a journal write in which an entry and
// its flags commit together, a consistent read of the journal for the rules, and the
// flags' reads.
type Storage interface {
	// WriteJournal runs fn as one durable write. A repeatable fn may run a second time
	// from the start (a backend grouping writes may roll a group back and run it again):
	// it changes data only through tx and sets, never accumulates, what it hands back.
	WriteJournal(ctx context.Context, repeatable bool, fn func(tx storage.JournalTx) error) error
	// ReadJournal runs fn on one read snapshot.
	ReadJournal(ctx context.Context, fn func(r storage.JournalReader) error) error
	ListFlags(ctx context.Context, f storage.FlagFilter) ([]*medjournalv1.Flag, error)
	Flag(ctx context.Context, id string) (*medjournalv1.Flag, error)
	FlagsBetween(ctx context.Context, patientID string, start, end time.Time) ([]*medjournalv1.Flag, error)
}

// Config tunes a Service. The zero value of each field means its default.
type Config struct {
	// Now is the clock (default time.Now); it decides which entries count as recent.
	Now func() time.Time
	// Events receives flag changes once committed (default: a LocalEvents).
	Events Events
	// NoRuleCache turns the cache of patients' recent journals off: every evaluation then
	// reads the journal from storage. The flags are the same either way.
	NoRuleCache bool
}

// Service runs the journal and flag workflow over a storage backend.
type Service struct {
	store  Storage
	eval   *Evaluator // nil: no rules, no flags
	cache  *ruleContextCache
	events Events
	now    func() time.Time
}

// New returns a Service over st that checks entries with eval (nil: raise no flags).
func New(st Storage, eval *Evaluator, cfg Config) *Service {
	s := &Service{store: st, eval: eval, events: cfg.Events, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.events == nil {
		s.events = &LocalEvents{}
	}
	if !cfg.NoRuleCache {
		s.cache = newRuleContextCache()
	}
	return s
}

// Events is where the service announces flag changes.
func (s *Service) Events() Events { return s.events }

// write is one journal write with the flag changes it made, to announce after commit.
type write struct {
	storage.JournalTx
	changes []FlagChange
}

// flagChanged notes a flag the write raised or changed.
func (w *write) flagChanged(patientID, flagID string) {
	if c := (FlagChange{FlagID: flagID, PatientID: patientID}); !slices.Contains(w.changes, c) {
		w.changes = append(w.changes, c)
	}
}

// writeJournal runs fn as one write and announces its flag changes once it is durable.
func (s *Service) writeJournal(ctx context.Context, repeatable bool, fn func(w *write) error) error {
	var changes []FlagChange
	err := s.store.WriteJournal(ctx, repeatable, func(tx storage.JournalTx) error {
		w := &write{JournalTx: tx}
		err := fn(w)
		changes = w.changes // set, not accumulated: a repeatable fn may run again
		return err
	})
	if err != nil {
		return err
	}
	s.events.Publish(changes)
	return nil
}
