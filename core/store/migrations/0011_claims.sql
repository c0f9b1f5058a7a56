-- Schema version 11: who is replying to a mention (claims) and who has it open (presence).
-- A claim is taken when someone opens the reply editor on a mention and renewed while they
-- type; it lapses at expires_at, so a claim left by a closed laptop or a kill shows for a few
-- minutes at most. One claim per mention: the second person who replies anyway takes it over.
-- Presence is one row per running inbox (session), saying which mention its cursor is on and
-- when it last said so; rows not renewed for a few seconds are ignored, and an inbox that
-- closes deletes its own.

CREATE TABLE mention_claims (
    mention_id INTEGER PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
    person     TEXT NOT NULL,      -- the team handle of who is replying
    claimed_at INTEGER NOT NULL,   -- Unix seconds the editor was opened ("replying (2 min)")
    expires_at INTEGER NOT NULL    -- Unix seconds; renewed while typing, void after
);

CREATE TABLE presence (
    session    TEXT PRIMARY KEY,   -- one running inbox: host:pid:random
    person     TEXT NOT NULL,
    mention_id INTEGER,            -- the mention under its cursor; NULL: none
    seen_at    INTEGER NOT NULL    -- Unix seconds of its last heartbeat
) WITHOUT ROWID;

CREATE INDEX presence_by_mention ON presence(mention_id);
