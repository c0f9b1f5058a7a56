-- Schema version 2: what the triage inbox needs to stay fast at a million mentions.
--
-- * inbox_counts: one row per sidebar bucket, kept exact by triggers on every write, because a
--   GROUP BY over 1M mentions took 0.5-2 s while a trigger adds almost nothing per insert
--   (bench/bench_inbox.py measures both). Snoozing is time-dependent, so buckets count mentions
--   whatever their snooze; core.inbox subtracts the few currently snoozed ones through the
--   partial index mentions_snoozed.
-- * indexes that serve the inbox's "worst and most urgent first" order with keyset paging.
--   Each one is used by some view and order (EXPLAIN QUERY PLAN of every pair: bench notes);
--   every index costs each insert, so none is here "just in case".
--
-- The triggers below were the first version; core/store/counts.py now generates them from
-- core/inbox/buckets.py and replaces them when a store opens.

CREATE TABLE inbox_counts (
    bucket TEXT PRIMARY KEY,
    n      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX mentions_triage ON mentions(status, priority DESC, sort_at DESC, id DESC);
CREATE INDEX mentions_by_priority ON mentions(priority DESC, sort_at DESC, id DESC);
CREATE INDEX mentions_source_triage
    ON mentions(source_id, status, priority DESC, sort_at DESC, id DESC);
CREATE INDEX mentions_starred ON mentions(priority DESC, sort_at DESC, id DESC) WHERE starred = 1;
-- Starred, newest first: without it that order scanned every mention by time (0.3 s at 1M).
-- Partial indexes on triage state cost ingest nothing: new rows are never starred or snoozed.
CREATE INDEX mentions_starred_by_time ON mentions(sort_at DESC, id DESC) WHERE starred = 1;
CREATE INDEX mentions_snoozed ON mentions(snoozed_until) WHERE snoozed_until IS NOT NULL;

-- The buckets one mention row belongs to, written once per row image (new / old) below.
CREATE TRIGGER inbox_counts_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE new.status = 'new'
        UNION ALL SELECT 'done' WHERE new.status = 'done'
        UNION ALL SELECT 'starred' WHERE new.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE new.status = 'new' AND new.replied_at IS NULL
            AND new.owned = 0
            AND (new.category IN ('question', 'complaint') OR new.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE new.status = 'new' AND new.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE new.status = 'new' AND new.category = 'question'
        UNION ALL SELECT 'ideas' WHERE new.status = 'new' AND new.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE new.status = 'new'
            AND (new.matched LIKE 'competitor:%' OR instr(new.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || new.source_id WHERE new.status = 'new'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER inbox_counts_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE old.status = 'new'
        UNION ALL SELECT 'done' WHERE old.status = 'done'
        UNION ALL SELECT 'starred' WHERE old.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE old.status = 'new' AND old.replied_at IS NULL
            AND old.owned = 0
            AND (old.category IN ('question', 'complaint') OR old.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE old.status = 'new' AND old.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE old.status = 'new' AND old.category = 'question'
        UNION ALL SELECT 'ideas' WHERE old.status = 'new' AND old.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE old.status = 'new'
            AND (old.matched LIKE 'competitor:%' OR instr(old.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || old.source_id WHERE old.status = 'new'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

-- An update is the old image leaving its buckets and the new one joining; only the columns
-- that decide membership fire it, so engagement refreshes cost nothing here.
CREATE TRIGGER inbox_counts_update
AFTER UPDATE OF status, starred, replied_at, owned, category, sentiment_label, matched, source_id
ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE old.status = 'new'
        UNION ALL SELECT 'done' WHERE old.status = 'done'
        UNION ALL SELECT 'starred' WHERE old.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE old.status = 'new' AND old.replied_at IS NULL
            AND old.owned = 0
            AND (old.category IN ('question', 'complaint') OR old.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE old.status = 'new' AND old.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE old.status = 'new' AND old.category = 'question'
        UNION ALL SELECT 'ideas' WHERE old.status = 'new' AND old.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE old.status = 'new'
            AND (old.matched LIKE 'competitor:%' OR instr(old.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || old.source_id WHERE old.status = 'new'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE new.status = 'new'
        UNION ALL SELECT 'done' WHERE new.status = 'done'
        UNION ALL SELECT 'starred' WHERE new.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE new.status = 'new' AND new.replied_at IS NULL
            AND new.owned = 0
            AND (new.category IN ('question', 'complaint') OR new.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE new.status = 'new' AND new.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE new.status = 'new' AND new.category = 'question'
        UNION ALL SELECT 'ideas' WHERE new.status = 'new' AND new.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE new.status = 'new'
            AND (new.matched LIKE 'competitor:%' OR instr(new.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || new.source_id WHERE new.status = 'new'
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

-- Mentions stored before this migration: counted once here, kept by the triggers from now on.
INSERT INTO inbox_counts(bucket, n) SELECT 'all', count(*) FROM mentions;
INSERT INTO inbox_counts(bucket, n)
SELECT status, count(*) FROM mentions WHERE status IN ('new', 'done') GROUP BY status
ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
INSERT INTO inbox_counts(bucket, n) SELECT 'starred', count(*) FROM mentions WHERE starred = 1;
INSERT INTO inbox_counts(bucket, n)
SELECT 'needs_reply', count(*) FROM mentions WHERE status = 'new' AND replied_at IS NULL
    AND owned = 0 AND (category IN ('question', 'complaint') OR sentiment_label = 'negative');
INSERT INTO inbox_counts(bucket, n)
SELECT 'negative', count(*) FROM mentions WHERE status = 'new' AND sentiment_label = 'negative';
INSERT INTO inbox_counts(bucket, n)
SELECT 'questions', count(*) FROM mentions WHERE status = 'new' AND category = 'question';
INSERT INTO inbox_counts(bucket, n)
SELECT 'ideas', count(*) FROM mentions WHERE status = 'new' AND category = 'idea';
INSERT INTO inbox_counts(bucket, n)
SELECT 'competitors', count(*) FROM mentions WHERE status = 'new'
    AND (matched LIKE 'competitor:%' OR instr(matched, char(10) || 'competitor:') > 0);
INSERT INTO inbox_counts(bucket, n)
SELECT 'source:' || source_id, count(*) FROM mentions WHERE status = 'new' GROUP BY source_id;
