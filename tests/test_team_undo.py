"""Issue 16, item 4: undo reverses one's own last action even when others acted since on other
mentions, and refuses, saying who changed what and when, when they changed the same mention."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from pathlib import Path

import pytest

from core.inbox.triage import ActionResult, Ids, Inbox, UndoRefused
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    await create_db(path)
    insert(path, [M(title=f"m{i}") for i in range(4)])
    return path


def state(db: Path, mention: int) -> tuple[str, str | None, int]:
    with sqlite3.connect(db) as con:
        status, category, starred = con.execute(
            "SELECT status, category, starred FROM mentions WHERE id = ?", (mention,)).fetchone()
    return str(status), category, int(starred)


def undo_count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM actions WHERE action = 'undo'").fetchone()[0])


async def test_undo_is_refused_when_someone_else_changed_the_same_mention(db: Path) -> None:
    """It should undo nothing and say "bo changed this mention since (…, 10:42)"."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana = Inbox(a.db, a.transaction, me="ana")
        bo = Inbox(b.db, b.transaction, me="bo")
        await ana.set_status(Ids((1,)), "done", actor="ana", now=T0)
        await bo.set_category(Ids((1,)), "idea", actor="bo", now=T0 + 42 * 60)
        refused = await ana.undo_last("ana", now=T0 + 43 * 60)
        assert isinstance(refused, UndoRefused)
        assert refused.words(UTC) == ("bo changed this mention since (category → idea, 00:42);"
                                      " nothing undone.")
        assert state(db, 1) == ("done", "idea", 0)  # both changes stand
        assert undo_count(db) == 0
        again = await ana.undo_last("ana", now=T0 + 44 * 60)  # still refused, not skipped
        assert isinstance(again, UndoRefused)


async def test_undo_goes_ahead_when_others_acted_on_other_mentions(db: Path) -> None:
    """It should undo ana's last action though bo acted since, on other mentions only."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana = Inbox(a.db, a.transaction, me="ana")
        bo = Inbox(b.db, b.transaction, me="bo")
        await ana.set_status(Ids((1,)), "done", actor="ana", now=T0)
        await bo.set_status(Ids((2,)), "done", actor="bo", now=T0 + 1)
        await bo.star(Ids((3, 4)), True, actor="bo", now=T0 + 2)
        undone = await ana.undo_last("ana", now=T0 + 3)
        assert isinstance(undone, ActionResult) and undone.changed == 1
        assert state(db, 1) == ("new", None, 0)
        assert state(db, 2) == ("done", None, 0) and state(db, 3) == ("new", None, 1)


async def test_a_bulk_undo_is_refused_as_a_whole_naming_how_many_changed(db: Path) -> None:
    """It should refuse a bulk action's undo when any of its mentions changed since, and say
    how many of them did, with the latest change."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana = Inbox(a.db, a.transaction, me="ana")
        bo = Inbox(b.db, b.transaction, me="bo")
        await ana.set_status(Ids((1, 2, 3)), "done", actor="ana", now=T0)
        await bo.add_tag(Ids((2,)), "vip", actor="bo", now=T0 + 60)
        await bo.set_status(Ids((3,)), "new", actor="bo", now=T0 + 120)
        refused = await ana.undo_last("ana", now=T0 + 180)
        assert isinstance(refused, UndoRefused)
        assert refused.words(UTC) == ("bo changed 2 of these 3 mentions since (status → new, "
                                      "snoozed until → none, 00:02); nothing undone.")
        assert [state(db, i)[0] for i in (1, 2, 3)] == ["done", "done", "new"]


async def test_the_refusal_reads_values_as_words(db: Path) -> None:
    """It should say "starred → yes" and a snooze's time, never 1 or a Unix timestamp."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana = Inbox(a.db, a.transaction, me="ana")
        bo = Inbox(b.db, b.transaction, me="bo")
        await ana.set_status(Ids((1, 2)), "done", actor="ana", now=T0)
        await bo.star(Ids((1,)), True, actor="bo", now=T0 + 60)
        starred = await ana.undo_last("ana", now=T0 + 61)
        assert isinstance(starred, UndoRefused) and starred.change(UTC) == "starred → yes"
        await bo.snooze(Ids((2,)), T0 + 9 * 3600, actor="bo", now=T0 + 120)
        snoozed = await ana.undo_last("ana", now=T0 + 121)
        assert isinstance(snoozed, UndoRefused)
        assert snoozed.change(UTC) == "snoozed until → Sat 09:00, status → new"


async def test_ones_own_later_changes_do_not_block_undo(db: Path) -> None:
    """It should undo ana's last action on a mention she herself changed before it."""
    async with await Store.open(db) as a:
        ana = Inbox(a.db, a.transaction, me="ana")
        await ana.set_category(Ids((1,)), "idea", actor="ana", now=T0)
        await ana.set_status(Ids((1,)), "done", actor="ana", now=T0 + 1)
        first = await ana.undo_last("ana", now=T0 + 2)
        second = await ana.undo_last("ana", now=T0 + 3)
        assert isinstance(first, ActionResult) and isinstance(second, ActionResult)
        assert state(db, 1) == ("new", None, 0)
