-- The journal version moves out of the accounts row into a table of its own. Every
-- create bumps it, in the single writer every write waits for: in the wide accounts row
-- that was two B-tree lookups (the id index, then the row), a rewrite of the whole row,
-- and one more WAL page per write, since 64 patients' rows spread over several pages.
-- Here a patient's version is one short row of a table keyed by patient, whose rows for
-- thousands of patients fit in a few pages.
CREATE TABLE journal_versions (
    patient_id  TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO journal_versions (patient_id, version)
    SELECT id, journal_version FROM accounts WHERE journal_version > 0;

ALTER TABLE accounts DROP COLUMN journal_version;
