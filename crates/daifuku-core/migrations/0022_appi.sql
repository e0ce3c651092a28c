-- 0022: the APPI toolkit (issue 18 item 4): 利用停止 on contacts,
-- 第三者提供記録 (records of provision to a third party) and the
-- 漏えい等 incident register. Re-runnable.
-- The contact columns use_stopped, use_stopped_on and use_stopped_reason are
-- added by the migration's hook, only where missing (ALTER TABLE has no
-- IF NOT EXISTS): see src/store/appi/mod.rs.

-- One export for a third party (APPI Art. 29): when, to whom, why, which
-- items, which people. Kept for the retention period (3 years; 1 year from
-- the last provision to that recipient where a contract stands in).
CREATE TABLE IF NOT EXISTS provisions (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    provided_on TEXT NOT NULL,
    user_id TEXT,
    device_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT,
    items TEXT NOT NULL,
    people INTEGER NOT NULL,
    contract INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS provisions_by_date ON provisions (provided_on);

-- Which people each provision held (a person's page and disclosure read it).
CREATE TABLE IF NOT EXISTS provision_people (
    contact_id TEXT NOT NULL,
    provision_id TEXT NOT NULL,
    PRIMARY KEY (contact_id, provision_id)
) STRICT, WITHOUT ROWID;

-- 漏えい等の事案 (APPI Art. 26, enforcement rules 7–8).
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    discovered_on TEXT NOT NULL,
    what TEXT NOT NULL,
    people INTEGER NOT NULL,
    sensitive INTEGER NOT NULL DEFAULT 0,
    unauthorized_access INTEGER NOT NULL DEFAULT 0,
    encrypted INTEGER NOT NULL DEFAULT 0,
    financial_harm INTEGER NOT NULL DEFAULT 0,
    malicious INTEGER NOT NULL DEFAULT 0
) STRICT;
