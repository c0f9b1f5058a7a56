"""Issue 16 in the inbox: a poll round of the inbox's own poller that meets a full disk (a real
tmpfs, tests/full_disk.py) is said in the read-only words a refused triage key uses, in the
status line and a notice, never as "poll failed"; once space returns the next round stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import cast

import pytest
from textual.app import App

from core.config import parse_config
from tests.feedgen import FeedItem, rss
from tests.full_disk import SmallDisk, small_disk_or_skip
from tests.loopback import LoopbackServer, Reply
from tests.tui.conftest import Clock, Posted, until
from tests.tui.inbox_db import create_db
from tests.tui.screen_text import screen_text
from tui.app import ConfigPoller, ListenpostApp
from tui.widgets.mention_list import MentionList

RSS = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk_or_skip(tmp_path) as mounted:
        yield mounted


def feed(count: int) -> bytes:
    return rss([FeedItem(f"Northwind news {i}", "Northwind said a lot. " * 40, f"g{i}",
                         link=f"https://blog.example/{i}") for i in range(count)])


async def test_a_full_disk_met_by_a_poll_is_said_as_read_only(
        disk: SmallDisk, loopback: LoopbackServer, clock: Clock, posted: Posted) -> None:
    """It should say "The disk is full: …" for the round (not "poll failed"), and store the
    next round's mentions once space is back."""
    db = disk.place / "inbox.db"
    await create_db(db)
    url = loopback.route("/f.xml", Reply(200, feed(1), RSS))
    config = parse_config('[brand]\nname = "Northwind"\n[network]\nallowed_networks = '
                          '["127.0.0.1/32"]\n[[sources]]\nkind = "feed"\nname = "f"\n'
                          f'url = "{url}"\n')
    app = ListenpostApp(db, config, poll_runner=ConfigPoller(config, db), poll_interval=3600,
                        clock=clock, tz=UTC)
    words = (f"The disk is full: {disk.place} has no space left; nothing was saved. Read-only "
             "until space returns: free some space, and the next change is saved.")
    async with app.run_test(size=(160, 40), message_hook=posted) as pilot:
        await until(pilot, lambda: len(app.screen.query_one(MentionList).rows) == 1, tries=1000)
        loopback.route("/f.xml", Reply(200, feed(60), RSS))
        disk.fill()
        await pilot.press("p")
        await until(pilot, lambda: words in posted.notices(), tries=1000)
        assert not any("oll failed" in n for n in posted.notices())
        shown = screen_text(cast("App[object]", app))
        assert "The disk is full:" in shown and "poll failed" not in shown
        disk.free()
        await pilot.press("p")
        await until(pilot, lambda: len(app.screen.query_one(MentionList).rows) > 1, tries=1000)
