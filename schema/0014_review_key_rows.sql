-- 0014: `claim_keys` no longer keeps the rows of a two-term `t:` key past the bound (held by
-- more than 32 claims, listed in `common_keys`) for a claim whose content is plain text (ASCII,
-- no NUL). Schema 12 kept every holder's row of those keys because reviews are looked up by
-- them; a review now finds such holders through the full-text index `claims_fts` (a phrase
-- prefix search for each term, then the claim's candidate keys checked,
-- `src/store/index.rs`, `text_holders`), which finds every plain-text claim holding the key.
-- The rows kept: those of a claim whose content is not plain text, and every row of a key
-- with more than one `+` (a term may hold one) or that is not ASCII
-- (`store::kept_row_past_bound`). They were two thirds of the table (37,878 of 58,808 rows at
-- 2,000 varied articles), written at every import and sync. The same review matches.
-- Never edit a shipped migration: add a new numbered file instead.
DELETE FROM claim_keys
WHERE key IN (SELECT key FROM common_keys)
  AND key >= 't:' AND key < 't;'
  AND instr(key, '+') > 2
  AND instr(substr(key, instr(key, '+') + 1), '+') = 0
  AND substr(key, -1) <> '+'
  AND length(key) = length(CAST(key AS BLOB))
  AND claim_seq IN (SELECT seq FROM claims
                    WHERE length(content) = length(CAST(content AS BLOB)));
