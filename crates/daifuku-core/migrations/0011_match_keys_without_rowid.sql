-- match_keys without rowid. Every lookup names (key_type, kind, key) and
-- 0009's covering index answered them all, so the rowid table beside it was
-- never read by key: keyed like that index, each key is stored once. One
-- b-tree insert less per key on every write (8 per company, 5 per contact),
-- and smaller databases and snapshot images.
CREATE TABLE match_keys_new (
    key_type TEXT NOT NULL,   -- name, reading, phone, email, postal, corporate_number, code, address, person
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (key_type, kind, key, record_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO match_keys_new (key_type, kind, key, record_id)
    SELECT key_type, kind, key, record_id FROM match_keys ORDER BY key_type, kind, key, record_id;
DROP TABLE match_keys;
ALTER TABLE match_keys_new RENAME TO match_keys;
CREATE INDEX match_keys_by_record ON match_keys (record_id);
