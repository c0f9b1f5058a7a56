-- Schema version 1: sources with fetch state, mentions with enrichment and triage state,
-- full-text search, authors, and the action log. Times are integer Unix seconds (UTC).
-- The runner (core/store/migrate.py) applies this in one transaction together with
-- PRAGMA application_id and PRAGMA user_version = 1, so a crash leaves all of it or none.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    url             TEXT NOT NULL,
    owned           INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,   -- 0 once removed from the config; mentions stay
    etag            TEXT,
    last_modified   TEXT,
    body_hash       TEXT,
    cursor          TEXT,
    last_polled_at  INTEGER,
    last_ok_at      INTEGER,
    last_status     TEXT,          -- ok | not_modified | warning | error | throttled
    last_message    TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,   -- consecutive failures, for backoff
    next_poll_at    INTEGER,
    throttled_until INTEGER
);

-- One row per poll of a source: the outcome history behind "source health".
CREATE TABLE polls (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status      TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    new         INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX polls_by_source ON polls(source_id, started_at);

CREATE TABLE authors (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    handle      TEXT NOT NULL,           -- author_id when known, else the display name
    by_name     INTEGER NOT NULL DEFAULT 0,   -- 1 when handle is the display name (no id known)
    name        TEXT NOT NULL DEFAULT '',
    url         TEXT,
    followers   INTEGER,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    mentions    INTEGER NOT NULL DEFAULT 0,
    notes       TEXT NOT NULL DEFAULT '',
    UNIQUE (platform, handle)
);

CREATE TABLE mentions (
    id                 INTEGER PRIMARY KEY,
    key                TEXT NOT NULL UNIQUE,      -- dedupe key, see core.dedupe
    source_id          INTEGER NOT NULL REFERENCES sources(id),
    platform           TEXT NOT NULL,
    platform_id        TEXT,
    guid               TEXT,                      -- a feed entry's id/guid, as the feed gave it
    url                TEXT,
    title              TEXT NOT NULL DEFAULT '',
    text               TEXT NOT NULL DEFAULT '',
    author             TEXT NOT NULL DEFAULT '',
    author_id          INTEGER REFERENCES authors(id),
    published_at       INTEGER,
    fetched_at         INTEGER NOT NULL,
    sort_at            INTEGER NOT NULL,          -- published_at, else fetched_at: the list order
    language           TEXT NOT NULL DEFAULT 'und',
    sentiment          REAL NOT NULL DEFAULT 0,
    sentiment_label    TEXT NOT NULL DEFAULT 'neutral',
    sentiment_method   TEXT NOT NULL DEFAULT 'none',
    sentiment_drivers  TEXT NOT NULL DEFAULT '',  -- space-separated words that drove the score
    matched            TEXT NOT NULL DEFAULT '',  -- "kind:name" entries joined by '\n'
    category           TEXT,
    priority           REAL NOT NULL DEFAULT 0,
    replies            INTEGER,
    reshares           INTEGER,
    likes              INTEGER,
    in_reply_to        TEXT,
    owned              INTEGER NOT NULL DEFAULT 0,
    -- triage state
    status             TEXT NOT NULL DEFAULT 'new',   -- new | done
    starred            INTEGER NOT NULL DEFAULT 0,
    snoozed_until      INTEGER,
    assignee           TEXT,
    replied_at         INTEGER
);
CREATE INDEX mentions_by_time ON mentions(sort_at DESC, id DESC);
CREATE INDEX mentions_by_status ON mentions(status, sort_at DESC, id DESC);
-- A person's history (social CRM): everything one author said, newest first.
CREATE INDEX mentions_by_author ON mentions(author_id, sort_at DESC) WHERE author_id IS NOT NULL;

CREATE TABLE tags (
    mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (mention_id, tag)
) WITHOUT ROWID;

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Who did what, when; also what undo reads (before/after are JSON of the changed columns).
CREATE TABLE actions (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    mention_id INTEGER REFERENCES mentions(id) ON DELETE CASCADE,
    batch      INTEGER,              -- actions done together (a bulk action) share a batch id
    before     TEXT,
    after      TEXT,
    undone     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX actions_by_mention ON actions(mention_id, at);
CREATE INDEX actions_by_batch ON actions(batch);

-- Full-text search over what people wrote; external content, kept in step by triggers.
-- columnsize=0: no per-row token counts (a second B-tree write on every insert); they only
-- serve bm25 ranking, and searches list newest first instead (core/inbox_views.order_of).
CREATE VIRTUAL TABLE mentions_fts USING fts5(
    title, text, author,
    content='mentions', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    columnsize=0
);
-- Each committed batch becomes a small index segment that FTS5 merges into bigger ones; merging
-- 8 segments a level instead of the default 4 halves how often a row is rewritten, which at
-- 100k mentions made ingest 15% faster (16 gained more but makes searches read more segments).
INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('automerge', 8);
CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO mentions_fts(rowid, title, text, author)
    VALUES (new.id, new.title, new.text, new.author);
END;
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
    VALUES ('delete', old.id, old.title, old.text, old.author);
END;
CREATE TRIGGER mentions_fts_update AFTER UPDATE OF title, text, author ON mentions BEGIN
    INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
    VALUES ('delete', old.id, old.title, old.text, old.author);
    INSERT INTO mentions_fts(rowid, title, text, author)
    VALUES (new.id, new.title, new.text, new.author);
END;
