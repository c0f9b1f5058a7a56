"""One rule previewed, applied to past mentions and undone, over a real store: the preview
counts in SQL and lists the change per mention, the apply keeps what a person set, and the
undo puts back what the rule changed (but not what a person changed since)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.config import parse_config
from core.inbox.triage import Ids, Inbox
from core.rules.model import Rule
from core.rules.preview import apply_to_past, preview
from core.rules.stored import check
from core.rules.undo import undo_apply
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert


def one_rule(text: str) -> Rule:
    """The one rule of config ``text``, as the config loader reads it."""
    return parse_config(text).rules[0]


REFUNDS = one_rule('[[rules]]\nname = "refunds"\nquery = "refund -jobs"\n'
                   'category = "complaint"\ntags = ["refund"]\nboost = 10\nassignee = "ana"\n')


async def stored(tmp_path: Path) -> tuple[Path, list[int]]:
    db = tmp_path / "p.db"
    await create_db(db)
    ids = insert(db, [
        M(title="Where is my refund", category="question", priority=50.0),
        M(title="Refund please", category="question", priority=40.0),
        M(title="Love the beans", category="praise", priority=5.0),
        M(title="Refund desk jobs", text="we are hiring", category="other"),
        M(title="Refusjon", text="min refund kom aldrig", language="da", source="forum"),
    ])
    async with await Store.open(db) as store:  # a person files the second one by hand
        await Inbox(store.db, store.transaction, me="bo").set_category(
            Ids((ids[1],)), "idea", actor="bo", now=T0)
    return db, ids


def table(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


async def test_preview_counts_and_lists_the_change_per_mention(tmp_path: Path) -> None:
    """It should count the matches and list each one, newest first, with what would change."""
    db, ids = await stored(tmp_path)
    before = db.read_bytes()
    async with await Store.open(db) as store:
        shown = await preview(store.db, REFUNDS)
    assert shown.matching == 3
    assert [o.subject.id for o in shown.outcomes] == [ids[4], ids[1], ids[0]]
    first = shown.outcomes[2].changes
    assert first["category"] == ("question", "complaint")
    assert first["assignee"] == (None, "ana") and first["priority"] == (50.0, 60.0)
    assert shown.outcomes[1].kept == ("category",)  # bo's own category stays
    assert db.read_bytes() == before


async def test_preview_narrows_by_every_condition(tmp_path: Path) -> None:
    """It should narrow by language, source and matched names as the engine decides."""
    db, ids = await stored(tmp_path)
    danish = one_rule('[[rules]]\nname = "d"\nlanguages = ["da"]\nsources = ["FORUM"]\n'
                      'tags = ["dansk"]\n')
    nothing = one_rule('[[rules]]\nname = "n"\nquery = "refund"\nmatched = ["competitor"]\n'
                       'tags = ["x"]\n')
    async with await Store.open(db) as store:
        assert [o.subject.id for o in (await preview(store.db, danish)).outcomes] == [ids[4]]
        assert (await preview(store.db, nothing)).matching == 0


async def test_preview_and_the_dry_run_agree(tmp_path: Path) -> None:
    """It should find the same changes as --rules-check's dry run of the same rule."""
    db, _ = await stored(tmp_path)
    async with await Store.open(db) as store:
        shown = await preview(store.db, REFUNDS)
        dry = await check(store, (REFUNDS,))
    assert {o.subject.id: o.changes for o in shown.outcomes} == {
        o.subject.id: o.changes for o in dry.outcomes}


async def test_apply_to_past_then_undo(tmp_path: Path) -> None:
    """It should change the matches in one batch, keep a hand-set category, and undo it all,
    except a change a person made after the apply."""
    db, ids = await stored(tmp_path)
    async with await Store.open(db) as store:
        summary = await apply_to_past(store, REFUNDS, now=T0 + 10, by="bo")
        assert summary.changed == 3 and summary.batch is not None
        assert table(db, "SELECT category, assignee, priority FROM mentions ORDER BY id") == [
            ("complaint", "ana", 60.0), ("idea", "ana", 50.0), ("praise", None, 5.0),
            ("other", None, 0.0), ("complaint", "ana", 10.0)]
        await Inbox(store.db, store.transaction, me="bo").assign(
            Ids((ids[0],)), "cy", actor="bo", now=T0 + 20)  # bo reassigns after the apply
        undone = await undo_apply(store, actor="bo", now=T0 + 30)
        assert undone is not None and undone.mentions == 3
        assert await undo_apply(store, actor="bo", now=T0 + 40) is None
    assert table(db, "SELECT category, assignee, priority FROM mentions ORDER BY id") == [
        ("question", "cy", 50.0), ("idea", None, 40.0), ("praise", None, 5.0),
        ("other", None, 0.0), (None, None, 0.0)]
    assert table(db, "SELECT count(*) FROM tags") == [(0,)]
    assert table(db, "SELECT actor, count(*) FROM actions WHERE action = 'undo'") == [("bo", 3)]


async def test_an_undone_apply_boosts_again_when_reapplied(tmp_path: Path) -> None:
    """It should count the rule as never fired on mentions whose apply was undone."""
    db, _ = await stored(tmp_path)
    async with await Store.open(db) as store:
        await apply_to_past(store, REFUNDS, now=T0, by="bo")
        await undo_apply(store, actor="bo", now=T0)
        await apply_to_past(store, REFUNDS, now=T0, by="bo")
        again = await apply_to_past(store, REFUNDS, now=T0, by="bo")
    assert again.changed == 0
    assert table(db, "SELECT priority FROM mentions ORDER BY id LIMIT 1") == [(60.0,)]


async def test_a_query_full_text_cannot_express_is_decided_by_the_engine(
        tmp_path: Path) -> None:
    """It should preview a query FTS5 cannot run (a term of punctuation) by the engine alone."""
    db, _ = await stored(tmp_path)
    insert(db, [M(title="Refund?! Really?!", category="question")])
    odd = one_rule('[[rules]]\nname = "odd"\nquery = \'refund AND "?!"\'\ntags = ["odd"]\n')
    async with await Store.open(db) as store:
        shown = await preview(store.db, odd)
    assert shown.matching == 1 and [o.subject.title for o in shown.outcomes] == [
        "Refund?! Really?!"]


async def test_preview_narrows_by_matched_kind_and_name(tmp_path: Path) -> None:
    """It should find mentions by the kind or the name of what they matched."""
    db = tmp_path / "m.db"
    await create_db(db)
    insert(db, [M(title="a", matched="brand:Acme"), M(title="b", matched="competitor:Globex"),
                M(title="c", matched="brand:Acme\ncompetitor:Initech")])
    async with await Store.open(db) as store:
        for wanted, titles in (('"competitor"', ["c", "b"]), ('"globex"', ["b"]),
                               ('"acme", "initech"', ["c", "a"])):
            rule = one_rule(f'[[rules]]\nname = "m"\nmatched = [{wanted}]\ntags = ["m"]\n')
            shown = await preview(store.db, rule)
            assert [o.subject.title for o in shown.outcomes] == titles
            assert shown.matching == len(titles)
