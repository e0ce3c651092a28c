-- 0014: readings (フリガナ) are stored as full-width katakana (issue 20).
-- The migration's hook (store/migrations.rs, normalize_readings) rewrites the
-- readings stored as typed (half-width katakana, hiragana); SQL alone cannot
-- normalize Unicode. Nothing else changes: sort keys, match keys and search
-- documents are made from the reading's katakana key, the same for both forms.
UPDATE settings SET key = key WHERE 0;
