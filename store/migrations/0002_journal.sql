-- The journal: the patient's medications and entries.

CREATE TABLE medications (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    body          BLOB NOT NULL,        -- medjournal.v1.Medication, client fields only
    create_time   INTEGER NOT NULL,
    update_time   INTEGER NOT NULL
) STRICT;

CREATE INDEX medications_by_patient ON medications (patient_id);

-- An entry's content is its medjournal.v1.Entry in protobuf binary (body); the columns
-- beside it are what queries filter and sort on. A deleted entry stays as a tombstone
-- (delete_time set) so that phones learn of the deletion through Sync.
CREATE TABLE entries (
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
    -- Position in the global order of changes; Sync cursors point into it. One writer
    -- assigns it, so commit order and change_seq order agree.
    change_seq      INTEGER NOT NULL UNIQUE
) STRICT;

-- ListEntries and GetDay: newest first, keyset on (occurred_time, id).
CREATE INDEX entries_by_patient_time ON entries (patient_id, occurred_time, id)
    WHERE delete_time IS NULL;
-- Rules: a patient's history of one code within a window.
CREATE INDEX entries_by_patient_code_time ON entries (patient_id, code, occurred_time)
    WHERE delete_time IS NULL;
-- Sync: a patient's changes after a cursor.
CREATE INDEX entries_by_patient_change ON entries (patient_id, change_seq);
CREATE INDEX entries_by_medication ON entries (medication_id) WHERE medication_id IS NOT NULL;
