"""Owned posts out of triage, the Mine view and oldest-first, on real SQLite files."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from core.inbox.buckets import KEYED_BUCKETS
from core.inbox.triage import Ids, Inbox
from core.inbox.views import (
    BUCKET_PREDICATES,
    BUILTIN_VIEWS,
    TRIAGE_SQL,
    Filters,
    Order,
    builtin_view,
    mine_view,
    source_view,
)
from core.store import Store
from core.store.migrate import APPLICATION_ID, load_migrations
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox

TRIAGE_VIEWS = ("new", "needs_reply", "negative", "questions", "ideas", "competitors",
                "snoozed")


def mixed(n: int, seed: int = 3) -> list[M]:
    """Rows in every triage bucket; which of them are owned is set afterwards."""
    rng = random.Random(seed)
    return [M(title=f"m{i}", source=rng.choice(["blog", "brand"]), sort_at=T0 - i * 60,
              sentiment_label=rng.choice(["negative", "neutral"]),
              category=rng.choice([None, "question", "idea", "complaint"]),
              matched=rng.choice(["brand:Acme", "competitor:Globex"]),
              status=rng.choice(["new", "new", "done"])) for i in range(n)]


def make_owned(db: Path, ids: list[int]) -> None:
    with sqlite3.connect(db) as con:
        con.executemany("UPDATE mentions SET owned = 1 WHERE id = ?", [(i,) for i in ids])


def assert_counts_fresh(db: Path) -> None:
    """The trigger-kept counts equal a count from scratch, bucket by bucket."""
    with sqlite3.connect(db) as con:
        stored = {b: n for b, n in con.execute("SELECT bucket, n FROM inbox_counts") if n}
        fresh = {}
        for bucket, predicate in BUCKET_PREDICATES.items():
            fresh[bucket] = con.execute(
                f"SELECT count(*) FROM mentions m WHERE {predicate}").fetchone()[0]
        for prefix, column in KEYED_BUCKETS.items():
            fresh.update({f"{prefix}:{key}": n for key, n in con.execute(
                f"SELECT {column}, count(*) FROM mentions m WHERE {TRIAGE_SQL}"
                f" AND {column} IS NOT NULL GROUP BY {column}")})
    assert stored == {b: n for b, n in fresh.items() if n}


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    await create_db(path)
    return path


async def test_owned_posts_enter_no_triage_view(db: Path) -> None:
    """It should keep the brand's own posts out of New and every triage view, but in All."""
    ids = insert(db, mixed(60))
    owned = ids[::3]
    make_owned(db, owned)
    async with open_inbox(db) as inbox:
        await inbox.snooze(Ids(tuple(ids[:6])), T0 + 600, actor="ana", now=T0 - 60)
        views = [*BUILTIN_VIEWS, *[source_view(i, n) for i, n in await inbox.sources()]]
        counts = await inbox.counts(views, now=T0)
        for view in views:
            rows = {r.id for r in await inbox.window(view, Filters(), now=T0, limit=1000)}
            assert counts[view.key] == len(rows), view.key
            if view.key in TRIAGE_VIEWS or view.key.startswith("source:"):
                assert not rows & set(owned), view.key
        everything = await inbox.window(builtin_view("all"), Filters(), now=T0, limit=1000)
        assert set(owned) <= {r.id for r in everything}


async def test_counts_stay_exact_as_posts_turn_owned_assigned_and_go(db: Path) -> None:
    """It should keep every count (assignee buckets too) equal to a fresh count after writes."""
    ids = insert(db, mixed(120))
    make_owned(db, ids[:20])
    async with open_inbox(db) as inbox:
        await inbox.assign(Ids(tuple(ids[10:40])), "ana", actor="ana", now=T0)
        await inbox.assign(Ids(tuple(ids[40:50])), "bo", actor="ana", now=T0)
        await inbox.set_status(Ids(tuple(ids[30:35])), "done", actor="ana", now=T0)
        await inbox.undo_last("ana", now=T0)
        await inbox.set_status(Ids(tuple(ids[35:38])), "done", actor="ana", now=T0)
    make_owned(db, ids[45:48])
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM mentions WHERE id IN (?, ?)", (ids[12], ids[41]))
        con.execute("UPDATE mentions SET owned = 0 WHERE id = ?", (ids[0],))
    assert_counts_fresh(db)


async def test_upgrade_recounts_a_store_holding_owned_posts(tmp_path: Path) -> None:
    """It should take owned posts out of an older store's counts when it upgrades."""
    path = tmp_path / "old.db"
    steps = load_migrations()
    before = next(m.version for m in steps if m.name.endswith("triage_indexes.sql")) - 1
    with sqlite3.connect(path) as con:
        for migration in steps[:before]:
            for statement in migration.statements:
                con.execute(statement)
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {before}")
    ids = insert(path, mixed(40))
    make_owned(path, ids[:10])
    async with await Store.open(path) as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        rows = await inbox.window(builtin_view("new"), Filters(), now=T0, limit=100)
        assert await inbox.count(builtin_view("new"), now=T0) == len(rows)
        assert not {r.id for r in rows} & set(ids[:10])
    assert_counts_fresh(path)


async def test_mine_lists_what_is_assigned_to_me(db: Path) -> None:
    """It should list and count in Mine only new mentions assigned to me, snoozed ones hidden."""
    ids = insert(db, [M(title=f"m{i}", sort_at=T0 - i) for i in range(6)])
    async with open_inbox(db, me="ana") as inbox:
        await inbox.assign(Ids(tuple(ids[:4])), "ana", actor="ana", now=T0)
        await inbox.assign(Ids((ids[4],)), "bo", actor="ana", now=T0)
        await inbox.set_status(Ids((ids[0],)), "done", actor="ana", now=T0)
        await inbox.snooze(Ids((ids[1],)), T0 + 600, actor="ana", now=T0)
        mine = mine_view("ana")
        rows = await inbox.window(mine, Filters(), now=T0, limit=10)
        assert [r.title for r in rows] == ["m2", "m3"]
        assert await inbox.count(mine, now=T0) == 2
        assert await inbox.count(mine, now=T0 + 600) == 3


async def test_oldest_first_lists_by_time_ascending(db: Path) -> None:
    """It should list oldest first, and page back and forth in that order."""
    insert(db, [M(title=f"m{i}", sort_at=T0 - i * 60, priority=i % 3) for i in range(9)])
    new = builtin_view("new")
    async with open_inbox(db) as inbox:
        first = await inbox.window(new, Filters(), now=T0, limit=4, order=Order.OLDEST)
        assert [r.title for r in first] == ["m8", "m7", "m6", "m5"]
        rest = await inbox.window(new, Filters(), now=T0, limit=9, order=Order.OLDEST,
                                  after=first[-1])
        assert [r.title for r in rest] == ["m4", "m3", "m2", "m1", "m0"]
        again = await inbox.window_from(new, Filters(), now=T0, limit=3, order=Order.OLDEST,
                                        first=rest[0])
        assert [r.title for r in again] == ["m4", "m3", "m2"]
