-- PostgreSQL hub storage, migration 1 (`claims serve --store postgres://...`).
-- Never edit a shipped migration: add a new numbered file in this folder instead.
-- The same object semantics as the SQLite file: append-only, content-addressed, verified on
-- arrival. Hub-local facts (replica id, cursors, users, the push log) are never objects.

-- This hub's replica id (UUID v7), created with the schema.
CREATE TABLE hub_replica (
    single      INTEGER PRIMARY KEY CHECK (single = 1),
    replica_id  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The objects, in arrival order. `chain` is the chain hash after this object:
-- chain(s) = sha256(chain(s-1) || raw id at s), chain(0) = 32 zero bytes. Seqs have no gaps:
-- pushes are serialised by a transaction-level advisory lock.
CREATE TABLE hub_objects (
    seq         BIGINT PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,   -- 64 lower-case hex digits; byte order
    type        TEXT NOT NULL,
    body        TEXT NOT NULL,
    chain       BYTEA NOT NULL
);

-- Per-peer cursors, as in the SQLite file's sync_cursors.
CREATE TABLE hub_cursors (
    peer        TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL,
    chain       BYTEA NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One row per push served: who (the user, '' without users) and when, hub-local.
CREATE TABLE hub_log (
    log_id      BIGSERIAL PRIMARY KEY,
    at          TEXT NOT NULL,              -- RFC 3339 UTC
    peer        TEXT NOT NULL,              -- the pushing replica
    address     TEXT NOT NULL,
    username    TEXT NOT NULL,
    received    BIGINT NOT NULL,            -- objects newly stored
    bytes       BIGINT NOT NULL,
    mode        TEXT NOT NULL               -- push | cursor
);

-- Users of the hub: a token is stored only as its sha256.
CREATE TABLE hub_users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    token_hash  BYTEA NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
