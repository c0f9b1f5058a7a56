"""The profile lists every reply we sent the person and how fast we first responded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from core.replies.drafts import Replies, Sent
from core.store import Store
from tests.people_data import T0
from tests.tui.conftest import Posted
from tests.tui.test_influencers import SIZE, make, open_influencers, people_db  # noqa: F401
from tui.app import ListenpostApp
from tui.screens.profile import ProfileScreen


async def send(db: Path, key: str, text: str, *, at: int, via: str, url: str | None) -> None:
    """Draft and send a reply to the mention stored under ``key``, as the reply editor does."""
    with sqlite3.connect(db) as con:
        (mention_id,) = con.execute("SELECT id FROM mentions WHERE key = ?", (key,)).fetchone()
    async with await Store.open(db) as store:
        replies = Replies(store.db, store.transaction)
        draft = await replies.save(mention_id, text, actor="ana", now=at - 60)
        await replies.record_sent(draft.id, Sent(via, post_url=url), actor="ana", now=at)


async def open_cy(app: ListenpostApp, pilot: Pilot[None]) -> str:
    await open_influencers(app, pilot)
    await pilot.press("f")
    await pilot.press(*"platform:reddit", "enter", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ProfileScreen)
    return str(app.screen.query_one("#profile-text", Static).render())


async def test_profile_lists_the_replies_we_sent_and_first_response_times(
        people_db: Path, posted: Posted) -> None:  # noqa: F811
    """It should list both replies to Cy, newest first, with who sent them, where, and how
    long after the mention arrived, and the median first response over Cy's mentions."""
    await send(people_db, "reddit:c0", "Sorry, a fix is on its way", at=T0 + 2 * 3600,
               via="elsewhere", url="https://reddit.example/r/acme/c0#ours")
    await send(people_db, "reddit:c1", "Could you mail support@acme?", at=T0 + 4 * 3600,
               via="elsewhere", url=None)
    app = make(people_db)
    async with app.run_test(size=(160, 40), message_hook=posted) as pilot:
        body = await open_cy(app, pilot)
    section = body.split("Replies we sent (2, newest first)")[1]
    first, second = section.strip().splitlines()[1:3]
    assert "Could you mail support@acme?" in first and "(to: Acme broke again 1)" in first
    assert "Sorry, a fix is on its way" in second and "https://reddit.example/r/acme/c0#ours" \
        in second
    assert "ana" in first and "elsewhere" in first
    assert " 2h " in second and " 4h " in first  # the mentions arrived at T0
    assert "first response: median 3h over 2 of 3 shown" in body


async def test_profile_without_replies_says_none_yet(people_db: Path,  # noqa: F811
                                                     posted: Posted) -> None:
    """It should say there are no replies and no first response yet."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        body = await open_cy(app, pilot)
    assert "Replies we sent (0, newest first)" in body and "none yet" in body
    assert "first response: none yet" in body
