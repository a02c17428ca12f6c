-- 0002: relations between claims (updates, corroborates, conflicts, unrelated), the key index
-- that finds candidate pairs without comparing all pairs, and views over claims in time.
-- Never edit a shipped migration: add a new numbered file instead.

-- One row per relation object, keyed like the other index tables by `objects.seq`.
-- `pair_lo`/`pair_hi` are the two claim ids in order, so a judgement on (a, b) also covers
-- (b, a) (ids, not seqs: they are the same in every database).
CREATE TABLE relations (
    seq        INTEGER PRIMARY KEY,     -- objects.seq of the relation
    id         TEXT NOT NULL,
    from_seq   INTEGER NOT NULL REFERENCES claims(seq),
    from_claim TEXT NOT NULL,
    to_seq     INTEGER NOT NULL REFERENCES claims(seq),
    to_claim   TEXT NOT NULL,
    kind       TEXT NOT NULL,           -- updates | corroborates | conflicts | unrelated
    basis      TEXT NOT NULL,           -- rule/version ('negation/1') or 'manual'
    note       TEXT,                    -- the rule's reason or a person's note
    manual     INTEGER NOT NULL,        -- 1 when basis = 'manual'
    pair_lo    TEXT NOT NULL,
    pair_hi    TEXT NOT NULL
);
CREATE INDEX relations_pair ON relations(pair_lo, pair_hi, seq);
CREATE INDEX relations_kind ON relations(kind, seq);

-- Candidate keys of each claim, derived from its content alone (see docs/schema.md): two
-- claims are compared by the relation rules only when they share a key with different
-- details; the same `n:` key and detail means the same content.
CREATE TABLE claim_keys (
    key       TEXT NOT NULL,
    detail    TEXT NOT NULL,
    claim_seq INTEGER NOT NULL REFERENCES claims(seq),
    PRIMARY KEY (key, detail, claim_seq)
) WITHOUT ROWID;

-- The relations in force: a manual judgement on a pair overrides every automatic relation on
-- it and every earlier manual one.
CREATE VIEW current_relations AS
SELECT r.*
FROM relations r
WHERE NOT EXISTS (
    SELECT 1 FROM relations m
    WHERE m.pair_lo = r.pair_lo AND m.pair_hi = r.pair_hi AND m.manual = 1
      AND (r.manual = 0 OR m.seq > r.seq)
);

-- Pairs of different claims with the same content (up to noise and the choice of negation
-- word), by seq: `a_seq` < `b_seq`.
CREATE VIEW same_content_pairs AS
SELECT k1.claim_seq AS a_seq, k2.claim_seq AS b_seq
FROM claim_keys k1
JOIN claim_keys k2
  ON k2.key = k1.key AND k2.detail = k1.detail AND k2.claim_seq > k1.claim_seq
WHERE k1.key >= 'n:' AND k1.key < 'n;';

-- Relations derived from same content rather than stored as objects: one speaker denies what
-- another does not (conflicts, 'opposite-cue/1'), or different speakers say the same
-- (corroborates, 'same-content/1').
CREATE VIEW derived_relations AS
SELECT
    CASE WHEN a.id < b.id THEN a.seq ELSE b.seq END AS from_seq,
    CASE WHEN a.id < b.id THEN b.seq ELSE a.seq END AS to_seq,
    min(a.id, b.id) AS pair_lo,
    max(a.id, b.id) AS pair_hi,
    CASE WHEN (a.stance = 'denying') <> (b.stance = 'denying')
         THEN 'conflicts' ELSE 'corroborates' END AS kind,
    CASE WHEN (a.stance = 'denying') <> (b.stance = 'denying')
         THEN 'opposite-cue/1' ELSE 'same-content/1' END AS basis,
    CASE WHEN (a.stance = 'denying') <> (b.stance = 'denying')
         THEN 'cue: ' || (CASE lo.cue WHEN '' THEN 'asserts' ELSE lo.cue END) || ' vs '
                      || (CASE hi.cue WHEN '' THEN 'asserts' ELSE hi.cue END)
         ELSE 'same content from ' || lo.speaker || ' and ' || hi.speaker END AS note
FROM same_content_pairs p
JOIN claims a  ON a.seq = p.a_seq
JOIN claims b  ON b.seq = p.b_seq
JOIN claims lo ON lo.seq = (CASE WHEN a.id < b.id THEN a.seq ELSE b.seq END)
JOIN claims hi ON hi.seq = (CASE WHEN a.id < b.id THEN b.seq ELSE a.seq END)
WHERE (a.stance = 'denying') <> (b.stance = 'denying') OR lower(a.speaker) <> lower(b.speaker);

-- Every relation, stored or derived, with both claims spelled out and whether it is in force
-- (`relation_id` and `seq` are NULL for derived ones).
CREATE VIEW claim_relations AS
WITH rel AS (
    SELECT r.id AS relation_id, r.kind, r.basis, r.note, r.manual, r.from_seq, r.to_seq,
           r.pair_lo, r.pair_hi, r.seq, r.seq IN (SELECT seq FROM current_relations) AS current
    FROM relations r
    UNION ALL
    SELECT NULL, d.kind, d.basis, d.note, 0, d.from_seq, d.to_seq, d.pair_lo, d.pair_hi, NULL,
           NOT EXISTS (SELECT 1 FROM relations m
                       WHERE m.pair_lo = d.pair_lo AND m.pair_hi = d.pair_hi AND m.manual = 1)
    FROM derived_relations d
)
SELECT
    rel.relation_id AS relation_id,
    rel.kind        AS kind,
    rel.basis       AS basis,
    rel.note        AS note,
    rel.manual      AS manual,
    rel.current     AS current,
    a.id            AS from_id,
    a.speaker       AS from_speaker,
    a.cue           AS from_cue,
    a.stance        AS from_stance,
    a.content       AS from_content,
    b.id            AS to_id,
    b.speaker       AS to_speaker,
    b.cue           AS to_cue,
    b.stance        AS to_stance,
    b.content       AS to_content,
    rel.pair_lo     AS pair_lo,
    rel.pair_hi     AS pair_hi,
    rel.seq         AS seq,
    rel.from_seq    AS from_seq,
    rel.to_seq      AS to_seq
FROM rel
JOIN claims a ON a.seq = rel.from_seq
JOIN claims b ON b.seq = rel.to_seq;

-- Conflicts in force, except between a claim and its own later edit (that is an update).
CREATE VIEW open_conflicts AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'conflicts' AND cr.current
  AND NOT EXISTS (
      SELECT 1 FROM current_relations u
      WHERE u.kind = 'updates' AND u.pair_lo = cr.pair_lo AND u.pair_hi = cr.pair_hi
  );

-- Different speakers saying the same, in force.
CREATE VIEW corroborations AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'corroborates' AND cr.current;

-- Claims edited between consecutive versions of a document, in force.
CREATE VIEW claim_updates AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'updates' AND cr.current;
-- One row per claim: where and when it was seen, by publication and by import time.
CREATE VIEW claim_history AS
SELECT
    c.id                          AS claim_id,
    c.speaker                     AS speaker,
    c.cue                         AS cue,
    c.content                     AS content,
    count(DISTINCT v.document_id) AS documents,
    count(DISTINCT v.id)          AS versions,
    min(v.published)              AS first_published,
    max(v.published)              AS last_published,
    min(a.imported_at)            AS first_imported,
    max(a.imported_at)            AS last_imported
FROM claims c
JOIN mentions m  ON m.claim_seq = c.seq
JOIN versions v  ON v.seq = m.version_seq
LEFT JOIN version_arrivals a ON a.seq = v.seq
GROUP BY c.seq;
