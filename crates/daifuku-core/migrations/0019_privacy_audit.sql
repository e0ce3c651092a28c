-- 0019: private memos and the audit trail (issue 18 items 2 and 3).
-- The private_memo columns (companies, contacts, deals) and activities.private
-- are added by the migration's hook, only where missing (ALTER TABLE has no
-- IF NOT EXISTS): see src/store/privacy.rs.

-- 監査ログ: who exported, printed, backed up, restored, merged, deleted,
-- imported, handed over or changed the sync settings, from which device.
-- Append-only and hash-chained per device: `hash` is SHA-256 over the entry
-- and `prev_hash` (the hash of the device's previous entry); see
-- src/store/audit.rs. Never updated: the trigger refuses it.
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    device_seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    user_id TEXT,
    action TEXT NOT NULL,
    kind TEXT,
    format TEXT,
    filter TEXT,
    count INTEGER,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
) STRICT;
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE TRIGGER IF NOT EXISTS audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
