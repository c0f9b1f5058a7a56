-- Schema version 4: the brand's own posts leave the triage views; "Mine" gets a count.
--
-- Owned posts (mentions.owned = 1) are the brand talking, not people to answer: they feed the
-- Kaushik metrics and stay in All, Starred and Done, but no longer enter New, Needs reply,
-- Negative, Questions, Ideas, Competitors or the per-source views. Each of those buckets now
-- requires owned = 0, exactly as core/inbox/views.py (TRIAGE and BUCKET_PREDICATES) says; a test
-- checks that the trigger-kept counts equal a fresh count after random writes, owned rows
-- included.
--
-- A new per-person bucket 'assignee:NAME' (new, not owned, assigned to NAME) serves the "Mine"
-- view's count the way 'source:N' serves a source's, without a GROUP BY at a million rows; its
-- window reads the partial indexes below, which cost ingest nothing (new rows are unassigned).
--
-- SQLite cannot alter a trigger: the three are dropped and created again, then every count is
-- recomputed once from the rows. Last, an index of failed polls for the Sources screen.

DROP TRIGGER inbox_counts_insert;
DROP TRIGGER inbox_counts_delete;
DROP TRIGGER inbox_counts_update;

CREATE INDEX mentions_assigned
    ON mentions(assignee, status, priority DESC, sort_at DESC, id DESC) WHERE assignee IS NOT NULL;
-- Mine newest or oldest first: without it the planner walked every mention by time for a few
-- hundred assigned ones (50 ms at 200k mentions, so about 0.25 s at 1M).
CREATE INDEX mentions_assigned_by_time
    ON mentions(assignee, sort_at DESC, id DESC) WHERE assignee IS NOT NULL;

CREATE TRIGGER inbox_counts_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE new.status = 'new' AND new.owned = 0
        UNION ALL SELECT 'done' WHERE new.status = 'done'
        UNION ALL SELECT 'starred' WHERE new.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE new.status = 'new' AND new.owned = 0 AND new.replied_at IS NULL
            AND (new.category IN ('question', 'complaint') OR new.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE new.status = 'new' AND new.owned = 0 AND new.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE new.status = 'new' AND new.owned = 0 AND new.category = 'question'
        UNION ALL SELECT 'ideas' WHERE new.status = 'new' AND new.owned = 0 AND new.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE new.status = 'new' AND new.owned = 0
            AND (new.matched LIKE 'competitor:%' OR instr(new.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || new.source_id WHERE new.status = 'new' AND new.owned = 0
        UNION ALL SELECT 'assignee:' || new.assignee WHERE new.status = 'new' AND new.owned = 0 AND new.assignee IS NOT NULL
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER inbox_counts_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE old.status = 'new' AND old.owned = 0
        UNION ALL SELECT 'done' WHERE old.status = 'done'
        UNION ALL SELECT 'starred' WHERE old.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE old.status = 'new' AND old.owned = 0 AND old.replied_at IS NULL
            AND (old.category IN ('question', 'complaint') OR old.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE old.status = 'new' AND old.owned = 0 AND old.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE old.status = 'new' AND old.owned = 0 AND old.category = 'question'
        UNION ALL SELECT 'ideas' WHERE old.status = 'new' AND old.owned = 0 AND old.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE old.status = 'new' AND old.owned = 0
            AND (old.matched LIKE 'competitor:%' OR instr(old.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || old.source_id WHERE old.status = 'new' AND old.owned = 0
        UNION ALL SELECT 'assignee:' || old.assignee WHERE old.status = 'new' AND old.owned = 0 AND old.assignee IS NOT NULL
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

-- Only the columns that decide membership fire it; assignee joins them for 'assignee:'.
CREATE TRIGGER inbox_counts_update
AFTER UPDATE OF status, starred, replied_at, owned, category, sentiment_label, matched, source_id,
    assignee
ON mentions BEGIN
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, -1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE old.status = 'new' AND old.owned = 0
        UNION ALL SELECT 'done' WHERE old.status = 'done'
        UNION ALL SELECT 'starred' WHERE old.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE old.status = 'new' AND old.owned = 0 AND old.replied_at IS NULL
            AND (old.category IN ('question', 'complaint') OR old.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE old.status = 'new' AND old.owned = 0 AND old.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE old.status = 'new' AND old.owned = 0 AND old.category = 'question'
        UNION ALL SELECT 'ideas' WHERE old.status = 'new' AND old.owned = 0 AND old.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE old.status = 'new' AND old.owned = 0
            AND (old.matched LIKE 'competitor:%' OR instr(old.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || old.source_id WHERE old.status = 'new' AND old.owned = 0
        UNION ALL SELECT 'assignee:' || old.assignee WHERE old.status = 'new' AND old.owned = 0 AND old.assignee IS NOT NULL
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO inbox_counts(bucket, n)
    SELECT bucket, 1 FROM (
        SELECT 'all' AS bucket
        UNION ALL SELECT 'new' WHERE new.status = 'new' AND new.owned = 0
        UNION ALL SELECT 'done' WHERE new.status = 'done'
        UNION ALL SELECT 'starred' WHERE new.starred = 1
        UNION ALL SELECT 'needs_reply' WHERE new.status = 'new' AND new.owned = 0 AND new.replied_at IS NULL
            AND (new.category IN ('question', 'complaint') OR new.sentiment_label = 'negative')
        UNION ALL SELECT 'negative' WHERE new.status = 'new' AND new.owned = 0 AND new.sentiment_label = 'negative'
        UNION ALL SELECT 'questions' WHERE new.status = 'new' AND new.owned = 0 AND new.category = 'question'
        UNION ALL SELECT 'ideas' WHERE new.status = 'new' AND new.owned = 0 AND new.category = 'idea'
        UNION ALL SELECT 'competitors' WHERE new.status = 'new' AND new.owned = 0
            AND (new.matched LIKE 'competitor:%' OR instr(new.matched, char(10) || 'competitor:') > 0)
        UNION ALL SELECT 'source:' || new.source_id WHERE new.status = 'new' AND new.owned = 0
        UNION ALL SELECT 'assignee:' || new.assignee WHERE new.status = 'new' AND new.owned = 0 AND new.assignee IS NOT NULL
    ) WHERE true
    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;
END;

-- Every bucket recounted once from the rows, as the new triggers keep it from now on.
DELETE FROM inbox_counts;
INSERT INTO inbox_counts(bucket, n) SELECT 'all', count(*) FROM mentions;
INSERT INTO inbox_counts(bucket, n) SELECT 'new', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0;
INSERT INTO inbox_counts(bucket, n) SELECT 'done', count(*) FROM mentions WHERE status = 'done';
INSERT INTO inbox_counts(bucket, n) SELECT 'starred', count(*) FROM mentions WHERE starred = 1;
INSERT INTO inbox_counts(bucket, n) SELECT 'needs_reply', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 AND replied_at IS NULL
    AND (category IN ('question', 'complaint') OR sentiment_label = 'negative');
INSERT INTO inbox_counts(bucket, n) SELECT 'negative', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 AND sentiment_label = 'negative';
INSERT INTO inbox_counts(bucket, n) SELECT 'questions', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 AND category = 'question';
INSERT INTO inbox_counts(bucket, n) SELECT 'ideas', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 AND category = 'idea';
INSERT INTO inbox_counts(bucket, n) SELECT 'competitors', count(*) FROM mentions
    WHERE status = 'new' AND owned = 0
    AND (matched LIKE 'competitor:%' OR instr(matched, char(10) || 'competitor:') > 0);
INSERT INTO inbox_counts(bucket, n) SELECT 'source:' || source_id, count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 GROUP BY source_id;
INSERT INTO inbox_counts(bucket, n) SELECT 'assignee:' || assignee, count(*) FROM mentions
    WHERE status = 'new' AND owned = 0 AND assignee IS NOT NULL GROUP BY assignee;

-- The Sources screen shows each source's last failed poll. Found through polls_by_source it
-- read every kept poll of a healthy source (1.2 s for 1,000 sources of 1,000 polls each); this
-- index holds only the failures, so it costs nothing while polls succeed. Its condition must
-- stay the one core/inbox/sources.py writes (FAILED_STATUSES), or the planner cannot use it.
CREATE INDEX polls_failed ON polls(source_id, started_at) WHERE status IN ('error', 'throttled');
