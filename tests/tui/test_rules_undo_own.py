"""The Rules screen's ``u`` takes back the person's own last apply to past mentions only: not a
teammate's, and not when a teammate has changed one of those mentions since (refused in the
inbox undo's words, nothing undone). The person is the one ``--user`` names."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from textual.pilot import Pilot

from core.config import load_config, parse_config
from core.inbox.triage import Ids, Inbox
from core.rules.preview import apply_to_past
from core.store import Store
from tests.tui.conftest import Clock, Posted, until
from tests.tui.inbox_db import T0
from tests.tui.test_rules_screen import (
    SIZE,
    open_rules,
    previewed,
    rows,
    setup,
    type_line,
)
from tui.app import ListenpostApp
from tui.cli import as_user
from tui.screens.rules import RulesScreen

NOW = T0 + 3600  # 01:00 UTC on the app's clock


def app_as(db: Path, config: Path, person: str) -> ListenpostApp:
    acting = as_user(load_config(config), person)
    assert not isinstance(acting, str)
    return ListenpostApp(db, acting, clock=Clock(NOW), tz=UTC)


async def test_u_leaves_a_teammates_apply_alone(tmp_path: Path) -> None:
    """It should say bo has no apply to undo when only ana applied a rule to past mentions."""
    db, config, _ = await setup(tmp_path)
    rule = parse_config('[[rules]]\nname = "r"\nquery = "refund"\ncategory = "complaint"\n')
    async with await Store.open(db) as store:
        await apply_to_past(store, rule.rules[0], now=NOW - 60, by="ana")
    applied = rows(db)
    posted = Posted()
    async with app_as(db, config, "bo").run_test(size=SIZE, message_hook=posted) as pilot:
        await open_rules(pilot, posted)
        await pilot.press("u")
        await until(pilot, lambda: "No apply to past mentions by bo to undo." in
                    posted.notices())
    assert rows(db) == applied


async def apply_refunds_as_complaints(pilot: Pilot[None], posted: Posted) -> None:
    """Edit the first rule to set the complaint category and apply it to past mentions."""
    await open_rules(pilot, posted)
    await pilot.press("enter")
    seen = len(posted.of(RulesScreen.Previewed))
    await type_line(pilot, 'category = "complaint"')
    await previewed(pilot, posted, seen)
    await pilot.press("ctrl+s", "2")
    await until(pilot, lambda: any("applied it to past" in n for n in posted.notices()))


async def test_u_is_refused_when_a_teammate_changed_those_mentions_since(
        tmp_path: Path) -> None:
    """It should refuse bo's undo, in the inbox undo's words, once ana has set the category of
    a mention bo's apply changed; nothing is undone."""
    db, config, ids = await setup(tmp_path)
    posted = Posted()
    async with app_as(db, config, "bo").run_test(size=SIZE, message_hook=posted) as pilot:
        await apply_refunds_as_complaints(pilot, posted)
        async with await Store.open(db) as store:
            await Inbox(store.db, store.transaction, me="ana").set_category(
                Ids((ids[0],)), "question", actor="ana", now=NOW + 60)
        changed = rows(db)
        await pilot.press("u")
        refusal = ("ana changed 1 of these 2 mentions since (category → question, 01:01); "
                   "nothing undone.")
        await until(pilot, lambda: refusal in posted.notices())
    assert rows(db) == changed


async def test_u_undoes_ones_own_apply_past_a_teammates_apply_and_other_mentions(
        tmp_path: Path) -> None:
    """It should undo bo's own apply although ana applied a rule since and changed a mention
    that apply never touched."""
    db, config, ids = await setup(tmp_path)
    posted = Posted()
    async with app_as(db, config, "bo").run_test(size=SIZE, message_hook=posted) as pilot:
        await apply_refunds_as_complaints(pilot, posted)
        rule = parse_config('[[rules]]\nname = "beans"\nquery = "beans"\ntags = ["beans"]\n')
        async with await Store.open(db) as store:
            await apply_to_past(store, rule.rules[0], now=NOW + 30, by="ana")
            await Inbox(store.db, store.transaction, me="ana").set_status(
                Ids((ids[2],)), "done", actor="ana", now=NOW + 60)
        await pilot.press("u")
        await until(pilot, lambda: any("Undid the apply" in n for n in posted.notices()))
    assert rows(db) == [("question", None), ("idea", None), ("praise", "beans")]
