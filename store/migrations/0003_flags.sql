-- Warning-sign flags raised by the rule engine, their evidence and their history.

CREATE TABLE flags (
    id                  TEXT PRIMARY KEY,
    patient_id          TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    rule_id             TEXT NOT NULL,
    category            INTEGER NOT NULL,
    urgency             INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 3),   -- medjournal.v1.Urgency
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 5),    -- medjournal.v1.FlagStatus
    -- What the rule said when it raised the flag, kept even if a later release rewords it.
    title               TEXT NOT NULL,
    patient_advice      TEXT NOT NULL,
    clinician_summary   TEXT NOT NULL,
    source              BLOB NOT NULL,      -- medjournal.v1.Source
    episode_ms          INTEGER NOT NULL,   -- the rule's episode length
    last_evidence_time  INTEGER NOT NULL,   -- occurred_time of the newest evidence
    create_time         INTEGER NOT NULL,
    update_time         INTEGER NOT NULL
) STRICT;

-- The open flag of a rule for a patient, to join new evidence to it.
CREATE INDEX flags_by_patient_rule ON flags (patient_id, rule_id, status);
-- A patient's flags and the triage queue, most urgent then oldest first.
CREATE INDEX flags_by_patient_triage ON flags (patient_id, status, urgency DESC, create_time);

CREATE TABLE flag_evidence (
    flag_id   TEXT NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
    entry_id  TEXT NOT NULL REFERENCES entries (id),
    PRIMARY KEY (flag_id, entry_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX flag_evidence_by_entry ON flag_evidence (entry_id);

CREATE TABLE flag_events (
    seq          INTEGER PRIMARY KEY,
    flag_id      TEXT NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
    type         INTEGER NOT NULL,          -- medjournal.v1.FlagEventType
    actor_id     TEXT NOT NULL DEFAULT '',  -- empty for the rule engine
    note         TEXT NOT NULL DEFAULT '',
    urgency      INTEGER NOT NULL,
    entry_id     TEXT NOT NULL DEFAULT '',
    create_time  INTEGER NOT NULL
) STRICT;

CREATE INDEX flag_events_by_flag ON flag_events (flag_id, seq);
