"""Issue 16, live across processes: a teammate's heartbeat (presence only) refreshes the inbox
without rereading the counts, yet every change the counts can see — a status set, a mention
stored — by another connection still shows in the sidebar at the next refresh."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from core.inbox.triage import Ids, Inbox
from core.store import Store
from core.team.presence import Presence
from tests.tui.conftest import AppFactory, Clock, Posted, until
from tests.tui.inbox_db import M, insert
from tests.tui.test_team_views import sidebar_lines
from tui.messages import ScreenRefreshed
from tui.widgets.mention_list import MentionList


def new_count(lines: list[str]) -> int:
    """The count on the sidebar's New entry."""
    line = next(line for line in lines if line.split()[1:2] == ["New"])  # "1 New   12"
    return int(line.split()[-1].replace(",", ""))


async def test_counts_follow_a_teammates_triage_but_not_their_heartbeat(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should refresh after a heartbeat with New unchanged, then show New one lower after
    another connection marks a mention done, and one higher after it stores a mention."""
    app = make_app(Config())
    async with app.run_test(size=(120, 40), message_hook=posted) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        before = new_count(sidebar_lines(app))
        async with await Store.open(db) as other:
            refreshes = len(posted.of(ScreenRefreshed))
            await Presence(other, "ana", session="s").beat(first, now=int(clock.now))
            await until(pilot, lambda: len(posted.of(ScreenRefreshed)) > refreshes, tries=200)
            assert new_count(sidebar_lines(app)) == before
            await Inbox(other.db, other.transaction, me="ana").set_status(
                Ids((first,)), "done", actor="ana", now=int(clock.now))
            await until(pilot, lambda: new_count(sidebar_lines(app)) == before - 1, tries=200)
            await Presence(other, "ana", session="s").beat(None, now=int(clock.now) + 5)
        insert(db, [M(title="Stored by the daemon")])
        await until(pilot, lambda: new_count(sidebar_lines(app)) == before, tries=200)
