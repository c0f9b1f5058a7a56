-- Schema version 4: reply drafts and sent replies (core/replies).
--
-- One row per reply to a mention, from the first keystroke of its draft to the post it became.
-- state: 'open' (a draft, perhaps after a failed send: last_error says why, or sent back by an
-- approver: review_note says why), 'pending' (waiting for another member's approval),
-- 'unknown' (a send whose outcome we could not learn, e.g. a timeout after the request left:
-- never re-sent without a person), 'sent' (posted, or posted by hand and confirmed), 'deleted'
-- (kept so delete can be undone). At most one live ('open', 'pending' or 'unknown') reply per
-- mention, so reopening a mention reopens its draft. idempotency_key is made with the draft and
-- reused by every attempt, so a retry cannot post twice where the platform honours it
-- (Mastodon's Idempotency-Key).

CREATE TABLE replies (
    id              INTEGER PRIMARY KEY,
    mention_id      INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    state           TEXT NOT NULL DEFAULT 'open',
    text            TEXT NOT NULL DEFAULT '',
    drafted_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    last_error      TEXT,
    sent_by         TEXT,
    sent_at         INTEGER,
    sent_via        TEXT,          -- 'mastodon' | 'bluesky' | 'elsewhere' (posted by hand)
    post_id         TEXT,          -- the platform's id of our post
    post_url        TEXT,          -- where our post (or the thread we answered in) can be read
    requested_by    TEXT,          -- who asked for approval (state 'pending')
    reviewed_by     TEXT,          -- who approved it, or sent it back
    review_note     TEXT           -- why it was sent back
);
CREATE UNIQUE INDEX replies_live ON replies(mention_id)
    WHERE state IN ('open', 'pending', 'unknown');
CREATE INDEX replies_by_time ON replies(updated_at);

-- The sidebar's Drafts and Awaiting approval counts, kept like every other bucket (see
-- 0002_inbox.sql): a row image leaves its buckets (-1) and the new one joins them (+1).
CREATE TRIGGER replies_count_insert AFTER INSERT ON replies BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'drafts' AS bucket WHERE new.state IN ('open', 'pending', 'unknown')
        UNION ALL SELECT 'approval' WHERE new.state = 'pending'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER replies_count_delete AFTER DELETE ON replies BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'drafts' AS bucket WHERE old.state IN ('open', 'pending', 'unknown')
        UNION ALL SELECT 'approval' WHERE old.state = 'pending'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER replies_count_update AFTER UPDATE OF state ON replies BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'drafts' AS bucket WHERE old.state IN ('open', 'pending', 'unknown')
        UNION ALL SELECT 'approval' WHERE old.state = 'pending'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'drafts' AS bucket WHERE new.state IN ('open', 'pending', 'unknown')
        UNION ALL SELECT 'approval' WHERE new.state = 'pending'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;
