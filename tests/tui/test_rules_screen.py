"""The Rules screen: editing a rule previews what it would change, a bad rule shows its error
and leaves the file alone, applying saves it and changes past mentions (or only new ones), a
hand-set category is kept, and the apply is undone; rules are added, moved and deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import cast

from textual.app import App
from textual.pilot import Pilot

from core.config import load_config
from core.headless import open_poller
from core.inbox.triage import Ids, Inbox
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.tui.conftest import Clock, Posted, until
from tests.tui.inbox_db import T0, M, create_db, insert
from tests.tui.screen_text import screen_text
from tui.app import ListenpostApp
from tui.screens.rules import RulesScreen

CONFIG = '''# the team's config
[brand]
name = "Northwind"
queries = ["northwind"]

[network]
allow_private_addresses = true
{sources}
# -- triage rules --
[[rules]]
# refunds are complaints
name = "refunds"
query = "refund"
tags = ["refund"]

[[rules]]
name = "danish"
languages = ["da"]
tags = ["dansk"]
'''
SIZE = (100, 40)


async def setup(tmp_path: Path, sources: str = "") -> tuple[Path, Path, list[int]]:
    db, config = tmp_path / "rules.db", tmp_path / "config.toml"
    await create_db(db)
    ids = insert(db, [M(title="Where is my refund", category="question", priority=50.0),
                      M(title="Refund please", category="question", priority=40.0),
                      M(title="Love the beans", category="praise", priority=5.0)])
    async with await Store.open(db) as store:  # a person files the second one by hand
        await Inbox(store.db, store.transaction, me="bo").set_category(
            Ids((ids[1],)), "idea", actor="bo", now=T0)
    config.write_text(CONFIG.replace("{sources}", sources), encoding="utf-8")
    return db, config, ids


def app_for(db: Path, config: Path) -> ListenpostApp:
    return ListenpostApp(db, load_config(config), clock=Clock(T0 + 3600), tz=UTC)


def rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT m.category, (SELECT group_concat(tag) FROM tags"
                           " WHERE mention_id = m.id) FROM mentions m ORDER BY m.id").fetchall()


def shown(pilot: Pilot[None]) -> str:
    """What the terminal shows now."""
    return screen_text(cast("App[object]", pilot.app))


async def previewed(pilot: Pilot[None], posted: Posted, seen: int) -> RulesScreen.Previewed:
    """The next preview after the ``seen`` ones so far."""
    await until(pilot, lambda: len(posted.of(RulesScreen.Previewed)) > seen)
    return posted.of(RulesScreen.Previewed)[-1]


async def preview_showing(pilot: Pilot[None], posted: Posted,
                          check: Callable[[RulesScreen.Previewed], bool]) -> RulesScreen.Previewed:
    """The latest preview, once it is one of the finished edit (``check``): on a loaded machine
    a pause between two typed keys can let the debounce preview a half-typed line first."""
    await until(pilot, lambda: bool(posted.of(RulesScreen.Previewed))
                and check(posted.of(RulesScreen.Previewed)[-1]))
    return posted.of(RulesScreen.Previewed)[-1]


async def open_rules(pilot: Pilot[None], posted: Posted) -> RulesScreen.Previewed:
    await pilot.press("W")
    return await previewed(pilot, posted, 0)


async def type_line(pilot: Pilot[None], line: str) -> None:
    """Type ``line`` on the last, empty line of the rule being edited (the editor has the
    focus)."""
    await pilot.press("pagedown", "end", *line)


async def test_editing_a_rule_previews_its_matches_and_changes(tmp_path: Path) -> None:
    """It should list the rules, and preview an edit: the mentions it matches and the change
    on each, a hand-set category shown as kept; nothing is written."""
    db, config, _ = await setup(tmp_path)
    before = config.read_bytes()
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        first = await open_rules(pilot, posted)
        assert first.matching == 2 and first.problem is None
        text = shown(pilot)
        assert "refunds" in text and "danish" in text and "config.toml" in text
        assert "tags +refund" in text and "Where is my refund" in text
        await pilot.press("enter")
        await type_line(pilot, 'category = "complaint"')
        preview = await preview_showing(
            pilot, posted, lambda _: "category question -> complaint" in shown(pilot))
        assert preview.matching == 2
        text = shown(pilot)
        assert "category question -> complaint" in text
        assert "kept as set by hand: category" in text
        assert "refunds *" in text  # edited, not saved
    assert config.read_bytes() == before


async def test_a_bad_rule_shows_its_error_and_the_file_is_untouched(tmp_path: Path) -> None:
    """It should show a bad value with its line, keep the text, and refuse to apply it."""
    db, config, _ = await setup(tmp_path)
    before = config.read_bytes()
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        await open_rules(pilot, posted)
        await pilot.press("enter")
        await type_line(pilot, 'category = "nonsense"')
        preview = await preview_showing(
            pilot, posted, lambda p: "unknown category 'nonsense'" in (p.problem or ""))
        assert (preview.problem or "").startswith("line 6: unknown category")
        assert "line 6: unknown category 'nonsense'" in shown(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("unknown category" in n for n in posted.notices()))
        assert 'category = "nonsense"' in shown(pilot)  # nothing typed is lost
    assert config.read_bytes() == before


async def test_apply_to_past_changes_them_keeps_hand_set_and_undoes(tmp_path: Path) -> None:
    """It should save the rule, change the past mentions it matches except what a person set,
    and undo that apply with u."""
    db, config, _ = await setup(tmp_path)
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        await open_rules(pilot, posted)
        await pilot.press("enter")
        await type_line(pilot, 'category = "complaint"')
        await preview_showing(
            pilot, posted, lambda _: "category question -> complaint" in shown(pilot))
        await pilot.press("ctrl+s")
        await pilot.press("2")  # past ones too
        await until(pilot, lambda: any("applied it to past" in n for n in posted.notices()))
        assert rows(db) == [("complaint", "refund"), ("idea", "refund"), ("praise", None)]
        assert '# refunds are complaints\nname = "refunds"' in config.read_text()
        assert 'tags = ["refund"]\ncategory = "complaint"\n\n[[rules]]' in config.read_text()
        await pilot.press("u")
        await until(pilot, lambda: any("Undid the apply" in n for n in posted.notices()))
    assert rows(db) == [("question", None), ("idea", None), ("praise", None)]


async def test_apply_to_new_only_leaves_the_past_and_rules_new_arrivals(
        tmp_path: Path, loopback: LoopbackServer) -> None:
    """It should save the rule and change no stored mention; a poller already running then
    gives the rule to a mention it stores next."""
    feed = rss([FeedItem("Northwind refund late", "Still no Northwind refund", "n1",
                         link="https://blog.example/n1")])
    url = loopback.route("/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    db, config, _ = await setup(
        tmp_path, f'\n[[sources]]\nkind = "feed"\nname = "blog"\nurl = "{url}"\n')
    loaded = load_config(config)
    posted = Posted()
    async with await Store.open(db) as store, open_poller(loaded, store) as poller:
        async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
            await open_rules(pilot, posted)
            await pilot.press("enter")
            seen = len(posted.of(RulesScreen.Previewed))
            await type_line(pilot, 'assignee = "ana"')
            await previewed(pilot, posted, seen)
            await pilot.press("ctrl+s")
            await pilot.press("1")  # new mentions only
            await until(pilot, lambda: any("arriving from now on" in n
                                           for n in posted.notices()))
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM mentions WHERE assignee IS NOT NULL"
                               ).fetchone() == (0,)
        await poller.poll_once(due_only=False)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT title, assignee FROM mentions WHERE assignee IS NOT NULL"
                           ).fetchall() == [("Northwind refund late", "ana")]


async def test_add_move_and_delete_rules(tmp_path: Path) -> None:
    """It should add a rule at the end, move it up, and delete one once confirmed, keeping
    the file's comments."""
    db, config, _ = await setup(tmp_path)
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        await open_rules(pilot, posted)
        await pilot.press("a")
        await until(pilot, lambda: "new rule 1" in shown(pilot))
        await pilot.press("ctrl+s", "1")
        await until(pilot, lambda: config.read_text().count("[[rules]]") == 3)
        await pilot.press("K")  # the new rule (under the cursor) runs before "danish"
        await until(pilot, lambda: config.read_text().index("new rule 1")
                    < config.read_text().index("danish"))
        await pilot.press("k", "k", "d")  # the first rule, "refunds"
        await pilot.press("1")
        await until(pilot, lambda: "refunds" not in config.read_text())
    text = config.read_text()
    assert "# the team's config" in text and "# -- triage rules --" in text
    assert text.index("new rule 1") < text.index("danish")


async def test_the_palette_opens_the_rules_screen(tmp_path: Path) -> None:
    """It should reach the Rules screen from the command palette, and offer its actions."""
    db, config, _ = await setup(tmp_path)
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.press("ctrl+p", *"Rules: edit")
        await until(pilot, lambda: "a triage rule, preview what" in shown(pilot))
        await pilot.press("enter")
        await previewed(pilot, posted, 0)
        await pilot.press("ctrl+p", *"Move the rule")
        await until(pilot, lambda: "up: it runs earlier" in shown(pilot))
