-- Care teams: one-time invite codes and the grants they create.

CREATE TABLE invites (
    code_hash    BLOB PRIMARY KEY,     -- SHA-256 of the normalized code; the code is not stored
    patient_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    create_time  INTEGER NOT NULL,
    expire_time  INTEGER NOT NULL,
    used_by      TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    used_time    INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE grants (
    patient_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    clinician_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    create_time   INTEGER NOT NULL,
    PRIMARY KEY (patient_id, clinician_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX grants_by_clinician ON grants (clinician_id, patient_id);
