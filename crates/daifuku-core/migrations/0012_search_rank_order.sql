-- Full-text rows renumbered so that rowid order is rank order (issue 4).
-- A full-text rowid is column << 44 | doc; the columns become
-- 0 reading, 1 name, 2 code, 3 phone, 4 e-mail, 5 other text (they were
-- 0 name, 1 reading, 2 code, 3 e-mail, 4 phone, 5 other text), the order in
-- which search ranks a match in them. One MATCH over every column then
-- returns its rows best rank first, and a search runs one full-text query
-- instead of one per column. The grams keep columns 0–2 (reading, name,
-- code). The tables are contentless: the migration's hook indexes every live
-- record again (src/store/search.rs `reindex`).
INSERT INTO search_text (search_text) VALUES ('delete-all');
INSERT INTO search_grams (search_grams) VALUES ('delete-all');
DELETE FROM search_docs;
