-- 0012: the coded symbols of this database's set of ids (sync protocol 2, docs/sync.md), kept
-- so that a full reconciliation does not recompute them over every object. A cache only:
-- local, never hashed or exchanged as an object, and rebuilt from `objects` if deleted.
-- Never edit a shipped migration: add a new numbered file instead.

-- `symbols` holds the first symbols (docs/sync.md, "symbols") of every id stored at seqs up to
-- `upto`, 48 bytes each: sum (32), check (8, little-endian), count (8, little-endian).
-- Objects stored after `upto` are folded in the next time the symbols are read.
CREATE TABLE IF NOT EXISTS sync_symbols (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    upto        INTEGER NOT NULL,
    symbols     BLOB NOT NULL
);
