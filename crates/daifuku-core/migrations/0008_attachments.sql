-- Attachments (issue 5): business-card images and documents attached to a
-- record. `attachments` is a record kind like any other (it syncs through the
-- change log, goes to the trash); the bytes live once per content in `blobs`,
-- keyed by their SHA-256, and travel through the sync folder as
-- `a/<sha256>.dfk`. A record whose blob has not arrived yet is "pending".

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    mime TEXT,
    size INTEGER,
    sha256 TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_by_owner ON attachments (owner_id, owner_kind) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_created_at ON attachments (created_at) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_sha256 ON attachments (sha256);
CREATE INDEX attachments_trash ON attachments (deleted_at) WHERE deleted_at IS NOT NULL;

-- File contents by SHA-256 (lower-case hex). Never part of the change log.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    mime TEXT
) STRICT;

INSERT INTO live_counts (tbl, n) SELECT 'attachments', COUNT(*) FROM attachments WHERE deleted_at IS NULL;
CREATE TRIGGER attachments_count_ins AFTER INSERT ON attachments WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'attachments'; END;
CREATE TRIGGER attachments_count_del AFTER DELETE ON attachments WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'attachments'; END;
CREATE TRIGGER attachments_count_upd AFTER UPDATE OF deleted_at ON attachments
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'attachments'; END;
