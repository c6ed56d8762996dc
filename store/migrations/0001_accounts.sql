-- Accounts and their sessions. Times are INTEGER milliseconds since the Unix epoch (UTC).

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,          -- stored lower-cased
    display_name    TEXT NOT NULL,
    role            INTEGER NOT NULL CHECK (role IN (1, 2, 3)),  -- medjournal.v1.Role
    time_zone       TEXT NOT NULL,
    password_hash   TEXT NOT NULL,                 -- argon2id, PHC string format
    birth_year      INTEGER NOT NULL DEFAULT 0,
    sex             INTEGER NOT NULL DEFAULT 0,
    smoking_status  INTEGER NOT NULL DEFAULT 0,
    risk_factors    TEXT NOT NULL DEFAULT '[]',    -- JSON array of catalog codes
    create_time     INTEGER NOT NULL,
    update_time     INTEGER NOT NULL
) STRICT;

-- A session is stored by the SHA-256 of its token only: a stolen database file does not
-- yield tokens that work.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    token_hash      BLOB NOT NULL UNIQUE,
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    create_time     INTEGER NOT NULL,
    expire_time     INTEGER NOT NULL,   -- absolute end
    last_used_time  INTEGER NOT NULL,   -- for the idle timeout
    user_agent      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expire_time);
