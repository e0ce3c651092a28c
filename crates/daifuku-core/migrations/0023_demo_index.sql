-- 0023: (issue 17) the app's start asks how many demo records are left
-- (first_run_state): without an index that was a scan of every table, about
-- 0.5–0.7 s at 100k companies, holding the store while the first list
-- waited. Partial indexes hold the demo rows only (`created_by` = 'demo',
-- `store::demo::DEMO_AUTHOR`), so they cost nothing in an office's own data.
CREATE INDEX IF NOT EXISTS companies_demo ON companies (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS company_financials_demo ON company_financials (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS company_relations_demo ON company_relations (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS contacts_demo ON contacts (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS contact_positions_demo ON contact_positions (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS card_exchanges_demo ON card_exchanges (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS activities_demo ON activities (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS tasks_demo ON tasks (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS deals_demo ON deals (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS products_demo ON products (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS product_scores_demo ON product_scores (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS case_studies_demo ON case_studies (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS purchases_demo ON purchases (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS users_demo ON users (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS note_templates_demo ON note_templates (created_by) WHERE created_by = 'demo';
CREATE INDEX IF NOT EXISTS attachments_demo ON attachments (created_by) WHERE created_by = 'demo';
