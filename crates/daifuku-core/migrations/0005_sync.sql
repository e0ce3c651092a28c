-- Folder sync (issue 5): per-field versions, what each change saw, conflicts
-- kept for the user, and what is known of the other devices.

-- For updates and deletes: the version of each value the write replaced
-- (JSON object field → version; "" stands for every other field). The
-- receiver tells a sequential overwrite from a concurrent one by it.
ALTER TABLE changes ADD COLUMN prev TEXT;

-- The version (hybrid logical clock) of each field's current value: JSON
-- object field → version, "" for every field not named (the create's),
-- "@"/"@field" the author. `_deleted` is the trash state.
CREATE TABLE record_clocks (
    record_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    clocks TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Values that lost to a concurrent write, kept for the user to review.
CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('concurrent_edit', 'edited_while_deleted')),
    loser_version TEXT NOT NULL,
    loser_value TEXT NOT NULL,
    loser_author TEXT,
    winner_version TEXT NOT NULL,
    winner_value TEXT NOT NULL,
    winner_author TEXT,
    detected_at INTEGER NOT NULL,
    -- superseded: the losing value's own writer replaced it since.
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'superseded')),
    UNIQUE (record_id, field, loser_version, reason)
) STRICT;
CREATE INDEX sync_conflicts_by_state ON sync_conflicts (state, record_id);

-- Conflicts resolved on any device (synced as the `_resolved` pseudo-field).
CREATE TABLE sync_resolved (
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    loser_version TEXT NOT NULL,
    reason TEXT NOT NULL,
    resolved_at INTEGER NOT NULL,
    resolved_by TEXT,
    PRIMARY KEY (record_id, field, loser_version, reason)
) STRICT, WITHOUT ROWID;

-- Other devices: how many of their changes are applied here, and what they
-- last said about themselves.
CREATE TABLE sync_peers (
    device_id TEXT PRIMARY KEY NOT NULL,
    applied INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    last_seen INTEGER,
    acks TEXT,
    retired INTEGER NOT NULL DEFAULT 0
) STRICT;

-- This device's sync bookkeeping (changes shipped, counters, last round).
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Files of the folder that could not be read yet (retried every round).
CREATE TABLE sync_bad_files (
    name TEXT PRIMARY KEY NOT NULL,
    problem TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    tries INTEGER NOT NULL
) STRICT;
