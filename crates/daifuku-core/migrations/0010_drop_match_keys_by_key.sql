-- Every match-key lookup names the record kind (duplicate checks, imports,
-- search), so match_keys_by_kind (0009) serves them all and
-- match_keys_by_key only cost a b-tree insert per key on every write and
-- ~6% of a snapshot image (73 MB at 100k companies + 300k contacts).
DROP INDEX match_keys_by_key;
