-- Schema version 4: what the triage rules ([[rules]]) did, per rule: how often each fired
-- when applied and when it last fired, so a team sees which rules work and which never do.
-- Keyed by the rule's name (names are unique in a rule set); a renamed rule starts afresh.

CREATE TABLE rule_stats (
    name       TEXT PRIMARY KEY,
    hits       INTEGER NOT NULL DEFAULT 0,
    last_fired INTEGER              -- Unix seconds (UTC) of the last apply that fired it
) WITHOUT ROWID;
