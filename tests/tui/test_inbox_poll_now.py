"""p polls every source now, except those whose server asked us to wait (Retry-After)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from core.config import parse_config
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.tui.conftest import AppFactory
from tests.tui.screen_text import screen_text
from tui.app import ConfigPoller

FEED = rss([FeedItem("Northwind rocks", "Northwind is great", "n1", link="https://b.example/1")])


def two_sources(loopback: LoopbackServer) -> str:
    ok = loopback.route("/ok.xml", Reply(200, FEED))
    busy = loopback.route("/busy.xml", Reply(429, b"slow down", {"Retry-After": "600"}))
    sources = "".join(f'[[sources]]\nkind = "feed"\nname = "{name}"\nurl = "{url}"\n'
                      'interval = "1h"\n\n' for name, url in (("ok", ok), ("busy", busy)))
    return ('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n'
            f"[network]\nallow_private_addresses = true\n\n{sources}")


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the round's outcome is on the status line (a bounded number of turns)."""
    for _ in range(500):  # a poll round on loopback takes a few turns of the loop
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if "polling…" not in screen_text(pilot.app):
            return


async def test_p_polls_sources_that_are_not_due(make_app: AppFactory, db: Path,
                                                loopback: LoopbackServer) -> None:
    """It should poll a source polled a moment ago again on p, and say how many it polled."""
    config = parse_config(two_sources(loopback), Path("test.toml"))
    app = make_app(config, poll_runner=ConfigPoller(config, db), poll_interval=3600)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        await settle(pilot)
        assert len(loopback.hits("/ok.xml")) == 1
        await pilot.press("p")
        await pilot.pause()
        await settle(pilot)
        await pilot.pause()
        assert len(loopback.hits("/ok.xml")) == 2
        assert len(loopback.hits("/busy.xml")) == 1  # Retry-After: not asked again
        shown = screen_text(app)
        assert "polled 1 source at" in shown
        assert "1 source waits for its server's Retry-After until" in shown
