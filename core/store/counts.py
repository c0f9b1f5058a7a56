"""The triggers that keep ``inbox_counts`` exact, generated from the inbox's bucket table.

A GROUP BY over a million mentions takes 0.5-2 s while a trigger adds almost nothing per write,
so the sidebar's numbers live in ``inbox_counts`` and three triggers keep them. Their bodies are
written from ``core.inbox.buckets`` rather than by hand, so a bucket's membership has one
definition. ``ensure_count_triggers`` runs whenever a writer opens the store: when the stored
triggers differ from what the table says (a new listenpost changed a bucket), it replaces them
and recounts from scratch, in one write transaction, so every process agrees again.
"""

from __future__ import annotations

import aiosqlite

from core.inbox.buckets import BUCKETS, KEYED_BUCKETS, KEYED_MEMBERS, membership_columns

TRIGGER_NAMES = ("inbox_counts_insert", "inbox_counts_delete", "inbox_counts_update")


def _members(image: str, delta: int) -> str:
    """One statement adding ``delta`` to every bucket that row ``image`` (new/old) is in."""
    selects = [f"SELECT '{BUCKETS[0].key}' AS bucket WHERE {BUCKETS[0].condition.sql(image)}"]
    selects += [f"SELECT '{b.key}' WHERE {b.condition.sql(image)}" for b in BUCKETS[1:]]
    selects += [f"SELECT '{prefix}:' || {image}.{column} WHERE {KEYED_MEMBERS.sql(image)}"
                f" AND {image}.{column} IS NOT NULL" for prefix, column in KEYED_BUCKETS.items()]
    union = "\n        UNION ALL ".join(selects)
    return (f"INSERT INTO inbox_counts(bucket, n)\n    SELECT bucket, {delta} FROM (\n"
            f"        {union}\n    ) WHERE true\n"
            "    ON CONFLICT(bucket) DO UPDATE SET n = n + excluded.n;")


def trigger_sql() -> dict[str, str]:
    """The three triggers' CREATE statements, by name, as SQLite stores them."""
    watched = ", ".join(sorted(membership_columns()))
    return {
        "inbox_counts_insert": ("CREATE TRIGGER inbox_counts_insert AFTER INSERT ON mentions"
                                f" BEGIN\n    {_members('new', 1)}\nEND"),
        "inbox_counts_delete": ("CREATE TRIGGER inbox_counts_delete AFTER DELETE ON mentions"
                                f" BEGIN\n    {_members('old', -1)}\nEND"),
        # Only membership columns fire it, so engagement refreshes cost nothing here.
        "inbox_counts_update": (f"CREATE TRIGGER inbox_counts_update AFTER UPDATE OF {watched}"
                                f" ON mentions BEGIN\n    {_members('old', -1)}\n"
                                f"    {_members('new', 1)}\nEND"),
    }


def recount_sql() -> list[str]:
    """Statements that recompute every bucket from the mentions themselves."""
    # Only the buckets this table defines: others (the replies' drafts) keep their own triggers.
    keys = ", ".join(f"'{b.key}'" for b in BUCKETS)
    keyed = " OR ".join(f"bucket LIKE '{prefix}:%'" for prefix in KEYED_BUCKETS)
    statements = [f"DELETE FROM inbox_counts WHERE bucket IN ({keys}) OR {keyed}"]
    statements += [f"INSERT INTO inbox_counts(bucket, n) SELECT '{b.key}', count(*)"
                   f" FROM mentions m WHERE {b.condition.sql('m')}" for b in BUCKETS]
    statements += [f"INSERT INTO inbox_counts(bucket, n) SELECT '{prefix}:' || m.{column},"
                   f" count(*) FROM mentions m WHERE {KEYED_MEMBERS.sql('m')}"
                   f" AND m.{column} IS NOT NULL GROUP BY m.{column}"
                   for prefix, column in KEYED_BUCKETS.items()]
    return statements


async def stored_triggers(db: aiosqlite.Connection) -> dict[str, str]:
    """The count triggers as the database holds them."""
    marks = ", ".join("?" for _ in TRIGGER_NAMES)
    async with db.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                          f" AND name IN ({marks})", TRIGGER_NAMES) as cursor:
        return {str(name): str(sql) for name, sql in await cursor.fetchall()}


async def count_triggers_current(db: aiosqlite.Connection) -> bool:
    """Whether the stored triggers are exactly the ones the bucket table gives."""
    return await stored_triggers(db) == trigger_sql()


async def replace_count_triggers(db: aiosqlite.Connection) -> None:
    """Install the generated triggers and recount. Call inside a write transaction."""
    for name in TRIGGER_NAMES:
        await db.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in trigger_sql().values():
        await db.execute(sql)
    for sql in recount_sql():
        await db.execute(sql)
