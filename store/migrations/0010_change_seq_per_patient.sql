-- migrate: foreign_keys off
--
-- change_seq counts per patient instead of across all patients. A phone syncs one
-- patient's journal, so its cursor only needs that patient's changes in commit order; a
-- global counter made every write of every patient wait for one number, which a backend
-- with concurrent writers could only hand out under a global lock. Now the next number of
-- a patient is one past that patient's highest, and uniqueness is per patient.
--
-- Existing numbers are kept: a phone's cursor is a number of its patient's rows, each
-- patient's highest never goes down (an edit or a delete moves its row to a new number,
-- a tombstone stays), so the patient's next number is above every cursor it was given.
--
-- SQLite cannot drop the column's UNIQUE (its automatic index goes only with the table),
-- so the table is rebuilt the documented way: a new table, the rows copied with their
-- rowids, the old one dropped, the new one renamed. Foreign key enforcement is off for
-- this migration (the line above), since dropping entries with it on would first delete
-- every row, which flag_evidence's references forbid; the runner checks
-- PRAGMA foreign_key_check before committing. The drop takes the table's indexes and its
-- trigger (migration 9) with it; both are made again below, as they were. On a large
-- journal the copy rewrites the table and its indexes once.
CREATE TABLE entries_new (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind            INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),   -- medjournal.v1.EntryKind
    occurred_time   INTEGER NOT NULL,
    code            TEXT NOT NULL DEFAULT '',   -- symptom, vital or lab code
    value           REAL,                        -- canonical value of a vital or lab
    medication_id   TEXT REFERENCES medications (id),  -- a dose's medication
    body            BLOB NOT NULL,
    create_time     INTEGER NOT NULL,
    update_time     INTEGER NOT NULL,
    delete_time     INTEGER,
    -- Position in the patient's order of changes; Sync cursors point into it. Unique per
    -- patient (entries_by_patient_change). Whoever assigns it holds the patient's
    -- journal_versions row from reading the highest to commit, so a patient's commit
    -- order and change_seq order agree.
    change_seq      INTEGER NOT NULL
) STRICT;

INSERT INTO entries_new (rowid, id, patient_id, kind, occurred_time, code, value, medication_id,
        body, create_time, update_time, delete_time, change_seq)
    SELECT rowid, id, patient_id, kind, occurred_time, code, value, medication_id,
        body, create_time, update_time, delete_time, change_seq
    FROM entries;

DROP TABLE entries;
ALTER TABLE entries_new RENAME TO entries;

-- ListEntries and GetDay: newest first, keyset on (occurred_time, id).
CREATE INDEX entries_by_patient_time ON entries (patient_id, occurred_time, id)
    WHERE delete_time IS NULL;
-- Sync: a patient's changes after a cursor, and the patient's highest number for the next.
-- It is also what keeps the numbers unique per patient: a UNIQUE table constraint would
-- add a second index on the same columns for every insert to update.
CREATE UNIQUE INDEX entries_by_patient_change ON entries (patient_id, change_seq);
CREATE INDEX entries_by_medication ON entries (medication_id) WHERE medication_id IS NOT NULL;

-- As in migration 9.
CREATE TRIGGER entries_bump_journal_version AFTER INSERT ON entries
BEGIN
    INSERT INTO journal_versions (patient_id, version) VALUES (NEW.patient_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
