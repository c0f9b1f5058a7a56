"""``--user NAME`` in the inbox: the claim an inbox takes when its person opens a reply is in
that name, so every teammate's inbox (here a real second process) says "ana is replying"
although the login name is another."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

from core.config import Config
from core.config.model import TeamConfig, TeamMember
from tests.tui.conftest import AppFactory, Clock, until
from tests.tui.test_team_claims import ROOT, SIZE
from tui.cli import as_user
from tui.screens.reply import ReplyScreen
from tui.widgets.mention_list import MentionList

TEAM = Config(team=TeamConfig(members=(TeamMember("Ana", "ana"), TeamMember("Bo", "bo"))))

# Bo's view, from another process: what his list would say on ``mention`` at ``now``.
BOS_VIEW = """
import asyncio, sys
from core.store import Store
from core.team.awareness import TeamAwareness

async def main(db, mention, now):
    async with await Store.open(db) as store:
        print((await TeamAwareness(store, "bo").row_claims([mention], now=now)).get(mention, ""))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""


async def bos_view(db: Path, mention: int, now: int) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", BOS_VIEW, str(db), str(mention), str(now), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


async def test_the_claim_is_in_the_user_name(make_app: AppFactory, db: Path,
                                             clock: Clock) -> None:
    """It should claim the mention ana opens a reply on as ana, shown so to bo."""
    assert getpass.getuser() != "ana"
    acting = as_user(TEAM, "ana")
    assert isinstance(acting, Config)
    app = make_app(acting)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplyScreen))
        assert (await bos_view(db, first, int(clock.now))).startswith("ana is replying (")
