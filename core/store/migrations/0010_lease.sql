-- Schema version 10: the polling lease, so only one process polls a database at a time.
-- One row per lease name (there is one: 'poller'). The process holding it (a --daemon, or an
-- inbox polling for itself) renews heartbeat and expires_at every third of its lease length;
-- others read the row to say who polls, and take it over once expires_at has passed (its
-- holder was stopped or killed without releasing it).

CREATE TABLE lease (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,      -- the holder's store id: host:pid:random
    kind       TEXT NOT NULL,      -- 'daemon' or 'inbox', for "the daemon on HOST polls"
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    heartbeat  REAL NOT NULL,      -- Unix seconds of the last renewal
    expires_at REAL NOT NULL       -- Unix seconds; past it anyone may take the lease
) WITHOUT ROWID;
