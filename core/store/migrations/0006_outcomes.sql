-- Schema version 6: outcomes (economic value), and rollups that keep the metrics fast at a
-- million mentions.
--
-- outcomes: what a mention led to (a lead, a deflected ticket), recorded from the inbox. Its
-- value is the amount given, else the kind's value in [outcomes] of the config at that moment,
-- so changing the config later does not rewrite history. Economic value over a period is the
-- sum of the values recorded in it (core.metrics). Undo deletes the row (core.inbox.triage).

CREATE TABLE outcomes (
    id         INTEGER PRIMARY KEY,
    mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    value      REAL NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX outcomes_by_time ON outcomes(at);

-- The rollups:
--
-- A month of listening at 1M mentions is ~380,000 rows; counting them by time, sentiment,
-- source, language, category and matches with GROUP BY took 0.3-0.6 s per figure at 100k on
-- the bench machine (bench/bench_metrics.py), mostly sorting for the GROUP BY. Instead, triggers
-- keep per-half-hour counts (half hours: local midnights in zones with half-hour offsets still
-- fall on a slot edge), so a month is ~1,500 slots x a few rows. Owned posts are not listening
-- and are left out, as core/metrics/queries.py leaves them out.
--
-- metrics_slots: per slot and sentiment label, how many mentions and their summed score.
-- metrics_facets: per slot, how many mentions have each source, language, category and set of
-- matches ('s', 'l', 'c', 'm' + the value); core.metrics folds matches into share of voice.

CREATE TABLE metrics_slots (
    slot  INTEGER NOT NULL,          -- sort_at - sort_at % 1800
    label TEXT NOT NULL,             -- positive | neutral | negative
    n     INTEGER NOT NULL DEFAULT 0,
    score REAL NOT NULL DEFAULT 0,   -- sum of sentiment scores, for the average
    PRIMARY KEY (slot, label)
) WITHOUT ROWID;

CREATE TABLE metrics_facets (
    slot  INTEGER NOT NULL,
    facet TEXT NOT NULL,             -- s | l | c | m
    value TEXT NOT NULL,             -- source id, language, category ('none'), matched text
    n     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (slot, facet, value)
) WITHOUT ROWID;

-- Replies are rare next to mentions: a partial index finds a period's replied ones directly.
CREATE INDEX mentions_replied ON mentions(sort_at) WHERE replied_at IS NOT NULL;

CREATE TRIGGER metrics_insert AFTER INSERT ON mentions WHEN new.owned = 0 BEGIN
    INSERT INTO metrics_slots(slot, label, n, score)
    VALUES (new.sort_at - new.sort_at % 1800, new.sentiment_label, 1, new.sentiment)
    ON CONFLICT(slot, label) DO UPDATE SET n = n + 1, score = score + excluded.score;
    INSERT INTO metrics_facets(slot, facet, value, n)
    SELECT new.sort_at - new.sort_at % 1800, facet, value, 1 FROM (
        SELECT 's' AS facet, CAST(new.source_id AS TEXT) AS value
        UNION ALL SELECT 'l', new.language
        UNION ALL SELECT 'c', coalesce(new.category, 'none')
        UNION ALL SELECT 'm', new.matched
    ) WHERE true
    ON CONFLICT(slot, facet, value) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER metrics_delete AFTER DELETE ON mentions WHEN old.owned = 0 BEGIN
    UPDATE metrics_slots SET n = n - 1, score = score - old.sentiment
    WHERE slot = old.sort_at - old.sort_at % 1800 AND label = old.sentiment_label;
    UPDATE metrics_facets SET n = n - 1
    WHERE slot = old.sort_at - old.sort_at % 1800 AND (facet, value) IN (
        VALUES ('s', CAST(old.source_id AS TEXT)), ('l', old.language),
               ('c', coalesce(old.category, 'none')), ('m', old.matched));
END;

-- A change of anything counted is the old row leaving and the new one arriving; engagement
-- refreshes and triage (status, stars) do not fire it.
CREATE TRIGGER metrics_update_old
AFTER UPDATE OF sort_at, owned, sentiment_label, sentiment, source_id, language, category, matched
ON mentions WHEN old.owned = 0 BEGIN
    UPDATE metrics_slots SET n = n - 1, score = score - old.sentiment
    WHERE slot = old.sort_at - old.sort_at % 1800 AND label = old.sentiment_label;
    UPDATE metrics_facets SET n = n - 1
    WHERE slot = old.sort_at - old.sort_at % 1800 AND (facet, value) IN (
        VALUES ('s', CAST(old.source_id AS TEXT)), ('l', old.language),
               ('c', coalesce(old.category, 'none')), ('m', old.matched));
END;

CREATE TRIGGER metrics_update_new
AFTER UPDATE OF sort_at, owned, sentiment_label, sentiment, source_id, language, category, matched
ON mentions WHEN new.owned = 0 BEGIN
    INSERT INTO metrics_slots(slot, label, n, score)
    VALUES (new.sort_at - new.sort_at % 1800, new.sentiment_label, 1, new.sentiment)
    ON CONFLICT(slot, label) DO UPDATE SET n = n + 1, score = score + excluded.score;
    INSERT INTO metrics_facets(slot, facet, value, n)
    SELECT new.sort_at - new.sort_at % 1800, facet, value, 1 FROM (
        SELECT 's' AS facet, CAST(new.source_id AS TEXT) AS value
        UNION ALL SELECT 'l', new.language
        UNION ALL SELECT 'c', coalesce(new.category, 'none')
        UNION ALL SELECT 'm', new.matched
    ) WHERE true
    ON CONFLICT(slot, facet, value) DO UPDATE SET n = n + 1;
END;

-- Mentions stored before this migration: counted once here, kept by the triggers from now on.
INSERT INTO metrics_slots(slot, label, n, score)
SELECT sort_at - sort_at % 1800, sentiment_label, count(*), total(sentiment)
FROM mentions WHERE owned = 0 GROUP BY 1, 2;
INSERT INTO metrics_facets(slot, facet, value, n)
SELECT slot, facet, value, count(*) FROM (
    SELECT sort_at - sort_at % 1800 AS slot, 's' AS facet, CAST(source_id AS TEXT) AS value
    FROM mentions WHERE owned = 0
    UNION ALL SELECT sort_at - sort_at % 1800, 'l', language FROM mentions WHERE owned = 0
    UNION ALL SELECT sort_at - sort_at % 1800, 'c', coalesce(category, 'none')
    FROM mentions WHERE owned = 0
    UNION ALL SELECT sort_at - sort_at % 1800, 'm', matched FROM mentions WHERE owned = 0
) GROUP BY 1, 2, 3;
