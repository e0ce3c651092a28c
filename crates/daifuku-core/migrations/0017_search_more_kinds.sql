-- Search also finds tasks, purchases/contracts and case studies (issue 21
-- item 7; information reports are activities and were already in it). The
-- kinds' documents take the next ranks after activities (src/keys.rs
-- SEARCH_KINDS: task 6, purchase 7, case study 8); the migration's hook
-- indexes their live records (src/store/derived.rs `index_kinds`). As in
-- 0004, a record moved to the trash leaves the index by trigger, whichever
-- code path trashed it.
CREATE TRIGGER IF NOT EXISTS tasks_leave_search AFTER UPDATE OF deleted_at ON tasks
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS purchases_leave_search AFTER UPDATE OF deleted_at ON purchases
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS case_studies_leave_search AFTER UPDATE OF deleted_at ON case_studies
WHEN new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM search_text WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2,3,4,5]') c WHERE d.record_id = new.id);
    DELETE FROM search_grams WHERE rowid IN
        (SELECT d.doc | (c.value << 44) FROM search_docs d, json_each('[0,1,2]') c WHERE d.record_id = new.id);
    DELETE FROM search_docs WHERE record_id = new.id;
END;
