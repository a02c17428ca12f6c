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

-- The index: typed tables built from objects alone (`claims rebuild` recreates them).
CREATE TABLE documents (
    id       TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL UNIQUE,
    key      TEXT NOT NULL,
    key_kind TEXT NOT NULL              -- url | key | title
);
CREATE INDEX documents_key ON documents(key);

CREATE TABLE versions (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id),
    number      INTEGER NOT NULL,       -- 1, 2, ... in arrival order within the document
    title       TEXT,
    byline      TEXT,
    source      TEXT,
    published   TEXT,
    modified    TEXT,
    text        TEXT NOT NULL,
    UNIQUE (document_id, number)
);

CREATE TABLE claims (
    id      TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL UNIQUE,
    speaker TEXT NOT NULL,
    cue     TEXT NOT NULL,
    stance  TEXT NOT NULL,
    hedges  TEXT NOT NULL,              -- JSON array of strings
    content TEXT NOT NULL
);
CREATE INDEX claims_speaker ON claims(speaker);

CREATE TABLE mentions (
    id                TEXT PRIMARY KEY,
    seq               INTEGER NOT NULL UNIQUE,
    claim_id          TEXT NOT NULL REFERENCES claims(id),
    version_id        TEXT NOT NULL REFERENCES versions(id),
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
CREATE INDEX mentions_claim ON mentions(claim_id);
CREATE INDEX mentions_version ON mentions(version_id, position);

-- Full-text search (FTS5, external content: the text lives in the typed tables).
CREATE VIRTUAL TABLE claims_fts USING fts5(
    speaker, content, content = 'claims', content_rowid = 'rowid'
);
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO claims_fts(rowid, speaker, content) VALUES (new.rowid, new.speaker, new.content);
END;

CREATE VIRTUAL TABLE versions_fts USING fts5(
    title, text, content = 'versions', content_rowid = 'rowid'
);
CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions
BEGIN
    INSERT INTO versions_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- Views: plain names for what people ask.

-- The latest version of each document (highest number).
CREATE VIEW latest_versions AS
SELECT v.*
FROM versions v
WHERE v.number = (SELECT max(number) FROM versions w WHERE w.document_id = v.document_id);

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
    d.key           AS document_key
FROM mentions m
JOIN claims c    ON c.id = m.claim_id
JOIN versions v  ON v.id = m.version_id
JOIN documents d ON d.id = v.document_id;

-- The claims of the latest version of each document.
CREATE VIEW latest_claims AS
SELECT cm.*
FROM claim_mentions cm
JOIN latest_versions lv ON lv.id = cm.version_id;

-- When each version arrived here, from the local import log.
CREATE VIEW version_arrivals AS
SELECT v.id AS version_id, v.document_id, v.number, o.seq,
       (SELECT i.imported_at FROM imports i
         WHERE o.seq BETWEEN i.first_seq AND i.last_seq
         ORDER BY i.import_id LIMIT 1) AS imported_at
FROM versions v
JOIN objects o ON o.id = v.id;
