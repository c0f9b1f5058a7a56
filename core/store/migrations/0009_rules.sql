-- Schema version 9: what the triage rules ([[rules]]) did, per rule: how often each fired
-- when applied and when it last fired, so a team sees which rules work and which never do.
-- Keyed by the rule's name (names are unique in a rule set); a renamed rule starts afresh.

CREATE TABLE rule_stats (
    name       TEXT PRIMARY KEY,
    hits       INTEGER NOT NULL DEFAULT 0,
    last_fired INTEGER              -- Unix seconds (UTC) of the last apply that fired it
) WITHOUT ROWID;

-- Webhook deliveries ([webhooks] team = URL): one row per mention and team, written when the
-- mention arrives and kept until the team's endpoint accepts it. A failed POST is retried at
-- next_attempt_at with growing backoff; a row marked sent is never posted again, and the
-- payload carries "delivery_id" so an endpoint can drop a repeat after a crash mid-send.
CREATE TABLE deliveries (
    mention_id      INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    team            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | sent
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    PRIMARY KEY (mention_id, team)
) WITHOUT ROWID;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
