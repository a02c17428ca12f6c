-- PostgreSQL hub storage, migration 2: the coded symbols of the hub's set of ids (sync
-- protocol 2, docs/sync.md), kept so that a full reconciliation does not recompute them over
-- every object. A cache only: rebuilt from `hub_objects` if deleted.
-- Never edit a shipped migration: add a new numbered file in this folder instead.

-- The first symbols of every id stored at seqs up to `upto`, 48 bytes each: sum (32), check
-- (8, little-endian), count (8, little-endian). Objects stored after `upto` are folded in the
-- next time the symbols are read.
CREATE TABLE IF NOT EXISTS hub_symbols (
    single      INTEGER PRIMARY KEY CHECK (single = 1),
    upto        BIGINT NOT NULL,
    symbols     BYTEA NOT NULL
);
