-- 0011: `claim_keys` stores no detail for `t:` keys (the empty string). Their detail was a
-- digest of the claim's folded content (16 hex digits), the same for all of a claim's `t:`
-- keys and read by nothing: the relation step reads only the content key's (`n:`) detail.
-- Most rows of the table are `t:` rows, so this makes the index about a third smaller and
-- every import and sync write fewer pages. The same pairs, the same relations.
-- Never edit a shipped migration: add a new numbered file instead.
UPDATE claim_keys SET detail = '' WHERE key >= 't:' AND key < 't;' AND detail <> '';
