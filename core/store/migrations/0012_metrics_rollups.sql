-- Per-day facet rollups, so a week or a month of sources, languages, categories and share of
-- voice is summed from a few hundred rows instead of tens of thousands.
--
-- metrics_facets (0006) counts per half-hour slot: a month at 1M mentions is ~41,000 rows (20
-- sources x 1,488 slots), read three times per period change (share of voice for the period
-- and the one before, then the top tables), 25-45 ms of CPU at a month. metrics_facets_daily
-- holds the same counts per UTC day (~30 rows a day): core/metrics/queries.py sums whole UTC
-- days from it and the partial days at a period's edges (a zone not on UTC) from the slots.
--
-- Kept by triggers beside the slot ones, on the same changes (owned posts left out); their
-- cost is four more upserts per listening mention stored (bench/RESULTS.md, ingest).

CREATE TABLE metrics_facets_daily (
    day   INTEGER NOT NULL,          -- sort_at - sort_at % 86400: the UTC day
    facet TEXT NOT NULL,             -- s | l | c | m, as in metrics_facets
    value TEXT NOT NULL,
    n     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, facet, value)
) WITHOUT ROWID;

CREATE TRIGGER metrics_daily_insert AFTER INSERT ON mentions WHEN new.owned = 0 BEGIN
    INSERT INTO metrics_facets_daily(day, facet, value, n)
    SELECT new.sort_at - new.sort_at % 86400, facet, value, 1 FROM (
        SELECT 's' AS facet, CAST(new.source_id AS TEXT) AS value
        UNION ALL SELECT 'l', new.language
        UNION ALL SELECT 'c', coalesce(new.category, 'none')
        UNION ALL SELECT 'm', new.matched
    ) WHERE true
    ON CONFLICT(day, facet, value) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER metrics_daily_delete AFTER DELETE ON mentions WHEN old.owned = 0 BEGIN
    UPDATE metrics_facets_daily SET n = n - 1
    WHERE day = old.sort_at - old.sort_at % 86400 AND (facet, value) IN (
        VALUES ('s', CAST(old.source_id AS TEXT)), ('l', old.language),
               ('c', coalesce(old.category, 'none')), ('m', old.matched));
END;

-- Only the columns a facet or its day is made of: sentiment, triage and engagement changes do
-- not fire these.
CREATE TRIGGER metrics_daily_update_old
AFTER UPDATE OF sort_at, owned, source_id, language, category, matched
ON mentions WHEN old.owned = 0 BEGIN
    UPDATE metrics_facets_daily SET n = n - 1
    WHERE day = old.sort_at - old.sort_at % 86400 AND (facet, value) IN (
        VALUES ('s', CAST(old.source_id AS TEXT)), ('l', old.language),
               ('c', coalesce(old.category, 'none')), ('m', old.matched));
END;

CREATE TRIGGER metrics_daily_update_new
AFTER UPDATE OF sort_at, owned, source_id, language, category, matched
ON mentions WHEN new.owned = 0 BEGIN
    INSERT INTO metrics_facets_daily(day, facet, value, n)
    SELECT new.sort_at - new.sort_at % 86400, facet, value, 1 FROM (
        SELECT 's' AS facet, CAST(new.source_id AS TEXT) AS value
        UNION ALL SELECT 'l', new.language
        UNION ALL SELECT 'c', coalesce(new.category, 'none')
        UNION ALL SELECT 'm', new.matched
    ) WHERE true
    ON CONFLICT(day, facet, value) DO UPDATE SET n = n + 1;
END;

-- Counted once from the slots (exact, and far fewer rows than the mentions); the triggers keep
-- it from now on.
INSERT INTO metrics_facets_daily(day, facet, value, n)
SELECT slot - slot % 86400, facet, value, sum(n) FROM metrics_facets
GROUP BY 1, 2, 3 HAVING sum(n) != 0;
