"""Engagement snapshots in SQLite (table from migration 0003): owned posts on a schedule, and
listening mentions whenever a poll sees their counts move, for the priority's rising part.

The poller stores each poll's mentions first (live counts land on the ``mentions`` row), then
calls ``take_due_snapshots``: for every owned post whose next snapshot is due by the schedule
in ``core.polling.owned``, the current counts are copied into ``engagement_snapshots``. Functions
take the open aiosqlite connection; one call is one short write transaction.

Listening mentions get theirs from ingest (``record_growth``, in the batch's transaction): when
a poll sees a stored mention's counts change, the counts are snapshotted (with, the first time,
the counts it arrived with at its fetch time), and the stored priority moves by the change in
its rising and active-thread parts (``core.analysis.priority``); a rising mention seen again
unchanged gets one more snapshot, so its rising part falls back to nothing. A boost a rule gave
stays, since only those two parts are rescored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiosqlite

from core.model import Engagement
from core.polling.owned import WINDOW, Snapshot, growth, is_due

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


# The last two snapshots of each of these ids (n = 1 the latest), by the primary key.
_LAST_TWO = """
WITH last AS (
    SELECT mention_id, at, replies, reshares, likes,
           row_number() OVER (PARTITION BY mention_id ORDER BY at DESC) AS n
    FROM engagement_snapshots WHERE mention_id IN ({marks}))
"""
# Listening mentions among these ids that are rising (a count rose between their last two
# snapshots): the only ones a poll that sees them again unchanged has to rescore.
_RISING = _LAST_TWO + """
SELECT a.mention_id FROM last AS a
JOIN last AS b ON b.mention_id = a.mention_id AND b.n = 2
JOIN mentions AS m ON m.id = a.mention_id
WHERE a.n = 1 AND m.owned = 0
  AND (a.replies > b.replies OR a.reshares > b.reshares OR a.likes > b.likes)
"""
# Each listening mention among these ids, its live counts and its last two snapshots.
_STATE = _LAST_TWO + """
SELECT m.id, m.fetched_at, m.replies, m.reshares, m.likes, l.at, l.replies, l.reshares, l.likes
FROM mentions AS m LEFT JOIN last AS l ON l.mention_id = m.id AND l.n <= 2
WHERE m.id IN ({marks}) AND m.owned = 0 ORDER BY m.id, l.at
"""
_CHUNK = 400  # ids per "IN (…)", twice in _STATE: below SQLite's old limit of 999 variables
_Points = Callable[[Snapshot, Snapshot], float]  # rising points from one snapshot to the next
_Thread = Callable[[int | None], float]  # active-thread points for a reply count


@dataclass(frozen=True, slots=True)
class _State:
    """A listening mention as the store holds it: arrival time, live counts, last snapshots."""

    fetched_at: int
    counts: Engagement
    last: tuple[Snapshot, ...]  # up to two, oldest first


def record_growth(conn: sqlite3.Connection, changed: Sequence[tuple[int, Engagement]],
                  unchanged: Sequence[int], now: int) -> None:
    """Snapshot the listening mentions a poll saw again and rescore their rising part.

    ``changed`` holds (id, the counts before this poll) of the mentions whose counts it
    updated; ``unchanged`` the ids it saw with the same counts (only the rising ones among
    them are looked at). Runs in the database thread (ingest's), inside its write transaction."""
    before: dict[int, Engagement | None] = dict(changed)
    before.update(dict.fromkeys(_ids(conn, _RISING, unchanged, 1), None))
    if not before:
        return
    # Imported here: most polls see nothing move, and they load no analysis at all.
    from core.analysis.priority import rising_part, thread_part

    def points(start: Snapshot, end: Snapshot) -> float:
        part = rising_part(gained(start, end), end.at - start.at)
        return part.points if part else 0.0

    def thread(replies: int | None) -> float:
        part = thread_part(replies)
        return part.points if part else 0.0

    snapshots: list[tuple[int, int, int | None, int | None, int | None]] = []
    changes: list[tuple[float, int]] = []
    for mention_id, state in _states(conn, list(before)).items():
        taken, change = _rescore(state, before[mention_id], now, points, thread)
        snapshots += [(mention_id, s.at, s.replies, s.reshares, s.likes) for s in taken]
        if change:
            changes.append((change, mention_id))
    conn.executemany("INSERT OR REPLACE INTO engagement_snapshots"
                     " (mention_id, at, replies, reshares, likes) VALUES (?, ?, ?, ?, ?)",
                     snapshots)
    conn.executemany("UPDATE mentions SET priority = round(priority + ?, 2) WHERE id = ?",
                     changes)


def _rescore(state: _State, before: Engagement | None, now: int, points: _Points,
             thread: _Thread) -> tuple[list[Snapshot], float]:
    """The snapshots to take of one mention, and how far its priority moves: by the change in
    its rising part and in its active-thread part (``before`` None: seen unchanged)."""
    current = Snapshot(now, state.counts.replies, state.counts.reshares, state.counts.likes)
    last, taken = list(state.last), []
    was = points(*last) if len(last) == 2 else 0.0
    if not last:  # its first growth: the counts it arrived with are the first snapshot
        arrived = before or state.counts
        last = [Snapshot(state.fetched_at, arrived.replies, arrived.reshares, arrived.likes)]
        if last[0].at < now:
            taken.append(last[0])
    rising = was
    if last[-1].at < now:  # a second poll in the same second leaves the part as it was
        taken.append(current)
        rising = points(last[-1], current)
    old_replies = before.replies if before and before.replies is not None else current.replies
    return taken, rising - was + thread(current.replies) - thread(old_replies)


def _ids(conn: sqlite3.Connection, sql: str, ids: Sequence[int], uses: int) -> list[int]:
    """The ids ``sql`` picks among ``ids`` (its ``{marks}`` appear ``uses`` times)."""
    return [int(row[0]) for row in _chunked(conn, sql, ids, uses)]


def _states(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, _State]:
    states: dict[int, _State] = {}
    for row in _chunked(conn, _STATE, ids, 2):
        mention_id = int(row[0])
        state = states.get(mention_id) or _State(int(row[1]), Engagement(*row[2:5]), ())
        if row[5] is not None:
            state = _State(state.fetched_at, state.counts, (*state.last, Snapshot(*row[5:9])))
        states[mention_id] = state
    return states


def _chunked(conn: sqlite3.Connection, sql: str, ids: Sequence[int],
             uses: int) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows += conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk * uses)
    return rows


async def last_snapshots(db: aiosqlite.Connection, mention_id: int) -> list[Snapshot]:
    """The last two snapshots of one mention (fewer when it has fewer), oldest first."""
    async with db.execute(
        "SELECT at, replies, reshares, likes FROM engagement_snapshots"
        " WHERE mention_id = ? ORDER BY at DESC LIMIT 2",
        (mention_id,),
    ) as cursor:
        return [Snapshot(*row) async for row in cursor][::-1]


def gained(before: Snapshot, after: Snapshot) -> int:
    """Interactions (replies, reshares, likes) gained from ``before`` to ``after``; a count
    that fell (a Reddit score voted down) or was not reported gains nothing."""
    [(_, delta)] = growth([before, after])
    return sum(max(0, d) for d in (delta.replies, delta.reshares, delta.likes) if d is not None)

