-- 0002: relations between claims (updates, corroborates, conflicts, unrelated), the key index
-- that finds candidate pairs without comparing all pairs, and views over claims in time.
-- Never edit a shipped migration: add a new numbered file instead.

-- One row per relation object. `pair_lo`/`pair_hi` are the two claim ids in order, so a
-- judgement on (a, b) also covers (b, a).
CREATE TABLE relations (
    id         TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL UNIQUE,
    from_claim TEXT NOT NULL REFERENCES claims(id),
    to_claim   TEXT NOT NULL REFERENCES claims(id),
    kind       TEXT NOT NULL,           -- updates | corroborates | conflicts | unrelated
    basis      TEXT NOT NULL,           -- rule/version ('negation/1') or 'manual'
    note       TEXT,                    -- the rule's reason or a person's note
    manual     INTEGER NOT NULL,        -- 1 when basis = 'manual'
    pair_lo    TEXT NOT NULL,
    pair_hi    TEXT NOT NULL
);
CREATE INDEX relations_pair ON relations(pair_lo, pair_hi, seq);
CREATE INDEX relations_hi ON relations(pair_hi);
CREATE INDEX relations_kind ON relations(kind, seq);

-- Candidate keys of each claim, derived from its content alone (see docs/schema.md): two
-- claims are compared by the relation rules only when they share a key.
CREATE TABLE claim_keys (
    key      TEXT NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims(id),
    PRIMARY KEY (key, claim_id)
) WITHOUT ROWID;
CREATE INDEX claim_keys_claim ON claim_keys(claim_id);

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

-- Every relation with both claims spelled out and whether it is still in force.
CREATE VIEW claim_relations AS
SELECT
    r.id          AS relation_id,
    r.kind        AS kind,
    r.basis       AS basis,
    r.note        AS note,
    r.manual      AS manual,
    r.id IN (SELECT id FROM current_relations) AS current,
    a.id          AS from_id,
    a.speaker     AS from_speaker,
    a.cue         AS from_cue,
    a.stance      AS from_stance,
    a.content     AS from_content,
    b.id          AS to_id,
    b.speaker     AS to_speaker,
    b.cue         AS to_cue,
    b.stance      AS to_stance,
    b.content     AS to_content,
    r.pair_lo     AS pair_lo,
    r.pair_hi     AS pair_hi,
    r.seq         AS seq
FROM relations r
JOIN claims a ON a.id = r.from_claim
JOIN claims b ON b.id = r.to_claim;

-- Conflicts in force, except between a claim and its own later edit (that is an update).
CREATE VIEW open_conflicts AS
SELECT cr.*
FROM claim_relations cr
WHERE cr.kind = 'conflicts' AND cr.current
  AND NOT EXISTS (
      SELECT 1 FROM current_relations u
      WHERE u.kind = 'updates' AND u.pair_lo = cr.pair_lo AND u.pair_hi = cr.pair_hi
  );

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
JOIN mentions m  ON m.claim_id = c.id
JOIN versions v  ON v.id = m.version_id
LEFT JOIN version_arrivals a ON a.version_id = v.id
GROUP BY c.id;
