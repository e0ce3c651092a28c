-- A contact's person name at its company as one match key (issue 4's rule
-- "same person name key + same company"): `person || char(31) || company_id`,
-- the key `keys::person_company_key` makes on every write. The duplicate
-- scan groups these keys in one ordered range instead of joining every
-- person key with its contact row, and a form checks the rule with one
-- lookup. Keys exist for live records only, so existing person keys are
-- the contacts to give one.
INSERT OR IGNORE INTO match_keys (key_type, kind, key, record_id)
    SELECT 'person_company', 'contact', m.key || char(31) || c.company_id, m.record_id
      FROM match_keys m JOIN contacts c ON c.id = m.record_id
     WHERE m.key_type = 'person' AND m.kind = 'contact'
       AND c.company_id IS NOT NULL AND c.company_id <> ''
     ORDER BY 3, 4;
