-- 0015: a claim whose cue is negated (extractor 0.5.18: "did not say" has the cue lemma
-- `not say`, "did not deny" is `not deny` with stance `neutral`) states nothing: the same
-- content said by another speaker is neither corroborated by it nor contradicted. Before, "did
-- not deny" was stored as a denial and conflicted with the same content by opposite cues.
-- As in 0009, with both claims' cues checked.
-- Never edit a shipped migration: add a new numbered file instead.
DROP VIEW IF EXISTS same_content_relations;

CREATE VIEW same_content_relations AS
SELECT
    lo.seq AS a_seq, lo.id AS a_id, hi.seq AS b_seq, hi.id AS b_id,
    CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
         THEN 'conflicts' ELSE 'corroborates' END AS kind,
    1.0 AS score,
    CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
         THEN 'opposite-cue/1' ELSE 'same-content/1' END AS basis,
    CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
         THEN 'cue: ' || (CASE lo.cue WHEN '' THEN 'asserts' ELSE lo.cue END) || ' vs '
                      || (CASE hi.cue WHEN '' THEN 'asserts' ELSE hi.cue END)
         ELSE 'same content from ' || lo.speaker || ' and ' || hi.speaker END AS reason
FROM claim_keys k1
JOIN claim_keys k2
  ON k2.key = k1.key AND k2.detail = k1.detail AND k2.claim_seq <> k1.claim_seq
JOIN claims lo ON lo.seq = k1.claim_seq
JOIN claims hi ON hi.seq = k2.claim_seq
WHERE k1.key >= 'n:' AND k1.key < 'n;' AND k2.key >= 'n:' AND k2.key < 'n;'
  AND lo.id < hi.id
  AND NOT EXISTS (SELECT 1 FROM common_keys c WHERE c.key = k1.key)
  AND lo.cue NOT LIKE 'not %' AND hi.cue NOT LIKE 'not %'
  AND ((lo.stance = 'denying') <> (hi.stance = 'denying')
       OR lower(lo.speaker) <> lower(hi.speaker));
