-- A new entry moves its patient's journal version inside the insert itself. Every create
-- bumped the version with a statement of its own, in the single writer every write waits
-- for; the trigger does the same update without a second round trip from Go. The insert
-- reads the version it started from in its RETURNING clause, which SQLite evaluates
-- before AFTER triggers run, so the version it made is that plus one.
CREATE TRIGGER entries_bump_journal_version AFTER INSERT ON entries
BEGIN
    INSERT INTO journal_versions (patient_id, version) VALUES (NEW.patient_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;
END;
