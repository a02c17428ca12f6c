-- 0004: relations found by the rules are index rows, a function of the set of objects, not
-- objects. A person's judgement (`claims link`) stays a `relation` object.
-- Never edit a shipped migration: add a new numbered file instead.

-- One row per relation the rules find between two claims (see docs/relations.md), rebuilt
-- from the objects by `claims rebuild`. Symmetric kinds (`conflicts`, `corroborates`) have the
-- claim with the smaller id as `a`; `updates` has the claim before the edit as `a`.
CREATE TABLE found_relations (
    a_seq       INTEGER NOT NULL REFERENCES claims(seq),
    a_id        TEXT NOT NULL,
    b_seq       INTEGER NOT NULL REFERENCES claims(seq),
    b_id        TEXT NOT NULL,
    kind        TEXT NOT NULL,          -- conflicts | corroborates | updates
    score       REAL NOT NULL,          -- in [0, 1]
    basis       TEXT NOT NULL,          -- rule and version: 'negation/1', 'version-diff/1'
    reason      TEXT NOT NULL,          -- the evidence, for people
    version_seq INTEGER NOT NULL DEFAULT 0, -- updates: the later of the two versions; else 0
    PRIMARY KEY (a_seq, b_seq, kind, version_seq)
) WITHOUT ROWID;
CREATE INDEX found_relations_version ON found_relations(version_seq) WHERE version_seq <> 0;

-- The candidate keys held by more claims than the bound (`MAX_KEY_HOLDERS`, docs/relations.md): they pair
-- nothing, and a new claim holding one costs one lookup here.
CREATE TABLE common_keys (
    key TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The version before each version in its document, as the `updates` rows were last derived
-- (version order: see `versions.number` in docs/schema.md).
CREATE TABLE version_order (
    version_seq  INTEGER PRIMARY KEY REFERENCES versions(seq),
    previous_seq INTEGER                -- NULL for the first version of its document
);

-- Whether `found_relations`, `version_order` and `versions.number` still have to be derived
-- from the stored objects (a database from before this migration, or after `claims rebuild`).
CREATE TABLE relation_state (
    only    INTEGER PRIMARY KEY CHECK (only = 1),
    pending INTEGER NOT NULL
);
INSERT INTO relation_state(only, pending)
VALUES (1, EXISTS (SELECT 1 FROM claims) OR EXISTS (SELECT 1 FROM versions));

-- When a person recorded a judgement (`relation.at`; NULL for objects written before).
ALTER TABLE relations ADD COLUMN at TEXT;

DROP VIEW open_conflicts;
DROP VIEW corroborations;
DROP VIEW claim_updates;
DROP VIEW claim_relations;
DROP VIEW derived_relations;
DROP VIEW same_content_pairs;
DROP VIEW current_relations;

-- The manual judgement in force on each pair it judges: of the judgements on one pair (in
-- either order), the one with the latest `at` (as a point in time; a judgement without one
-- counts as earliest), then the largest id. Relation objects with another basis (written by releases before 0004)
-- stay in `relations` but are not in force: the rules' findings are in `found_relations`.
CREATE VIEW current_relations AS
SELECT r.*
FROM relations r
WHERE r.manual = 1
  AND NOT EXISTS (
      SELECT 1 FROM relations m
      WHERE m.manual = 1 AND m.pair_lo = r.pair_lo AND m.pair_hi = r.pair_hi
        AND (coalesce(julianday(m.at), 0) > coalesce(julianday(r.at), 0)
             OR (coalesce(julianday(m.at), 0) = coalesce(julianday(r.at), 0) AND m.id > r.id))
  );

-- Claims with the same content (the same `n:` key and detail: the same words up to noise and
-- the choice of negation word) under a key held by at most `MAX_KEY_HOLDERS` claims (not in
-- `common_keys`), related as the rules would: one denies what the other does not (conflicts,
-- 'opposite-cue/1'), or two speakers say it (corroborates, 'same-content/1'). A view, not rows:
-- `k` speakers repeating one statement would need `k²/2` rows, written at every import.
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
WHERE k1.key >= 'n:' AND k1.key < 'n;' AND lo.id < hi.id
  AND NOT EXISTS (SELECT 1 FROM common_keys c WHERE c.key = k1.key)
  AND ((lo.stance = 'denying') <> (hi.stance = 'denying')
       OR lower(lo.speaker) <> lower(hi.speaker));

-- Every relation: each found by the rules (rows and same content; once, whatever document an
-- `updates` came from)
-- and each manual judgement, with both claims spelled out and whether it is in force (a
-- manual judgement in force on a pair overrides every finding on it and every other
-- judgement). `relation_id`, `seq` and `at` are NULL for found relations.
CREATE VIEW claim_relations AS
WITH found AS (
    SELECT DISTINCT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM found_relations
    UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations
),
rel AS (
    SELECT r.id AS relation_id, r.kind, 1.0 AS score, r.basis, r.note, 1 AS manual,
           EXISTS (SELECT 1 FROM current_relations c WHERE c.seq = r.seq) AS current,
           r.from_seq, r.to_seq, r.pair_lo, r.pair_hi, r.seq, r.at
    FROM relations r
    WHERE r.manual = 1
    UNION ALL
    SELECT NULL, f.kind, f.score, f.basis, f.reason, 0,
           NOT EXISTS (SELECT 1 FROM relations m
                       WHERE m.manual = 1
                         AND m.pair_lo = min(f.a_id, f.b_id) AND m.pair_hi = max(f.a_id, f.b_id)),
           f.a_seq, f.b_seq, min(f.a_id, f.b_id), max(f.a_id, f.b_id), NULL, NULL
    FROM found f
)
SELECT
    rel.relation_id AS relation_id,
    rel.kind        AS kind,
    rel.score       AS score,
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
    rel.at          AS at,
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
      SELECT 1 FROM found_relations u
      WHERE u.kind = 'updates'
        AND ((u.a_seq = cr.from_seq AND u.b_seq = cr.to_seq)
             OR (u.a_seq = cr.to_seq AND u.b_seq = cr.from_seq))
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
