"""Issue 16 in the inbox: a teammate's claim and presence, written by another process, show in
the list and the detail pane; opening the editor on a claimed mention warns, taking it over and
closing it release the claim; an expired claim shows nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest

from core.config import Config
from core.config.model import TeamConfig, TeamMember
from tests.tui.conftest import AppFactory, Clock, Posted, until
from tests.tui.screen_text import screen_text
from tui.app import WATCH_INTERVAL, ListenpostApp
from tui.messages import ScreenRefreshed
from tui.screens import reply as reply_screen
from tui.screens.prompts import ChoiceScreen
from tui.screens.reply import ReplyScreen
from tui.widgets.mention_list import MentionList

ROOT = Path(__file__).resolve().parents[2]
SIZE = (140, 36)
TEAM = TeamConfig(members=(TeamMember("Ana", "ana"), TeamMember("Bo", "bo")), me="bo")

# Another person's process: claims a mention (as if their editor opened ``claimed`` seconds
# since the epoch) and says its inbox has that mention open as of ``seen``.
OTHER = """
import asyncio, sys
from core.store import Store
from core.team.claims import Claims
from core.team.presence import Presence

async def main(db, person, mention, claimed, seen):
    async with await Store.open(db) as store:
        if claimed:
            await Claims(store, person).take(mention, now=claimed)
        if seen:
            await Presence(store, person, session=store.holder).beat(mention, now=seen)

asyncio.run(main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])))
"""


async def other_process(db: Path, person: str, mention: int, *, claimed: int = 0,
                        seen: int = 0) -> None:
    """Run a real second process that writes a claim and/or presence through core."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER, str(db), person, str(mention), str(claimed), str(seen),
        cwd=ROOT, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


def claim_row(db: Path, mention: int = 1) -> tuple[str, int] | None:
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT person, expires_at FROM mention_claims WHERE mention_id = ?",
                          (mention,)).fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


def present(db: Path) -> set[str]:
    with sqlite3.connect(db) as con:
        return {str(r[0]) for r in con.execute("SELECT person FROM presence")}


def list_text(app: ListenpostApp) -> str:
    mentions = app.screen.query_one(MentionList)
    return "\n".join(mentions.render_line(y).text for y in range(len(mentions.rows)))


def detail_text(app: ListenpostApp) -> str:
    return str(app.screen.query_one("#detail-body").render())


async def test_a_claim_from_another_process_shows_within_the_next_refresh(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should show ana's claim, made by another process, in bo's list and detail pane at the
    first refresh after it commits (the watch runs every second: within 2 s), with presence."""
    assert WATCH_INTERVAL <= 1.0
    app = make_app(Config(team=TEAM))
    now = int(clock.now)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        await other_process(db, "ana", first, claimed=now - 150, seen=now)
        refreshes = len(posted.of(ScreenRefreshed))
        await until(pilot, lambda: len(posted.of(ScreenRefreshed)) > refreshes, tries=200)
        assert "ana is replying (2 min) · Mention 00" in list_text(app)
        assert "Team: ana is replying (2 min)" in detail_text(app)
        assert "also here" not in detail_text(app)  # ana is named once, as the one replying
        assert "ana is replying (2 min)" in screen_text(app)


async def test_presence_shows_who_else_has_the_mention_open(
        make_app: AppFactory, db: Path, clock: Clock) -> None:
    """It should say "also here: ana" while ana's inbox has the mention open, and stop once
    her heartbeat is older than a few seconds; bo's own presence is never shown to him."""
    app = make_app(Config(team=TEAM))
    now = int(clock.now)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        await other_process(db, "ana", first, seen=now)
        await until(pilot, lambda: "Team: also here: ana" in detail_text(app))
        await pilot.press("j")  # another mention: nobody else there
        await until(pilot, lambda: "Team:" not in detail_text(app))
        await pilot.press("k")
        await until(pilot, lambda: "also here: ana" in detail_text(app))
        clock.now += 30  # ana's inbox stopped beating (killed): she fades out
        await until(pilot, lambda: "Team:" not in detail_text(app))
        assert present(db) == {"ana", "bo"}  # bo's own inbox beats, but is not "also here"
    assert present(db) == {"ana"}  # bo's inbox closed: its row went with it


async def test_an_expired_claim_shows_nothing(make_app: AppFactory, db: Path,
                                              clock: Clock) -> None:
    """It should drop a claim from the list and detail once it lapses, with no write."""
    now = int(clock.now)
    await other_process(db, "ana", 1, claimed=now - 60)
    app = make_app(Config(team=TEAM))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "ana is replying (1 min)" in list_text(app))
        clock.now = now - 60 + TEAM_CLAIM  # the claim's length since it was taken
        await until(pilot, lambda: "is replying" not in list_text(app))
        assert "is replying" not in detail_text(app)


TEAM_CLAIM = int(TeamConfig().claim)


async def test_a_second_person_is_warned_and_may_take_the_claim_over(
        make_app: AppFactory, db: Path, clock: Clock) -> None:
    """It should ask bo before replying to a mention ana is replying to: Escape leaves it to
    her (her claim kept), "reply anyway" takes it over, and closing the editor releases it."""
    now = int(clock.now)
    await other_process(db, "ana", 1, claimed=now - 120)
    app = make_app(Config(team=TEAM))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "ana is replying" in list_text(app))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert "ana is replying (2 min). Reply anyway?" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, (ChoiceScreen, ReplyScreen)))
        assert claim_row(db) == ("ana", now - 120 + TEAM_CLAIM)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")  # reply anyway
        await until(pilot, lambda: claim_row(db) == ("bo", now + TEAM_CLAIM))
        assert isinstance(app.screen, ReplyScreen)
        await pilot.press("escape")
        await until(pilot, lambda: claim_row(db) is None)


async def test_the_claim_holder_is_not_warned_and_typing_renews(
        make_app: AppFactory, db: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """It should open bo's own claimed mention without a question, renew the claim as he
    types, and release it when the reply is closed."""
    monkeypatch.setattr(reply_screen, "RENEW_EVERY", 0)  # every keystroke renews
    now = int(clock.now)
    await other_process(db, "bo", 1, claimed=now - 60)  # bo's other terminal
    app = make_app(Config(team=TEAM))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(MentionList)))
        assert "is replying" not in list_text(app)  # his own claim is not news to him
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplyScreen))
        await until(pilot, lambda: claim_row(db) == ("bo", now + TEAM_CLAIM))
        clock.now += 100
        await pilot.press("h", "i")
        await until(pilot, lambda: claim_row(db) == ("bo", now + 100 + TEAM_CLAIM))
        await pilot.press("escape")
        await until(pilot, lambda: claim_row(db) is None)


async def test_sending_the_reply_releases_the_claim(make_app: AppFactory, db: Path) -> None:
    """It should give the claim up once the reply is sent (here: posted by hand, confirmed)."""
    app = make_app(Config(team=TEAM))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(MentionList)))
        await pilot.press("r")
        await until(pilot, lambda: claim_row(db) is not None)
        await pilot.press("t", "h", "a", "n", "k", "s", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")  # "I have posted it"
        await until(pilot, lambda: claim_row(db) is None)
        assert not isinstance(app.screen, ReplyScreen)
