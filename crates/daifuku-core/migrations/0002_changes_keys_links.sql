-- Derived tables for search, duplicates and list links, and the change log
-- that folder sync ships.

-- Normalized match keys beside the raw values (see src/keys.rs).
CREATE TABLE match_keys (
    key_type TEXT NOT NULL,   -- name, reading, phone, email, postal, corporate_number, code, address, person
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL
) STRICT;
CREATE INDEX match_keys_by_key ON match_keys (key_type, key);
CREATE INDEX match_keys_by_record ON match_keys (record_id);

-- One row per id in a list field (activity attendees, shared-with …).
CREATE TABLE record_links (
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (record_id, field, target_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_links_by_target ON record_links (target_id, field);

-- Every write, field by field: what changed, when (hybrid logical clock),
-- on which device and by whom. `fields` is a JSON object of the new values;
-- deletes and restores set the pseudo-field `_deleted`.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    hlc TEXT NOT NULL,
    device_id TEXT NOT NULL,
    author TEXT,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'restore', 'merge', 'unmerge')),
    fields TEXT NOT NULL
) STRICT;
CREATE INDEX changes_by_record ON changes (record_id);

-- The last hybrid-logical-clock value this database handed out.
CREATE TABLE clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hlc_ms INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL
) STRICT;

-- Settings of this database (device id, current user …).
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
