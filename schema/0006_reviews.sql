-- 0006: fact-checking. Reviews (verdicts on claims, recorded here or imported from published
-- ClaimReview), retractions, the reviews' matches to stored claims, and two local tables: the
-- database's settings (the author) and the block list. Never edit a shipped migration.

-- One row per `review` object, keyed by `objects.seq`.
CREATE TABLE reviews (
    seq            INTEGER PRIMARY KEY,   -- objects.seq of the review object
    id             TEXT NOT NULL,
    claim_id       TEXT,                  -- the claim it names, if it names one
    claim_text     TEXT,                  -- the claim as the review states it
    content        TEXT,                  -- claim_text as a claim content (what is matched)
    claimant       TEXT,
    claim_date     TEXT,
    appearances    TEXT NOT NULL,         -- JSON array of URLs
    verdict        TEXT NOT NULL,         -- true | mostly-true | mixed | mostly-false | false
                                          -- | unproven | satire | other
    rating         TEXT,                  -- textualRating as published
    rating_value   TEXT,
    best_rating    TEXT,
    worst_rating   TEXT,
    rating_name    TEXT,                  -- alternateName
    publisher      TEXT,
    publisher_site TEXT,
    reviewer       TEXT,                  -- the review's author as published
    url            TEXT,
    title          TEXT,
    published      TEXT,                  -- when the review was published
    language       TEXT,
    note           TEXT,
    author         TEXT,                  -- who recorded it here (`by`)
    recorded_at    TEXT                   -- when (`at`)
);
CREATE INDEX reviews_claim ON reviews(claim_id);

-- The lookup keys of each review that names no claim (relate::review::lookup_keys).
CREATE TABLE review_keys (
    key        TEXT NOT NULL,
    review_seq INTEGER NOT NULL,
    PRIMARY KEY (key, review_seq)
) WITHOUT ROWID;

-- Each review that names no claim, with each stored claim its claim matches (a claim sharing
-- a lookup key, scored by relate::review::score). Written when the review or the claim is
-- indexed, whichever comes last: a function of the stored set.
CREATE TABLE review_matches (
    review_seq INTEGER NOT NULL,
    claim_seq  INTEGER NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (review_seq, claim_seq)
) WITHOUT ROWID;
CREATE INDEX review_matches_claim ON review_matches(claim_seq);

-- One row per `retraction` object.
CREATE TABLE retractions (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL,
    target      TEXT NOT NULL,            -- the claim, mention or version withdrawn
    target_type TEXT NOT NULL,            -- claim | mention | version
    reason      TEXT NOT NULL,
    author      TEXT,
    recorded_at TEXT
);
CREATE INDEX retractions_target ON retractions(target);

-- Local settings of this database (not objects, not synced): `author`.
CREATE TABLE local_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The block list (`claims block`): ids this database never stores, whatever road they come
-- by. Local, not synced. An object that refers to a blocked one is blocked with it.
CREATE TABLE blocked (
    id      TEXT PRIMARY KEY,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL
) WITHOUT ROWID;

-- Mentions withdrawn: retracted themselves, or in a retracted version.
CREATE VIEW retracted_mentions AS
SELECT m.seq, m.id, m.claim_seq
FROM mentions m
WHERE EXISTS (SELECT 1 FROM retractions r WHERE r.target = m.id OR r.target = m.version_id);

-- Claims withdrawn: retracted themselves, or every mention of them withdrawn.
CREATE VIEW retracted_claims AS
SELECT c.seq, c.id
FROM claims c
WHERE EXISTS (SELECT 1 FROM retractions r WHERE r.target = c.id)
   OR (EXISTS (SELECT 1 FROM mentions m WHERE m.claim_seq = c.seq)
       AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.claim_seq = c.seq
                       AND NOT EXISTS (SELECT 1 FROM retractions r
                                       WHERE r.target = m.id OR r.target = m.version_id)));

-- Each claim with its reviews: those that name it (how = 'named', score 1) and those whose
-- stated claim matches it (how = 'matched', with the score). Retracted claims included.
CREATE VIEW claim_reviews AS
SELECT c.seq AS claim_seq, c.id AS claim_id, c.speaker, c.content, r.seq AS review_seq,
       r.id AS review_id, r.verdict, r.rating, r.publisher, r.author, r.recorded_at, r.url,
       r.published, 'named' AS how, 1.0 AS score
FROM reviews r JOIN claims c ON c.id = r.claim_id
UNION ALL
SELECT c.seq, c.id, c.speaker, c.content, r.seq, r.id, r.verdict, r.rating, r.publisher,
       r.author, r.recorded_at, r.url, r.published, 'matched', m.score
FROM review_matches m JOIN reviews r ON r.seq = m.review_seq JOIN claims c ON c.seq = m.claim_seq;

-- Each speaker entity with its reviewed claims counted by verdict (claims not retracted).
CREATE VIEW speaker_verdicts AS
SELECT e.entity, cr.verdict, count(DISTINCT cr.claim_seq) AS claims,
       count(*) AS reviews
FROM claim_reviews cr JOIN claim_entities e ON e.seq = cr.claim_seq
WHERE NOT EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = cr.claim_seq)
GROUP BY e.entity, cr.verdict;

-- Each version's own correction notices ("Correction: ...", "An earlier version of this article
-- ...", "This article has been updated to ..."), found in its text
-- (extract::corrections::correction_notices): index rows, rebuilt with the versions.
CREATE TABLE version_corrections (
    version_seq INTEGER NOT NULL,
    position    INTEGER NOT NULL,      -- code point offset of the notice in the version's text
    notice      TEXT NOT NULL,
    PRIMARY KEY (version_seq, position)
) WITHOUT ROWID;
