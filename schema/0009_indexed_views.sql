-- 0009: views and indexes for a large database (issue 15): a query whose filter names a
-- claim, a speaker or a document reads the rows of that claim, speaker or document, not the
-- whole of `claims`, `mentions` or the relation rows (tests/query_plans.rs checks every
-- documented example with EXPLAIN QUERY PLAN). The views keep their names and columns.
-- (0008 is another branch's.) Never edit a shipped migration.

-- A claim's own content key (`n:`), found by the claim: the same-content part of the
-- relations of one claim, speaker or document starts here. Partial: one row per claim.
CREATE INDEX IF NOT EXISTS claim_keys_content ON claim_keys(claim_seq, key, detail)
    WHERE key >= 'n:' AND key < 'n;';
-- The found relations of one kind (`claims relations --kind conflicts`), and the denying
-- claims, from which every same-content conflict starts (one side denies, the other not).
CREATE INDEX IF NOT EXISTS found_relations_kind ON found_relations(kind);
CREATE INDEX IF NOT EXISTS claims_denying ON claims(stance) WHERE stance = 'denying';
-- A person's judgements of one claim.
CREATE INDEX IF NOT EXISTS relations_from ON relations(from_seq) WHERE manual = 1;
CREATE INDEX IF NOT EXISTS relations_to ON relations(to_seq) WHERE manual = 1;

DROP VIEW IF EXISTS open_conflicts;
DROP VIEW IF EXISTS corroborations;
DROP VIEW IF EXISTS claim_updates;
DROP VIEW IF EXISTS claim_relations;
DROP VIEW IF EXISTS claim_history;
DROP VIEW IF EXISTS claim_entities;
DROP VIEW IF EXISTS same_content_relations;

-- As in 0004, with the key range stated for both holders, so that a filter on either claim
-- (`a_seq` or `b_seq`) starts from that claim's content key (`claim_keys_content`).
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
  AND ((lo.stance = 'denying') <> (hi.stance = 'denying')
       OR lower(lo.speaker) <> lower(hi.speaker));

-- Every relation, found or judged (as in 0004), written as one UNION ALL of plain joins so
-- that a filter on a claim (`from_seq`, `to_seq`, `from_id`, `to_id`) or a kind reaches each
-- part and is answered with its indexes: the manual judgements; the rows of `found_relations`
-- (once, whatever document an `updates` came from); the same-content pairs of
-- `same_content_relations`, except one equal to a found row.
CREATE VIEW claim_relations AS
SELECT
    r.id AS relation_id, r.kind AS kind, 1.0 AS score, r.basis AS basis, r.note AS note,
    1 AS manual,
    EXISTS (SELECT 1 FROM current_relations c WHERE c.seq = r.seq) AS current,
    a.id AS from_id, a.speaker AS from_speaker, a.cue AS from_cue, a.stance AS from_stance,
    a.content AS from_content,
    b.id AS to_id, b.speaker AS to_speaker, b.cue AS to_cue, b.stance AS to_stance,
    b.content AS to_content,
    r.pair_lo AS pair_lo, r.pair_hi AS pair_hi, r.seq AS seq, r.at AS at,
    r.from_seq AS from_seq, r.to_seq AS to_seq
FROM relations r
JOIN claims a ON a.seq = r.from_seq
JOIN claims b ON b.seq = r.to_seq
WHERE r.manual = 1
UNION ALL
SELECT
    NULL, f.kind, f.score, f.basis, f.reason, 0,
    NOT EXISTS (SELECT 1 FROM relations m
                WHERE m.manual = 1
                  AND m.pair_lo = min(f.a_id, f.b_id) AND m.pair_hi = max(f.a_id, f.b_id)),
    a.id, a.speaker, a.cue, a.stance, a.content,
    b.id, b.speaker, b.cue, b.stance, b.content,
    min(f.a_id, f.b_id), max(f.a_id, f.b_id), NULL, NULL, f.a_seq, f.b_seq
FROM found_relations f
JOIN claims a ON a.seq = f.a_seq
JOIN claims b ON b.seq = f.b_seq
-- One row per (pair, kind, score, basis, reason): an `updates` found in several documents
-- has one row per document in `found_relations`; the first (smallest version_seq) stands.
WHERE NOT EXISTS (SELECT 1 FROM found_relations g
                  WHERE g.a_seq = f.a_seq AND g.b_seq = f.b_seq AND g.kind = f.kind
                    AND g.version_seq < f.version_seq AND g.score = f.score
                    AND g.basis = f.basis AND g.reason = f.reason)
UNION ALL
SELECT
    NULL, s.kind, s.score, s.basis, s.reason, 0,
    NOT EXISTS (SELECT 1 FROM relations m
                WHERE m.manual = 1 AND m.pair_lo = s.a_id AND m.pair_hi = s.b_id),
    a.id, a.speaker, a.cue, a.stance, a.content,
    b.id, b.speaker, b.cue, b.stance, b.content,
    s.a_id, s.b_id, NULL, NULL, s.a_seq, s.b_seq
FROM same_content_relations s
JOIN claims a ON a.seq = s.a_seq
JOIN claims b ON b.seq = s.b_seq
WHERE NOT EXISTS (SELECT 1 FROM found_relations g
                  WHERE g.a_seq = s.a_seq AND g.b_seq = s.b_seq AND g.kind = s.kind
                    AND g.score = s.score AND g.basis = s.basis AND g.reason = s.reason);

CREATE VIEW open_conflicts AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'conflicts' AND cr.current
  AND NOT EXISTS (
      SELECT 1 FROM found_relations u
      WHERE u.kind = 'updates'
        AND ((u.a_seq = cr.from_seq AND u.b_seq = cr.to_seq)
             OR (u.a_seq = cr.to_seq AND u.b_seq = cr.from_seq))
  );

CREATE VIEW corroborations AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'corroborates' AND cr.current;

CREATE VIEW claim_updates AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'updates' AND cr.current;

-- When each claim was first and last seen (as in 0002), one claim at a time: a filter on
-- `claim_id` finds the claim by the `objects` id index and reads its mentions only.
CREATE VIEW claim_history AS
SELECT
    o.id      AS claim_id,
    c.speaker AS speaker,
    c.cue     AS cue,
    c.content AS content,
    (SELECT count(DISTINCT v.document_id) FROM mentions m JOIN versions v ON v.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS documents,
    (SELECT count(DISTINCT v.id) FROM mentions m JOIN versions v ON v.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS versions,
    (SELECT min(v.published) FROM mentions m JOIN versions v ON v.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS first_published,
    (SELECT max(v.published) FROM mentions m JOIN versions v ON v.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS last_published,
    (SELECT min(a.imported_at) FROM mentions m JOIN version_arrivals a ON a.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS first_imported,
    (SELECT max(a.imported_at) FROM mentions m JOIN version_arrivals a ON a.seq = m.version_seq
      WHERE m.claim_seq = c.seq) AS last_imported
FROM objects o
JOIN claims c ON c.seq = o.seq
WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.claim_seq = c.seq);

-- Each claim with its speaker's entity. Every speaker has its row in `speaker_entities`
-- (written with the claim; this migration fills it for a database that had none), so a
-- filter on `entity` reads that entity's names and their claims.
CREATE VIEW claim_entities AS
SELECT c.seq, c.id, c.speaker, e.entity AS entity, c.cue, c.stance, c.content
FROM speaker_entities e
JOIN claims c ON c.speaker = e.speaker;
