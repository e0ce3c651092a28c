-- Shared conflicts (issue 19): every value an update wrote to a record
-- field, as every device learns it from the synced history. A version is
-- `replaced` once a write made over it (its `prev`) is known; the open
-- conflicts of a field are its versions nobody replaced other than the
-- current one. Every device holds the same rows once everything is
-- delivered, so every device derives the same conflict list
-- (`store/sync_conflicts.rs`). Creates are not kept: nothing concurrent
-- can lose to a create.
CREATE TABLE IF NOT EXISTS sync_versions (
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- JSON; NULL for a version known only as the one a write replaced.
    value TEXT,
    author TEXT,
    -- The `_deleted` version its writer saw (field writes), or the whole
    -- `prev` of the write (`_deleted` writes: what a delete saw).
    seen TEXT,
    replaced INTEGER NOT NULL DEFAULT 0,
    -- This device's wall clock when it first learned the value (ms): edits
    -- stamped far ahead of it were made under a wrong clock.
    known_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id, field, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sync_versions_heads ON sync_versions (replaced, record_id, field);

-- The open conflicts kept before 0018 become unreplaced versions, with the
-- field's current version beside them (when it is still the one that won),
-- so the derived list starts with what each device showed.
INSERT OR IGNORE INTO sync_versions (record_id, field, version, kind, value, author, seen, replaced, known_at)
SELECT c.record_id, c.field, c.loser_version, c.kind, c.loser_value, c.loser_author, NULL, 0, c.detected_at
FROM sync_conflicts c WHERE c.state = 'open' AND c.reason = 'concurrent_edit'
  AND NOT EXISTS (SELECT 1 FROM sync_resolved r WHERE r.record_id = c.record_id AND r.field = c.field
                  AND r.loser_version = c.loser_version);
INSERT OR IGNORE INTO sync_versions (record_id, field, version, kind, value, author, seen, replaced, known_at)
SELECT c.record_id, c.field, c.winner_version, c.kind, c.winner_value, c.winner_author, NULL, 0, c.detected_at
FROM sync_conflicts c JOIN record_clocks k ON k.record_id = c.record_id
WHERE c.state = 'open' AND c.reason = 'concurrent_edit'
  AND c.winner_version = COALESCE(json_extract(k.clocks, '$."' || c.field || '"'), json_extract(k.clocks, '$.""'));
