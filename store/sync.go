package store

import (
	"context"

	"github.com/medjournal/medjournal/storage"
)

// changesSince is the patient's changes after the cursor since, oldest first, at most limit.
// change_seq counts per patient (nextChangeSeq), so a cursor is a position in its own
// patient's changes.
func changesSince(ctx context.Context, tx *dbTx, patientID string, since int64, limit int) (storage.ChangeSet, error) {
	res := storage.ChangeSet{Cursor: since}
	rows, err := queryEntries(ctx, tx, `SELECT `+entryColumns+` FROM entries
		WHERE patient_id = ? AND change_seq > ? ORDER BY change_seq LIMIT ?`,
		patientID, since, limit+1)
	if err != nil {
		return res, err
	}
	if len(rows) > limit {
		rows, res.HasMore = rows[:limit], true
	}
	for _, r := range rows {
		if r.deleted() {
			res.DeletedIDs = append(res.DeletedIDs, r.entry.Id)
		} else {
			res.Changes = append(res.Changes, r.entry)
		}
		res.Cursor = r.changeSeq
	}
	return res, nil
}
