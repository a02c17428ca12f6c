-- 0012: `claim_keys` holds no rows of a key past the bound (held by more than 32 claims, listed
-- in `common_keys`) except the content key's (`n:`, read by `same_content_relations`) and the
-- two-term `t:` keys' (the keys reviews are looked up by). A key past the bound pairs nothing
-- and its holders only grow, so its rows were read by nothing; they were most of the table
-- (84% of the `t:` rows of 20,000 varied articles) and written into the index at every import
-- and sync. The relation step deletes a key's rows when it passes the bound and writes none
-- after (`src/ledger/derive.rs`); `claims rebuild` writes the same rows.
-- Never edit a shipped migration: add a new numbered file instead.
DELETE FROM claim_keys
WHERE key IN (SELECT key FROM common_keys)
  AND NOT (key >= 'n:' AND key < 'n;')
  AND NOT (key >= 't:' AND key < 't;' AND instr(key, '+') > 0);
