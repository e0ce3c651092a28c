-- 0020: (issue 19) trash lookups by company need no index of their own.
-- Measured at 100k companies with 1,000 groups in the trash: a group's
-- members are found through the `*_trash` indexes on deleted_at (one
-- timestamp names a handful of rows), and the orphan check goes from the
-- trashed companies to the `*_by_company_id` indexes. Indexes a development
-- build of this migration created are dropped, so every database agrees.
DROP INDEX IF EXISTS contacts_trash_by_company;
DROP INDEX IF EXISTS deals_trash_by_company;
DROP INDEX IF EXISTS tasks_trash_by_company;
DROP INDEX IF EXISTS activities_trash_by_company;
