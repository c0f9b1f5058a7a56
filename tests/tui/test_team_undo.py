"""Issue 16 in the inbox: `u` refuses, in words, to undo over a teammate's later change."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from core.config import Config
from core.config.model import TeamConfig, TeamMember
from core.inbox.triage import Ids, Inbox
from core.store import Store
from tests.tui.conftest import AppFactory, Clock, Posted, until
from tui.widgets.mention_list import MentionList

TEAM = TeamConfig(members=(TeamMember("Ana", "ana"), TeamMember("Bo", "bo")), me="ana")


def status_of(db: Path, mention: int) -> str:
    with sqlite3.connect(db) as con:
        return str(con.execute("SELECT status FROM mentions WHERE id = ?",
                               (mention,)).fetchone()[0])


async def test_undo_refuses_over_a_teammates_change_and_says_so(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should leave the mention as bo left it and say "bo changed this mention since
    (category → idea, HH:MM); nothing undone."; then undo ana's next action as usual."""
    app = make_app(Config(team=TEAM))
    async with app.run_test(size=(120, 32), message_hook=posted) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        await pilot.press("e")
        await until(pilot, lambda: status_of(db, first) == "done")
        async with await Store.open(db) as other:  # bo, in his own inbox
            bo = Inbox(other.db, other.transaction, me="bo")
            await bo.set_category(Ids((first,)), "idea", actor="bo", now=int(clock.now))
        await pilot.press("u")
        when = datetime.fromtimestamp(int(clock.now), UTC).strftime("%H:%M")
        words = f"bo changed this mention since (category → idea, {when}); nothing undone."
        await until(pilot, lambda: words in posted.notices())
        assert status_of(db, first) == "done"
        second = app.screen.query_one(MentionList).rows[0].id
        await pilot.press("e")
        await until(pilot, lambda: status_of(db, second) == "done")
        await pilot.press("u")
        await until(pilot, lambda: status_of(db, second) == "new")
        assert "Undid done on 1 mention." in posted.notices()
