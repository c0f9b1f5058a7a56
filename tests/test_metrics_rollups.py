"""The daily facet rollups (migration 0012) are one definition with the mentions they count:
after ingest, triage, a rule applied and undone, a mention moved and deleted, and after the
migration counts a database that already held mentions, ``metrics_facets_daily`` equals a
GROUP BY over the mentions; and a period's facets, summed from whole days and partial-day
slots, equal the same count over the period's mentions in any zone."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import parse_config
from core.inbox.triage import Ids, Inbox
from core.metrics import queries
from core.metrics.periods import custom_period, period_of
from core.rules.preview import apply_to_past
from core.rules.undo import undo_apply
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

H = 3600
DAILY = ("metrics_daily_insert", "metrics_daily_delete", "metrics_daily_update_old",
         "metrics_daily_update_new")
# Every facet of a listening mention, as the rollups key it (0006, 0012).
_FACETS_OF = """
SELECT 's' AS facet, CAST(source_id AS TEXT) AS value, sort_at FROM mentions WHERE owned = 0
UNION ALL SELECT 'l', language, sort_at FROM mentions WHERE owned = 0
UNION ALL SELECT 'c', coalesce(category, 'none'), sort_at FROM mentions WHERE owned = 0
UNION ALL SELECT 'm', matched, sort_at FROM mentions WHERE owned = 0"""
REFUNDS = parse_config('[[rules]]\nname = "refunds"\nquery = "refund"\n'
                       'category = "complaint"\n').rules[0]


def varied(count: int, seed: int) -> list[M]:
    """Mentions over four days and a half, at any second, in every facet."""
    rng = random.Random(seed)
    return [M(title=rng.choice(["refund please", "nice beans", "espresso"]),
              sort_at=T0 - 2 * 86400 + rng.randrange(0, 108 * H), source=rng.choice("abc"),
              language=rng.choice(["en", "da"]), category=rng.choice([None, "idea", "question"]),
              sentiment_label=rng.choice(["positive", "neutral", "negative"]),
              matched=rng.choice(["", "brand:Acme", "brand:Acme\ncompetitor:Globex"]))
            for _ in range(count)]


def daily_rollup(con: sqlite3.Connection) -> list[tuple[object, ...]]:
    return con.execute("SELECT day, facet, value, n FROM metrics_facets_daily WHERE n > 0"
                       " ORDER BY 1, 2, 3").fetchall()


def daily_count(con: sqlite3.Connection) -> list[tuple[object, ...]]:
    return con.execute(f"SELECT sort_at - sort_at % 86400, facet, value, count(*)"
                       f" FROM ({_FACETS_OF}) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()


def assert_exact(db: Path, step: str) -> None:
    with sqlite3.connect(db) as con:
        kept, fresh = daily_rollup(con), daily_count(con)
    assert kept == fresh, f"the daily rollups drifted after {step}"
    assert len({row[0] for row in kept}) >= 4  # several days, so a day's edge is crossed


async def test_daily_rollups_equal_a_group_by_through_every_kind_of_write(tmp_path: Path) -> None:
    """It should keep the daily counts exact through ingest, triage, a rule applied and undone,
    a move across midnight and deletes, leaving the brand's own posts out."""
    db = tmp_path / "r.db"
    await create_db(db)
    ids = insert(db, varied(300, seed=3))
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET owned = 1 WHERE id % 13 = 0")
    assert_exact(db, "ingest")
    async with await Store.open(db) as store:
        inbox = Inbox(store.db, store.transaction, me="bo")
        await inbox.set_category(Ids(tuple(ids[:40])), "praise", actor="bo", now=T0)
        await inbox.set_status(Ids(tuple(ids[40:80])), "done", actor="bo", now=T0)
        assert_exact(db, "triage")
        summary = await apply_to_past(store, REFUNDS, now=T0 + 10, by="bo")
        assert summary.changed > 0
        assert_exact(db, "a rule applied")
        assert await undo_apply(store, actor="bo", now=T0 + 20) is not None
        assert_exact(db, "the rule undone")
        await inbox.undo_last("bo", now=T0 + 30)
        assert_exact(db, "a triage undone")
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET sort_at = sort_at + 20 * 3600, language = 'sv'"
                    " WHERE id % 7 = 0")  # across midnight for most of them
        con.execute("DELETE FROM mentions WHERE id % 11 = 0")
    assert_exact(db, "moves and deletes")


async def test_the_migration_counts_mentions_already_stored(tmp_path: Path) -> None:
    """It should count a database's mentions into the daily rollups when it upgrades."""
    db = tmp_path / "old.db"
    await create_db(db)
    insert(db, varied(200, seed=4))
    with sqlite3.connect(db) as con:  # the database as schema 11 left it
        for trigger in DAILY:
            con.execute(f"DROP TRIGGER {trigger}")
        con.execute("DROP TABLE metrics_facets_daily")
        con.execute("PRAGMA user_version = 11")
    async with await Store.open(db):
        pass
    assert_exact(db, "the upgrade")
    insert(db, varied(50, seed=5))
    assert_exact(db, "ingest after the upgrade")


def counted(con: sqlite3.Connection, start: int, end: int, facet: str) -> dict[str, int]:
    return {str(v): int(n) for v, n in con.execute(
        f"SELECT value, count(*) FROM ({_FACETS_OF}) WHERE facet = ? AND sort_at >= ?"
        f" AND sort_at < ? GROUP BY value", (facet, start, end))}


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/New_York"])
async def test_a_periods_facets_equal_a_count_of_its_mentions(tmp_path: Path, zone: str) -> None:
    """It should sum whole UTC days from the daily rollups and the partial days at a period's
    edges from the half-hour slots: the same facets as a count over the period's mentions, for
    a day, a week and a few days, on UTC and in zones a few hours and a half-hour off it."""
    db = tmp_path / "z.db"
    await create_db(db)
    insert(db, varied(400, seed=6))
    tz = ZoneInfo(zone)
    periods = [period_of("day", T0 - 1, tz), period_of("week", T0 + 36 * H, tz),
               custom_period(date(2024, 5, 30), date(2024, 6, 1), tz)]
    with sqlite3.connect(db) as con:
        names = dict(con.execute("SELECT CAST(id AS TEXT), name FROM sources").fetchall())
    async with await Store.open(db) as store:
        for period in periods:
            found = await queries.facets(store.db, period.start, period.end)
            with sqlite3.connect(db) as con:
                sources = {names[i]: n for i, n in counted(con, period.start, period.end,
                                                           "s").items()}
                assert dict(found.sources) == sources, period.label
                assert dict(found.languages) == counted(con, period.start, period.end, "l")
                assert dict(found.categories) == counted(con, period.start, period.end, "c")
            assert found.totals.total == sum(sources.values())
