-- 0010: what a hub served from this file keeps beside its objects: the coded symbols of its ids
-- (sync protocol 2, docs/sync.md) and its users. Local facts, never hashed or exchanged as objects.
-- Never edit a shipped migration: add a new numbered file instead.

-- A cache: `symbols` holds the first symbols (docs/sync.md, "symbols") of every id stored at seqs up to
-- `upto`, 48 bytes each: sum (32), check (8, little-endian), count (8, little-endian).
-- Objects stored after `upto` are folded in the next time the symbols are read; rebuilt from
-- `objects` if deleted.
CREATE TABLE IF NOT EXISTS sync_symbols (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    upto        INTEGER NOT NULL,
    symbols     BLOB NOT NULL
);

-- The users of a hub served from this file (`claims hub user add`, docs/hub.md), as on a
-- PostgreSQL hub: the sha256 of each token, never the token. Local, never synced.
CREATE TABLE IF NOT EXISTS hub_users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
