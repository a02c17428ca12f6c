-- 0001: the object ledger, the local import log, the typed index, views and full-text search.
-- Never edit a shipped migration: add a new numbered file instead.

-- The truth: every object, content-addressed and append-only.
CREATE TABLE objects (
    seq  INTEGER PRIMARY KEY,          -- local arrival order
    id   TEXT NOT NULL UNIQUE,         -- lower-case hex sha256 of body
    type TEXT NOT NULL,                -- the body's "type"
    body TEXT NOT NULL                 -- canonical JSON, exactly the bytes hashed
);
CREATE INDEX objects_type ON objects(type, seq);

CREATE TRIGGER objects_no_update BEFORE UPDATE ON objects
BEGIN
    SELECT RAISE(ABORT, 'objects are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER objects_no_delete BEFORE DELETE ON objects
BEGIN
    SELECT RAISE(ABORT, 'objects are append-only: DELETE is not allowed');
END;

-- Local facts, never hashed: one row per file imported (or skipped as already imported).
CREATE TABLE imports (
    import_id         INTEGER PRIMARY KEY,
    path              TEXT NOT NULL,     -- the path as given
    file_sha256       TEXT NOT NULL,     -- sha256 of the file's bytes
    options           TEXT NOT NULL,     -- canonical JSON of the overriding options
    extractor_version TEXT NOT NULL,
    imported_at       TEXT NOT NULL,     -- RFC 3339 UTC
    first_seq         INTEGER,           -- objects.seq range added by this import (NULL: none)
    last_seq          INTEGER,
    versions          TEXT NOT NULL      -- JSON array of the version ids the file gave
);
CREATE INDEX imports_file ON imports(file_sha256, options, extractor_version);
CREATE INDEX imports_seq ON imports(first_seq);

-- The index: typed tables built from objects alone (`claims rebuild` recreates them).
-- Each row's key is its object's `objects.seq`; references between them are by seq too
-- (`*_seq` columns), and each also carries the referenced object's id for people.
CREATE TABLE documents (
    seq      INTEGER PRIMARY KEY,       -- objects.seq of the document
    id       TEXT NOT NULL,
    key      TEXT NOT NULL,
    key_kind TEXT NOT NULL              -- url | key | title
);
CREATE INDEX documents_key ON documents(key);

CREATE TABLE versions (
    seq          INTEGER PRIMARY KEY,   -- objects.seq of the version
    id           TEXT NOT NULL,
    document_seq INTEGER NOT NULL REFERENCES documents(seq),
    document_id  TEXT NOT NULL,
    number       INTEGER NOT NULL,      -- 1, 2, ... in arrival order within the document
    title        TEXT,
    byline       TEXT,
    source       TEXT,
    published    TEXT,
    modified     TEXT,
    text         TEXT NOT NULL,
    UNIQUE (document_seq, number)
);

CREATE TABLE claims (
    seq     INTEGER PRIMARY KEY,        -- objects.seq of the claim
    id      TEXT NOT NULL,
    speaker TEXT NOT NULL,
    cue     TEXT NOT NULL,
    stance  TEXT NOT NULL,
    hedges  TEXT NOT NULL,              -- JSON array of strings
    content TEXT NOT NULL
);

CREATE TABLE mentions (
    seq               INTEGER PRIMARY KEY, -- objects.seq of the mention
    id                TEXT NOT NULL,
    claim_seq         INTEGER NOT NULL REFERENCES claims(seq),
    claim_id          TEXT NOT NULL,
    version_seq       INTEGER NOT NULL REFERENCES versions(seq),
    version_id        TEXT NOT NULL,
    position          INTEGER NOT NULL, -- code point offset of the content's start
    sentence          TEXT NOT NULL,
    source_text       TEXT NOT NULL,    -- the source as written ('' if none)
    cue_text          TEXT NOT NULL,    -- the cue as written ('' if none)
    content_text      TEXT NOT NULL,    -- the content as written
    source_spans      TEXT NOT NULL,    -- JSON [[start, end], ...] in code points of the text
    cue_spans         TEXT NOT NULL,
    content_spans     TEXT NOT NULL,
    direct            INTEGER NOT NULL, -- 1 for quoted speech
    extractor         TEXT NOT NULL,
    extractor_version TEXT NOT NULL
);
CREATE INDEX mentions_claim ON mentions(claim_seq);
CREATE INDEX mentions_version ON mentions(version_seq, position);

-- Full-text search (FTS5, external content: the text lives in the typed tables). `claims`
-- fills them when it commits, not row by row.
CREATE VIRTUAL TABLE claims_fts USING fts5(
    speaker, content, content = 'claims', content_rowid = 'seq'
);
CREATE VIRTUAL TABLE versions_fts USING fts5(
    title, text, content = 'versions', content_rowid = 'seq'
);

-- Views: plain names for what people ask.

-- The latest version of each document (highest number).
CREATE VIEW latest_versions AS
SELECT v.*
FROM versions v
WHERE v.number = (SELECT max(number) FROM versions w WHERE w.document_seq = v.document_seq);

-- Every appearance of every claim, with who, what, where and when.
CREATE VIEW claim_mentions AS
SELECT
    c.id            AS claim_id,
    c.speaker       AS speaker,
    c.cue           AS cue,
    c.stance        AS stance,
    c.hedges        AS hedges,
    c.content       AS content,
    m.id            AS mention_id,
    m.source_text   AS source_text,
    m.cue_text      AS cue_text,
    m.sentence      AS sentence,
    m.position      AS position,
    m.direct        AS direct,
    v.id            AS version_id,
    v.number        AS version_number,
    v.source        AS outlet,
    v.byline        AS byline,
    v.title         AS title,
    v.published     AS published,
    d.id            AS document_id,
    d.key           AS document_key,
    c.seq           AS claim_seq,
    m.seq           AS mention_seq,
    v.seq           AS version_seq,
    d.seq           AS document_seq
FROM mentions m
JOIN claims c    ON c.seq = m.claim_seq
JOIN versions v  ON v.seq = m.version_seq
JOIN documents d ON d.seq = v.document_seq;

-- The claims of the latest version of each document.
CREATE VIEW latest_claims AS
SELECT cm.*
FROM claim_mentions cm
JOIN latest_versions lv ON lv.seq = cm.version_seq;

-- When each version arrived here, from the local import log.
CREATE VIEW version_arrivals AS
SELECT v.id AS version_id, v.document_id, v.number, v.seq,
       (SELECT i.imported_at FROM imports i
         WHERE i.first_seq <= v.seq AND i.last_seq >= v.seq
         ORDER BY i.first_seq DESC LIMIT 1) AS imported_at
FROM versions v;
