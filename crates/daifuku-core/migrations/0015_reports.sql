-- 0015: priorities and cross-sell (issue 21 items 1 and 2).

-- A product's grade within its category (グレード): the catalogue's word on
-- which product is higher, for up-sell suggestions.
-- (The column itself is added by the migration's hook, only where it is
-- missing: a database whose user_version a test sets back runs this again.)

-- Revenue of a period per company (ABC analysis): the purchase's date is its
-- contract date, else delivery, else start; covering, so the report reads
-- only this index.
CREATE INDEX IF NOT EXISTS purchases_revenue ON purchases (
    COALESCE(contract_date, delivery_date, start_date), company_id, amount, unit_price, quantity, status
) WHERE deleted_at IS NULL;

-- One "apply the suggested ranks" step, for its undo: every company whose
-- rank changed, with the rank before and after (JSON).
CREATE TABLE IF NOT EXISTS rank_applications (
    id TEXT PRIMARY KEY NOT NULL,
    applied_at INTEGER NOT NULL,
    applied_by TEXT,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    changes TEXT NOT NULL,
    undone_at INTEGER,
    undone_by TEXT
) STRICT;

-- The cross-sell cache: each company's set of products (its basket), and
-- how many baskets hold a product (a = b) or a pair of products (a < b).
-- Refreshed lazily from the companies whose purchases changed since.
CREATE TABLE IF NOT EXISTS cross_sell_baskets (
    company_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    PRIMARY KEY (company_id, product_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cross_sell_pairs (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) STRICT, WITHOUT ROWID;

-- Companies whose purchases changed since the cache was refreshed: every
-- write of a purchase (the app, imports, sync, merges) marks them.
CREATE TABLE IF NOT EXISTS cross_sell_dirty (
    company_id TEXT PRIMARY KEY NOT NULL
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO cross_sell_dirty (company_id) SELECT DISTINCT company_id FROM purchases;
CREATE TRIGGER IF NOT EXISTS purchases_cross_sell_ins AFTER INSERT ON purchases
BEGIN INSERT OR IGNORE INTO cross_sell_dirty (company_id) VALUES (NEW.company_id); END;
CREATE TRIGGER IF NOT EXISTS purchases_cross_sell_upd AFTER UPDATE OF company_id, product_id, status, deleted_at ON purchases
BEGIN
    INSERT OR IGNORE INTO cross_sell_dirty (company_id) VALUES (OLD.company_id);
    INSERT OR IGNORE INTO cross_sell_dirty (company_id) VALUES (NEW.company_id);
END;
CREATE TRIGGER IF NOT EXISTS purchases_cross_sell_del AFTER DELETE ON purchases
BEGIN INSERT OR IGNORE INTO cross_sell_dirty (company_id) VALUES (OLD.company_id); END;
