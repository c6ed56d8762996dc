-- No query reads entries by (patient_id, code): the rules load a patient's window by time
-- (entries_by_patient_time), labs included. The index only cost every insert and edit a
-- B-tree update and the WAL a page per write. DROP INDEX rewrites no table.
DROP INDEX IF EXISTS entries_by_patient_code_time;
