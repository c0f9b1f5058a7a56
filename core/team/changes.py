"""Telling a teammate's heartbeat from a teammate's triage, cheaply.

Every inbox writes presence and claims every few seconds, and each such commit moves
``PRAGMA data_version`` for every other inbox on the database. Rereading the sidebar counts
after each costs seconds of CPU at a million mentions (``bench.bench_presence_refresh``), so
an inbox first reads this stamp: the newest stored mention, the newest entry of the action
log (every change to a mention is logged there, undo included) and of the people log (lists,
notes, mutes). When a commit leaves it as it was, only presence or claims changed and the
counts stand. Three primary-key maxima: microseconds at any size. Deletions and time passing
(snoozes ending) are caught by the inbox's periodic full refresh.
"""

from __future__ import annotations

import aiosqlite

_STAMP = ("SELECT (SELECT max(id) FROM mentions), (SELECT max(id) FROM actions),"
          " (SELECT max(id) FROM person_actions)")


async def triage_stamp(db: aiosqlite.Connection) -> tuple[int, int, int]:
    """What changes whenever the counts could: (newest mention, action, people action)."""
    async with db.execute(_STAMP) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return (0, 0, 0)
    return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
