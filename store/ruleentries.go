package store

import (
	"context"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// ruleEntryColumns are entryColumns without the flag ids, which rules never read.
const ruleEntryColumns = `id, patient_id, body, occurred_time, create_time, update_time, delete_time, change_seq, NULL`

// ruleEntries reads the patient's live entries the rules read with occurred times from lo
// to hi milliseconds inclusive, ordered by occurred time, then id: every kind but notes, or only
// lab results.
func ruleEntries(ctx context.Context, tx *dbTx, patientID string, labs bool, lo, hi int64) ([]*medjournalv1.Entry, error) {
	kind := `kind != ?`
	kindArg := int32(medjournalv1.EntryKind_ENTRY_KIND_NOTE)
	if labs {
		kind, kindArg = `kind = ?`, int32(medjournalv1.EntryKind_ENTRY_KIND_LAB)
	}
	return liveEntries(ctx, tx, `SELECT `+ruleEntryColumns+` FROM entries
		WHERE patient_id = ? AND delete_time IS NULL AND `+kind+` AND occurred_time >= ? AND occurred_time <= ?
		ORDER BY occurred_time, id`, patientID, kindArg, lo, hi)
}
