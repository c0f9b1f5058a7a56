"""Rules over a real store: the dry run writes nothing; applying changes the mentions, logs
each change as done by the rules, keeps per-rule hit counts, and keeps what a person set."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.analysis.match import compile_query
from core.inbox.triage import Ids, Inbox
from core.rules.model import Actions, Conditions, Rule
from core.rules.stored import apply, check, rule_stats
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

REFUNDS = Rule("refunds", Conditions(query=compile_query("refund")),
               Actions(category="complaint", tags=("refund",), boost=10, assignee="ana"))
DANISH = Rule("danish", Conditions(languages=frozenset({"da"})), Actions(tags=("dansk",)))


async def stored(tmp_path: Path) -> tuple[Path, list[int]]:
    db = tmp_path / "r.db"
    await create_db(db)
    ids = insert(db, [M(title="Where is my refund", category="question", priority=50.0),
                      M(title="Refund please", category="question", priority=40.0),
                      M(title="Love the beans", category="praise", priority=5.0)])
    async with await Store.open(db) as store:  # a person files the second one by hand
        await Inbox(store.db, store.transaction, me="bo").set_category(
            Ids((ids[1],)), "idea", actor="bo", now=T0)
    return db, ids


def table(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


async def test_check_lists_changes_and_writes_nothing(tmp_path: Path) -> None:
    """It should say which mentions would change and how, leaving the file as it was."""
    db, ids = await stored(tmp_path)
    before = db.read_bytes()
    async with await Store.open(db) as store:
        summary = await check(store, (REFUNDS, DANISH))
    assert summary.hits == {"refunds": 2}
    assert summary.changed == 2 and summary.kept == 1
    first = summary.outcomes[0]
    assert first.subject.id == ids[0]
    assert first.changes["category"] == ("question", "complaint")
    assert first.changes["priority"] == (50.0, 60.0)
    assert "category" not in summary.outcomes[1].changes  # bo filed it as an idea
    assert db.read_bytes() == before


async def test_apply_changes_logs_counts_and_keeps_what_a_person_set(tmp_path: Path) -> None:
    """It should apply the changes, log them as the rules', count hits, keep bo's category."""
    db, ids = await stored(tmp_path)
    async with await Store.open(db) as store:
        summary = await apply(store, (REFUNDS,), now=T0 + 60)
        again = await apply(store, (REFUNDS,), now=T0 + 120)
        stats = await rule_stats(store)
    assert summary.changed == 2 and again.changed == 0  # applying twice changes nothing more
    rows = table(db, "SELECT id, category, priority, assignee FROM mentions ORDER BY id")
    assert rows == [(ids[0], "complaint", 60.0, "ana"), (ids[1], "idea", 50.0, "ana"),
                    (ids[2], "praise", 5.0, None)]
    assert table(db, "SELECT mention_id, tag FROM tags ORDER BY mention_id") == [
        (ids[0], "refund"), (ids[1], "refund")]
    assert table(db, "SELECT actor, action FROM actions WHERE actor = 'rules'") == [
        ("rules", "rules: refunds"), ("rules", "rules: refunds")]
    assert stats == {"refunds": (2, T0 + 60)}  # each mention counts once
