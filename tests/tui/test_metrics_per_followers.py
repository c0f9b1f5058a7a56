"""The metrics screen's ``F``: Kaushik's rates per post, then per 1,000 followers, and back."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from tests.test_metrics_per_followers import NOW, owned
from tests.tui.conftest import AppFactory, Clock, Posted
from tui.app import ListenpostApp
from tui.messages import ScreenRefreshed


def kaushik(app: ListenpostApp) -> str:
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(app.screen.query_one("#metrics-kaushik", Static).content)
    return console.export_text()


async def computed(pilot: Pilot[None], posted: Posted) -> None:
    for _ in range(500):
        if any(m.screen == "metrics" for m in posted.of(ScreenRefreshed)):
            return
        await pilot.pause()
    raise AssertionError("the metrics screen never showed its figures")


async def test_f_switches_kaushik_to_per_thousand_followers(make_app: AppFactory, db: Path,
                                                            clock: Clock,
                                                            posted: Posted) -> None:
    """It should show 3.00 replies per post, then 6.00 per 1,000 followers (500 of them) and
    "—" for the Bluesky account that reports none, then per post again."""
    owned(db)
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        await pilot.press("m")
        await computed(pilot, posted)
        assert "per post (previous" in kaushik(app) and "3.00 (—)" in kaushik(app)
        await pilot.press("F")
        shown = kaushik(app)
        assert "per post per 1,000 followers" in shown
        mastodon = next(line for line in shown.splitlines() if "mastodon" in line)
        bluesky = next(line for line in shown.splitlines() if "bluesky" in line)
        assert "6.00 (—)" in mastodon and "40.00 (—)" in mastodon
        assert "0" not in bluesky.replace("1 (0)", "")  # no rate at all: only "—"
        await pilot.press("F")
        assert "per post (previous" in kaushik(app)
