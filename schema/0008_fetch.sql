-- 0008: articles fetched by URL and feeds watched (`claims import URL`, `claims watch`), and
-- views without the outlet's own sentences. The three tables are local facts of this
-- database: never hashed, never synced, kept by `claims rebuild`. Every statement is IF NOT
-- EXISTS, so a file whose version was set back (as tests of older schemas do) migrates again.
-- Never edit a shipped migration.

-- One row per fetch of an article whose body was imported (`claims import URL`, or `claims
-- watch run` when the body changed): where and when a text came from. `version_id` is the
-- version the body gave, new or already stored; the first row of a version says when it was
-- first seen. Answers "304 Not Modified" and bodies identical to the last are not rows.
CREATE TABLE IF NOT EXISTS fetches (
    fetch_id      INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,          -- the URL asked for
    final_url     TEXT NOT NULL,          -- the URL that answered, after redirects
    canonical     TEXT,                   -- the page's <link rel="canonical">, if any
    fetched_at    TEXT NOT NULL,          -- RFC 3339, UTC
    status        INTEGER NOT NULL,       -- HTTP status of the final answer (200, 304)
    etag          TEXT,
    last_modified TEXT,
    body_sha256   TEXT,                   -- sha256 of the body as received
    version_id    TEXT,                   -- the version it gave
    feed_url      TEXT                    -- the watched feed that named it, if any
);
CREATE INDEX IF NOT EXISTS fetches_version ON fetches(version_id);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url);

-- The watch list (`claims watch add`): feeds polled by `claims watch run`, with the state of
-- polling each (validators for conditional requests, back-off after errors).
CREATE TABLE IF NOT EXISTS watched_feeds (
    url           TEXT PRIMARY KEY,
    every_seconds INTEGER NOT NULL,       -- how often to poll
    added_at      TEXT NOT NULL,
    etag          TEXT,                   -- of the last 200 answer
    last_modified TEXT,
    polled_at     TEXT,                   -- the last poll, whatever its outcome
    next_poll     TEXT,                   -- not before this time (RFC 3339, UTC)
    failures      INTEGER NOT NULL DEFAULT 0,  -- errors in a row (back-off doubles)
    last_error    TEXT
) WITHOUT ROWID;

-- The articles the watched feeds named, with the state of fetching each again.
CREATE TABLE IF NOT EXISTS watched_articles (
    url           TEXT PRIMARY KEY,
    feed_url      TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    text_sha256   TEXT,                   -- sha256 of the last body imported
    fetched_at    TEXT,
    next_fetch    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
) WITHOUT ROWID;

-- The claims attributed to someone: without the outlet's own assertions (an empty cue),
-- as `claims list --no-outlet` lists them.
CREATE VIEW IF NOT EXISTS attributed_claims AS
SELECT c.* FROM claims c WHERE c.cue <> '';

-- `claim_mentions` without the outlet's own assertions.
CREATE VIEW IF NOT EXISTS attributed_claim_mentions AS
SELECT cm.* FROM claim_mentions cm WHERE cm.cue <> '';
