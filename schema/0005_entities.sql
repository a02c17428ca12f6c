-- 0005: speaker entities. One person or organisation is one entity, whatever name the
-- articles gave it ("Obama", "Barack Obama", "President Obama" => "Barack Obama").
-- (0004 is the relations work of another branch.) Never edit a shipped migration.

-- One row per `alias` object (`claims alias add ALIAS CANONICAL`), keyed by `objects.seq`.
CREATE TABLE aliases (
    seq       INTEGER PRIMARY KEY,     -- objects.seq of the alias object
    id        TEXT NOT NULL,
    alias     TEXT NOT NULL,           -- a speaker name as stored in claims.speaker
    canonical TEXT NOT NULL            -- the entity (or a name of the entity) it stands for
);
CREATE INDEX aliases_alias ON aliases(alias, seq);

-- Every distinct claims.speaker and its entity: derived from the claims, the `aliases`
-- table and seeds/aliases.tsv (see docs/schema.md), rebuilt whenever a new speaker name or an
-- alias arrives. Stored claims are never rewritten.
CREATE TABLE speaker_entities (
    speaker TEXT PRIMARY KEY,          -- a claims.speaker value
    entity  TEXT NOT NULL,             -- the entity's canonical name
    basis   TEXT NOT NULL              -- user | seed | name | own
) WITHOUT ROWID;
CREATE INDEX speaker_entities_entity ON speaker_entities(entity);
CREATE INDEX claims_speaker ON claims(speaker);

-- Each claim with its speaker's entity (the speaker itself when not grouped yet).
CREATE VIEW claim_entities AS
SELECT c.seq, c.id, c.speaker, coalesce(e.entity, c.speaker) AS entity, c.cue, c.stance,
       c.content
FROM claims c
LEFT JOIN speaker_entities e ON e.speaker = c.speaker;

-- Entities with their names and number of claims.
CREATE VIEW entities AS
SELECT entity, count(*) AS claims, count(DISTINCT speaker) AS names,
       group_concat(DISTINCT speaker) AS speakers
FROM claim_entities
GROUP BY entity;
