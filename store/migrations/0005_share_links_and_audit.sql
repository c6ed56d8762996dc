-- Share links for doctors, and the audit trail of who saw or changed a patient's data.

CREATE TABLE share_links (
    id           TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,   -- SHA-256 of the token in the URL; the token is not stored
    from_time    INTEGER,                -- the period shown; NULL for unbounded
    to_time      INTEGER,
    create_time  INTEGER NOT NULL,
    expire_time  INTEGER NOT NULL,
    revoke_time  INTEGER,
    view_count   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX share_links_by_patient ON share_links (patient_id, create_time);

-- Append-only and hash-chained: each row's hash covers its fields and the previous row's
-- hash, so changing or removing a row breaks the chain from there on (medjournal audit
-- verify). The triggers stop accidental edits through SQL; the chain catches deliberate ones.
CREATE TABLE audit_events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    patient_id     TEXT NOT NULL,
    actor_id       TEXT NOT NULL DEFAULT '',
    share_link_id  TEXT NOT NULL DEFAULT '',
    method         TEXT NOT NULL,
    action         INTEGER NOT NULL CHECK (action IN (1, 2)),   -- medjournal.v1.AuditAction
    create_time    INTEGER NOT NULL,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
) STRICT;

CREATE INDEX audit_events_by_patient ON audit_events (patient_id, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
