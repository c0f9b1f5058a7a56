"""Engagement snapshots of owned posts in SQLite (table from migration 0003).

The poller stores each poll's mentions first (live counts land on the ``mentions`` row), then
calls ``take_due_snapshots``: for every owned post whose next snapshot is due by the schedule
in ``core.polling.owned``, the current counts are copied into ``engagement_snapshots``. Functions
take the open aiosqlite connection; one call is one short write transaction.
"""

from __future__ import annotations

import aiosqlite

from core.model import Engagement
from core.polling.owned import WINDOW, Snapshot, is_due

# Owned posts still in the window, or never snapshotted; with their latest snapshot time.
_CANDIDATES = """
SELECT m.id, m.published_at, m.fetched_at, MAX(s.at)
FROM mentions AS m LEFT JOIN engagement_snapshots AS s ON s.mention_id = m.id
WHERE m.owned = 1
GROUP BY m.id
HAVING MAX(s.at) IS NULL OR COALESCE(m.published_at, m.fetched_at) >= ?
"""


async def record_snapshot(
    db: aiosqlite.Connection, mention_id: int, at: int, engagement: Engagement
) -> None:
    """Store the counts of one post at ``at`` (a second call for the same moment replaces)."""
    await db.execute(
        "INSERT OR REPLACE INTO engagement_snapshots (mention_id, at, replies, reshares, likes)"
        " VALUES (?, ?, ?, ?, ?)",
        (mention_id, at, engagement.replies, engagement.reshares, engagement.likes),
    )


async def read_snapshots(db: aiosqlite.Connection, mention_id: int) -> list[Snapshot]:
    """Every snapshot of one post, oldest first."""
    async with db.execute(
        "SELECT at, replies, reshares, likes FROM engagement_snapshots"
        " WHERE mention_id = ? ORDER BY at",
        (mention_id,),
    ) as cursor:
        return [Snapshot(*row) async for row in cursor]


async def due_posts(db: aiosqlite.Connection, now: int) -> list[int]:
    """Ids of owned posts whose next snapshot is due at ``now``."""
    async with db.execute(_CANDIDATES, (now - WINDOW,)) as cursor:
        rows = await cursor.fetchall()
    return [row[0] for row in rows if is_due(row[1] or row[2], row[3], now)]


async def take_due_snapshots(db: aiosqlite.Connection, now: int) -> int:
    """Copy the live counts of every due owned post into a snapshot; returns how many."""
    owns_transaction = not db.in_transaction
    if owns_transaction:
        await db.execute("BEGIN IMMEDIATE")
    try:
        ids = await due_posts(db, now)
        for mention_id in ids:
            await db.execute(
                "INSERT OR REPLACE INTO engagement_snapshots"
                " (mention_id, at, replies, reshares, likes)"
                " SELECT id, ?, replies, reshares, likes FROM mentions WHERE id = ?",
                (now, mention_id),
            )
    except BaseException:
        if owns_transaction:
            await db.rollback()
        raise
    if owns_transaction:
        await db.commit()
    return len(ids)
