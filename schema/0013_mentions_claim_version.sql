-- 0013: `mentions_claim` holds each mention's version too, so that where a claim appears
-- (`claims relations`: each side's documents, outlet, title and first publication) is read
-- from the index, without a descent into `mentions` (whose rows hold the sentence and the
-- texts as written) per mention: the same index, one column wider, so nothing that read it
-- changes and the write path keeps one index on `mentions(claim_seq...)`. Measured in
-- docs/performance.md (branch `relspeed9`).
-- Never edit a shipped migration: add a new numbered file instead.
DROP INDEX IF EXISTS mentions_claim;
CREATE INDEX mentions_claim ON mentions(claim_seq, version_seq);
