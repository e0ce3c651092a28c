-- 0020: the trash's group lookups (issue 19): trashed members of a company,
-- found by company when its group is folded together or restored.
CREATE INDEX IF NOT EXISTS contacts_trash_by_company ON contacts (company_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS deals_trash_by_company ON deals (company_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS tasks_trash_by_company ON tasks (company_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS activities_trash_by_company ON activities (company_id, deleted_at) WHERE deleted_at IS NOT NULL;
