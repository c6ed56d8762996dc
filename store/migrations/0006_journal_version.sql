-- A per-patient counter bumped by every write that changes what the rules read (entries,
-- medications, profile), so a rule evaluation made on a snapshot can check, cheaply and
-- exactly, that nothing changed before its result is recorded.
ALTER TABLE accounts ADD COLUMN journal_version INTEGER NOT NULL DEFAULT 0;
