-- The audit trail chains each patient's events instead of all events: a new event's
-- prev_hash is the hash of the newest event of the same patient_id. The global chain made
-- every audited access of every patient read one last row, which a backend with concurrent
-- writers could only extend under one lock.
--
-- Events written before this migration stay as they were chained, one chain across all
-- patients. This row records where that chain ends, so that verify checks the events
-- before per_patient_from as one chain, and each patient's events from there on as the
-- patient's chain, whose first event links to that patient's last event before it (or to
-- nothing, if the patient had none). legacy_head is the global chain's last hash, so
-- removing its last event is detected even if that patient has no later event.
CREATE TABLE audit_chain (
    id                INTEGER PRIMARY KEY CHECK (id = 1),   -- one row
    per_patient_from  INTEGER NOT NULL,   -- the first audit_events.seq chained per patient
    legacy_head       BLOB NOT NULL       -- hash of the event before it; empty if none
) STRICT;

INSERT INTO audit_chain (id, per_patient_from, legacy_head)
    SELECT 1, COALESCE(MAX(seq), 0) + 1,
        COALESCE((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), x'')
    FROM audit_events;

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
