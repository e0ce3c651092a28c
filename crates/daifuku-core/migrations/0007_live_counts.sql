-- Live-record counts per table, kept by triggers so every write path
-- (records, import, merge, sync, restore) keeps them true. An unfiltered
-- list reads its total here instead of counting 100k index entries.
CREATE TABLE live_counts (
  tbl TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO live_counts (tbl, n) SELECT 'companies', COUNT(*) FROM companies WHERE deleted_at IS NULL;
CREATE TRIGGER companies_count_ins AFTER INSERT ON companies WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'companies'; END;
CREATE TRIGGER companies_count_del AFTER DELETE ON companies WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'companies'; END;
CREATE TRIGGER companies_count_upd AFTER UPDATE OF deleted_at ON companies
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'companies'; END;

INSERT INTO live_counts (tbl, n) SELECT 'company_financials', COUNT(*) FROM company_financials WHERE deleted_at IS NULL;
CREATE TRIGGER company_financials_count_ins AFTER INSERT ON company_financials WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'company_financials'; END;
CREATE TRIGGER company_financials_count_del AFTER DELETE ON company_financials WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'company_financials'; END;
CREATE TRIGGER company_financials_count_upd AFTER UPDATE OF deleted_at ON company_financials
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'company_financials'; END;

INSERT INTO live_counts (tbl, n) SELECT 'company_relations', COUNT(*) FROM company_relations WHERE deleted_at IS NULL;
CREATE TRIGGER company_relations_count_ins AFTER INSERT ON company_relations WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'company_relations'; END;
CREATE TRIGGER company_relations_count_del AFTER DELETE ON company_relations WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'company_relations'; END;
CREATE TRIGGER company_relations_count_upd AFTER UPDATE OF deleted_at ON company_relations
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'company_relations'; END;

INSERT INTO live_counts (tbl, n) SELECT 'contacts', COUNT(*) FROM contacts WHERE deleted_at IS NULL;
CREATE TRIGGER contacts_count_ins AFTER INSERT ON contacts WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'contacts'; END;
CREATE TRIGGER contacts_count_del AFTER DELETE ON contacts WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'contacts'; END;
CREATE TRIGGER contacts_count_upd AFTER UPDATE OF deleted_at ON contacts
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'contacts'; END;

INSERT INTO live_counts (tbl, n) SELECT 'contact_positions', COUNT(*) FROM contact_positions WHERE deleted_at IS NULL;
CREATE TRIGGER contact_positions_count_ins AFTER INSERT ON contact_positions WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'contact_positions'; END;
CREATE TRIGGER contact_positions_count_del AFTER DELETE ON contact_positions WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'contact_positions'; END;
CREATE TRIGGER contact_positions_count_upd AFTER UPDATE OF deleted_at ON contact_positions
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'contact_positions'; END;

INSERT INTO live_counts (tbl, n) SELECT 'card_exchanges', COUNT(*) FROM card_exchanges WHERE deleted_at IS NULL;
CREATE TRIGGER card_exchanges_count_ins AFTER INSERT ON card_exchanges WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'card_exchanges'; END;
CREATE TRIGGER card_exchanges_count_del AFTER DELETE ON card_exchanges WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'card_exchanges'; END;
CREATE TRIGGER card_exchanges_count_upd AFTER UPDATE OF deleted_at ON card_exchanges
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'card_exchanges'; END;

INSERT INTO live_counts (tbl, n) SELECT 'activities', COUNT(*) FROM activities WHERE deleted_at IS NULL;
CREATE TRIGGER activities_count_ins AFTER INSERT ON activities WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'activities'; END;
CREATE TRIGGER activities_count_del AFTER DELETE ON activities WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'activities'; END;
CREATE TRIGGER activities_count_upd AFTER UPDATE OF deleted_at ON activities
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'activities'; END;

INSERT INTO live_counts (tbl, n) SELECT 'tasks', COUNT(*) FROM tasks WHERE deleted_at IS NULL;
CREATE TRIGGER tasks_count_ins AFTER INSERT ON tasks WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'tasks'; END;
CREATE TRIGGER tasks_count_del AFTER DELETE ON tasks WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'tasks'; END;
CREATE TRIGGER tasks_count_upd AFTER UPDATE OF deleted_at ON tasks
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'tasks'; END;

INSERT INTO live_counts (tbl, n) SELECT 'deals', COUNT(*) FROM deals WHERE deleted_at IS NULL;
CREATE TRIGGER deals_count_ins AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'deals'; END;
CREATE TRIGGER deals_count_del AFTER DELETE ON deals WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'deals'; END;
CREATE TRIGGER deals_count_upd AFTER UPDATE OF deleted_at ON deals
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'deals'; END;

INSERT INTO live_counts (tbl, n) SELECT 'products', COUNT(*) FROM products WHERE deleted_at IS NULL;
CREATE TRIGGER products_count_ins AFTER INSERT ON products WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'products'; END;
CREATE TRIGGER products_count_del AFTER DELETE ON products WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'products'; END;
CREATE TRIGGER products_count_upd AFTER UPDATE OF deleted_at ON products
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'products'; END;

INSERT INTO live_counts (tbl, n) SELECT 'product_scores', COUNT(*) FROM product_scores WHERE deleted_at IS NULL;
CREATE TRIGGER product_scores_count_ins AFTER INSERT ON product_scores WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'product_scores'; END;
CREATE TRIGGER product_scores_count_del AFTER DELETE ON product_scores WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'product_scores'; END;
CREATE TRIGGER product_scores_count_upd AFTER UPDATE OF deleted_at ON product_scores
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'product_scores'; END;

INSERT INTO live_counts (tbl, n) SELECT 'case_studies', COUNT(*) FROM case_studies WHERE deleted_at IS NULL;
CREATE TRIGGER case_studies_count_ins AFTER INSERT ON case_studies WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'case_studies'; END;
CREATE TRIGGER case_studies_count_del AFTER DELETE ON case_studies WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'case_studies'; END;
CREATE TRIGGER case_studies_count_upd AFTER UPDATE OF deleted_at ON case_studies
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'case_studies'; END;

INSERT INTO live_counts (tbl, n) SELECT 'purchases', COUNT(*) FROM purchases WHERE deleted_at IS NULL;
CREATE TRIGGER purchases_count_ins AFTER INSERT ON purchases WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'purchases'; END;
CREATE TRIGGER purchases_count_del AFTER DELETE ON purchases WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'purchases'; END;
CREATE TRIGGER purchases_count_upd AFTER UPDATE OF deleted_at ON purchases
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'purchases'; END;

INSERT INTO live_counts (tbl, n) SELECT 'users', COUNT(*) FROM users WHERE deleted_at IS NULL;
CREATE TRIGGER users_count_ins AFTER INSERT ON users WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'users'; END;
CREATE TRIGGER users_count_del AFTER DELETE ON users WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'users'; END;
CREATE TRIGGER users_count_upd AFTER UPDATE OF deleted_at ON users
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'users'; END;

INSERT INTO live_counts (tbl, n) SELECT 'note_templates', COUNT(*) FROM note_templates WHERE deleted_at IS NULL;
CREATE TRIGGER note_templates_count_ins AFTER INSERT ON note_templates WHEN NEW.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n + 1 WHERE tbl = 'note_templates'; END;
CREATE TRIGGER note_templates_count_del AFTER DELETE ON note_templates WHEN OLD.deleted_at IS NULL
BEGIN UPDATE live_counts SET n = n - 1 WHERE tbl = 'note_templates'; END;
CREATE TRIGGER note_templates_count_upd AFTER UPDATE OF deleted_at ON note_templates
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN UPDATE live_counts SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE tbl = 'note_templates'; END;
