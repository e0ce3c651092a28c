-- Import (issue 6): the column mapping of each file layout, so the next file
-- with the same headers imports without mapping again. Local to this
-- database and never synced: it records a habit of this office's files, not
-- customer data.
CREATE TABLE import_mappings (
    fingerprint TEXT PRIMARY KEY NOT NULL,  -- hash of the normalized headers
    kind TEXT NOT NULL,
    headers TEXT NOT NULL,                  -- JSON array, as in the file
    mapping TEXT NOT NULL,                  -- JSON array of {column, header, target}
    used_at INTEGER NOT NULL                -- ms since the epoch
) STRICT;
