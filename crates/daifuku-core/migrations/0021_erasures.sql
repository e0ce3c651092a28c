-- 0021: erase everywhere (消去, issue 18 item 4).
-- One row per record erased on this device, whether the user erased it here
-- (origin 'local') or another device's erase marker in the sync folder said
-- so (origin: that device's id; 'sync' when markers of several devices, or
-- a record that came back after an erase, were erased together). Ids and times only, never a value: the row
-- keeps erased records from coming back (a late change file, an old
-- snapshot) and tells the sync round what is left to do in the folder.
CREATE TABLE IF NOT EXISTS erasures (
    record_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    erased_at INTEGER NOT NULL,
    origin TEXT NOT NULL,
    -- This device wrote its erase marker into the sync folder (local erases).
    marker_written INTEGER NOT NULL DEFAULT 0,
    -- This device's own files in the sync folder no longer hold the values.
    scrubbed INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS erasures_pending ON erasures (scrubbed, marker_written);

-- Attachment bytes an erase removed (no other attachment had the same
-- content): the sync round removes their `a/<sha256>.dfk` file from the folder.
CREATE TABLE IF NOT EXISTS erased_blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    erased_at INTEGER NOT NULL,
    scrubbed INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
