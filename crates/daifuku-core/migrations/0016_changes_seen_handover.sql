-- 0016: hand-over and "what changed since I last looked" (issue 21 items 4 and 5).
-- All three tables belong to this device (never synced, emptied in a snapshot
-- image): see src/store/history.rs and src/store/handover.rs.

-- Every write that touches a company or a record around it (contacts,
-- activities, deals, tasks, purchases, financials, relations), as this
-- device saw it arrive: written here (`local`, the change log row is
-- `change_seq`) or applied by folder sync (`sync`, the values applied are in
-- `fields`). `hlc` is when the author made it; `arrived_at` when this device
-- got it (its own clock), which is what "since I last looked" compares.
CREATE TABLE IF NOT EXISTS company_history (
    seq INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL,
    arrived_at INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    author TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('local', 'sync')),
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op TEXT NOT NULL,
    -- 'joined' / 'left': the record's company changed to / away from this one.
    movement TEXT,
    change_seq INTEGER,
    fields TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS company_history_by_company ON company_history (company_id, arrived_at);
CREATE INDEX IF NOT EXISTS company_history_by_time ON company_history (arrived_at);
CREATE INDEX IF NOT EXISTS company_history_by_record ON company_history (record_id, seq);

-- When each user of this computer last opened each company page.
CREATE TABLE IF NOT EXISTS company_seen (
    user_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, company_id)
) STRICT, WITHOUT ROWID;

-- One hand-over (引き継ぎ), for its undo: every owner field it set (JSON).
CREATE TABLE IF NOT EXISTS handovers (
    id TEXT PRIMARY KEY NOT NULL,
    from_user TEXT NOT NULL,
    to_user TEXT NOT NULL,
    filter TEXT NOT NULL,
    made_at INTEGER NOT NULL,
    made_by TEXT,
    moved TEXT NOT NULL,
    undone_at INTEGER,
    undone_by TEXT
) STRICT;
