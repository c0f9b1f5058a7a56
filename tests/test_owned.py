"""Owned posts: the age-based snapshot schedule with an injected clock, snapshots in SQLite,
and the Kaushik rates."""

from __future__ import annotations

import sqlite3
from itertools import pairwise
from pathlib import Path

import aiosqlite

from core.metrics.rates import rates
from core.model import Engagement
from core.polling.owned import (
    DAY,
    HOUR,
    SCHEDULE,
    WINDOW,
    Snapshot,
    engagement_at_age,
    growth,
    is_due,
    next_snapshot_at,
)
from core.store.snapshots import read_snapshots, record_snapshot, take_due_snapshots

MIGRATIONS = Path(__file__).resolve().parents[1] / "core" / "store" / "migrations"
T0 = 1_700_000_000


def _simulate(published: int, start: int, end: int, tick: int = 60) -> list[int]:
    """Snapshot times a poller ticking every ``tick`` seconds would take."""
    taken: list[int] = []
    for now in range(start, end, tick):
        if is_due(published, taken[-1] if taken else None, now):
            taken.append(now)
    return taken


def test_schedule_slows_with_age_and_stops() -> None:
    """It should snapshot hourly on day 1, 6-hourly to day 3, daily to day 7, then stop."""
    taken = _simulate(T0, T0, T0 + 10 * DAY)
    ages = [t - T0 for t in taken]
    gaps = [b - a for a, b in pairwise(ages)]
    for age, gap in zip(ages, gaps, strict=False):
        want = next(step for younger, step in SCHEDULE if age < younger)
        assert gap == want or age + gap == WINDOW
    assert ages[-1] == WINDOW
    assert sum(1 for a in ages if a < DAY) == 24
    assert sum(1 for a in ages if DAY <= a < 3 * DAY) == 8
    assert sum(1 for a in ages if 3 * DAY <= a < 7 * DAY) == 4


def test_first_snapshot_is_due_now_even_when_old() -> None:
    """It should take one snapshot of a post first seen after its window, then none."""
    now = T0 + 30 * DAY
    assert next_snapshot_at(T0, None, now) == now
    assert next_snapshot_at(T0, now, now + DAY) is None


def test_missed_slot_is_due_at_once() -> None:
    """It should make a snapshot missed while the poller was down due immediately."""
    last = T0 + 2 * HOUR
    due = next_snapshot_at(T0, last, T0 + 2 * DAY)
    assert due == last + HOUR and is_due(T0, last, T0 + 2 * DAY)


def test_rates_and_ages() -> None:
    """It should average counts per post, skipping posts that do not report a count."""
    result = rates([Engagement(2, 1, 10), Engagement(4, None, 20), Engagement(None, None, 0)])
    assert result.posts == 3 and result.conversation == 3 and result.amplification == 1
    assert result.applause == 10
    assert rates([]).conversation is None
    snaps = [Snapshot(T0 + HOUR, 1, 0, 5), Snapshot(T0 + DAY, 3, 1, 9),
             Snapshot(T0 + 2 * DAY, 4, 1, 12)]
    assert engagement_at_age(snaps, T0, DAY) == Engagement(3, 1, 9)
    assert engagement_at_age(snaps, T0, 60) is None
    assert [g for _, g in growth(snaps)] == [Engagement(2, 1, 4), Engagement(1, 0, 3)]


async def _db(tmp_path: Path) -> aiosqlite.Connection:
    db = await aiosqlite.connect(tmp_path / "lp.db", isolation_level=None)
    for name in ("0001_initial.sql", "0003_platforms.sql"):
        await db.executescript((MIGRATIONS / name).read_text(encoding="utf-8"))
    await db.execute("INSERT INTO sources (id, name, kind, url, owned) VALUES "
                     "(1, 'brand', 'mastodon', 'https://m.example', 1)")
    return db


async def _post(db: aiosqlite.Connection, key: str, published: int, owned: int = 1) -> int:
    cursor = await db.execute(
        "INSERT INTO mentions (key, source_id, platform, published_at, fetched_at, sort_at,"
        " owned, replies, reshares, likes) VALUES (?, 1, 'mastodon', ?, ?, ?, ?, 0, 0, 0)",
        (key, published, published, published, owned))
    return int(cursor.lastrowid or 0)


async def test_snapshots_follow_schedule_in_sqlite(tmp_path: Path) -> None:
    """It should copy live counts of due owned posts into snapshots, on the schedule only."""
    db = await _db(tmp_path)
    try:
        post = await _post(db, "a", T0)
        await _post(db, "listening", T0, owned=0)
        taken = []
        for now in range(T0, T0 + 9 * DAY, 15 * 60):  # a poller every 15 minutes
            likes = (now - T0) // HOUR
            await db.execute("UPDATE mentions SET likes = ? WHERE id = ?", (likes, post))
            if await take_due_snapshots(db, now):
                taken.append(now)
        snaps = await read_snapshots(db, post)
        assert [s.at for s in snaps] == taken == _simulate(T0, T0, T0 + 9 * DAY, 15 * 60)
        assert all(s.likes == (s.at - T0) // HOUR for s in snaps)
        count = await (await db.execute("SELECT COUNT(*) FROM engagement_snapshots")).fetchone()
        assert count == (len(taken),)
    finally:
        await db.close()


async def test_snapshot_cascade_and_replace(tmp_path: Path) -> None:
    """It should replace a snapshot at the same moment and drop snapshots with their post."""
    db = await _db(tmp_path)
    try:
        post = await _post(db, "a", T0)
        await record_snapshot(db, post, T0, Engagement(1, 2, 3))
        await record_snapshot(db, post, T0, Engagement(4, 5, 6))
        assert await read_snapshots(db, post) == [Snapshot(T0, 4, 5, 6)]
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("DELETE FROM mentions WHERE id = ?", (post,))
        assert await read_snapshots(db, post) == []
    finally:
        await db.close()


def test_migration_applies_on_plain_sqlite(tmp_path: Path) -> None:
    """It should apply after schema 1 with the stdlib driver too."""
    con = sqlite3.connect(tmp_path / "x.db")
    for name in ("0001_initial.sql", "0003_platforms.sql"):
        con.executescript((MIGRATIONS / name).read_text(encoding="utf-8"))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "engagement_snapshots" in tables
    con.close()
