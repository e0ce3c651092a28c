-- Search index, and the record of merges (issue 4).
--
-- One search document per live company, contact, deal, product and activity,
-- written from Rust on every write (src/keys.rs `search_doc`,
-- src/store/search.rs), as normalization needs Rust. A record moved to the
-- trash loses its document (triggers below); a restored one gets it back.

-- Documents. The high bits of `doc` hold the kind's rank (company 1,
-- contact 2, deal 3, product 4, activity 5), so full-text results come out
-- in that order and one kind is a rowid range.
CREATE TABLE search_docs (
    doc INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL UNIQUE,
    digest INTEGER NOT NULL   -- hash of the indexed text: unchanged text is not re-indexed
) STRICT;

-- Substring search for queries of 3+ characters. One row per non-empty
-- column value of a document: rowid = column << 44 | doc, columns 0 name,
-- 1 reading, 2 code, 3 e-mail, 4 phone, 5 other text; a search of one column
-- is a rowid range. Contentless: the text lives in the record tables, and
-- snippets are cut from there.
CREATE VIRTUAL TABLE search_text USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- Queries of 1–2 characters: every unigram and bigram of names (0),
-- readings (1) and codes (2) as space-separated tokens, rowids as above.
CREATE VIRTUAL TABLE search_grams USING fts5(
    grams, content = '', contentless_delete = 1, detail = 'none',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- A record moved to the trash leaves the index, whichever code path trashed it
-- (the store, folder sync). Restoring rewrites the document (src/store/search.rs).
CREATE TRIGGER companies_leave_search AFTER UPDATE OF deleted_at ON companies
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER contacts_leave_search AFTER UPDATE OF deleted_at ON contacts
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER deals_leave_search AFTER UPDATE OF deleted_at ON deals
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER products_leave_search AFTER UPDATE OF deleted_at ON products
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER activities_leave_search AFTER UPDATE OF deleted_at ON activities
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;

-- Merges of two records, with everything needed to undo them: both records'
-- fields before, the survivor's fields after, and every reference moved from
-- the loser to the survivor (JSON). See src/store/merge.rs.
CREATE TABLE merges (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    survivor_id TEXT NOT NULL,
    loser_id TEXT NOT NULL,
    merged_at INTEGER NOT NULL,
    merged_by TEXT,
    survivor_before TEXT NOT NULL,
    survivor_after TEXT NOT NULL,
    loser_before TEXT NOT NULL,
    moved TEXT NOT NULL,
    undone_at INTEGER,
    undone_by TEXT
) STRICT;
CREATE INDEX merges_by_survivor ON merges (survivor_id);
CREATE INDEX merges_by_loser ON merges (loser_id);
CREATE INDEX merges_by_merged_at ON merges (merged_at);
