-- 0003: sync state. Local facts, never hashed, never exchanged as objects.
-- Never edit a shipped migration: add a new numbered file instead.

-- This database's replica id (UUID v7), created on first use by sync or bundle.
-- `previous` keeps the id it replaced when a copy was detected (see docs/sync.md).
CREATE TABLE sync_replica (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    replica_id  TEXT NOT NULL,
    created_at  TEXT NOT NULL,          -- RFC 3339 UTC
    previous    TEXT                    -- the replica id before the last regeneration
);

-- Per-peer cursors: "this database holds every object that replica `peer` had stored up to
-- its own objects.seq `seq`, and that replica's chain hash at `seq` was `chain`".
CREATE TABLE sync_cursors (
    peer        TEXT PRIMARY KEY,       -- the peer's replica id
    seq         INTEGER NOT NULL,
    chain       TEXT NOT NULL,          -- 64 hex digits
    updated_at  TEXT NOT NULL
);

-- Chain hash checkpoints: chain(s) = sha256(chain(s-1) || id(s)) over objects in seq order,
-- chain(0) = 32 zero bytes. A cache: any row can be recomputed from `objects`.
CREATE TABLE sync_chain (
    seq         INTEGER PRIMARY KEY,
    chain       TEXT NOT NULL
);

-- One row per batch of objects received by sync or bundle: which local seq range arrived when.
CREATE TABLE sync_batches (
    batch_id    INTEGER PRIMARY KEY,
    peer        TEXT NOT NULL,          -- replica id, bundle path or '' when unknown
    received_at TEXT NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL
);
CREATE INDEX sync_batches_time ON sync_batches(received_at);

-- One row per sync session, bundle written or applied, or push served.
CREATE TABLE sync_log (
    log_id          INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,      -- RFC 3339 UTC
    peer            TEXT NOT NULL,      -- the peer's replica id ('' for a bundle)
    address         TEXT NOT NULL,      -- URL, database path or bundle path
    direction       TEXT NOT NULL,      -- sync | serve | bundle-create | bundle-apply
    sent            INTEGER NOT NULL,   -- objects sent
    received        INTEGER NOT NULL,   -- objects received and newly stored
    bytes_sent      INTEGER NOT NULL,
    bytes_received  INTEGER NOT NULL,
    round_trips     INTEGER NOT NULL,
    mode            TEXT NOT NULL       -- sync: in-sync | incremental | initial | full | failed;
                                        -- serve: push | cursor; bundles: bundle
);
