"""The app shell: poll rounds announced once, in words that follow the one failure definition."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot

from core.model import FAILED_STATUSES, PollOutcome, PollStatus
from tests.tui.conftest import AppFactory, Posted
from tui.messages import ScreenRefreshed
from tui.widgets.status_line import StatusLine


async def test_status_counts_failures_as_failed_statuses_says(make_app: AppFactory, db: Path,
                                                              posted: Posted) -> None:
    """It should name every FAILED_STATUSES outcome: errors as failed, throttled as waiting."""
    assert {PollStatus.ERROR, PollStatus.THROTTLED} == FAILED_STATUSES

    async def poll_once(due_only: bool = True) -> list[PollOutcome]:
        return [PollOutcome("blog", PollStatus.OK), PollOutcome("hn", PollStatus.ERROR, "boom"),
                PollOutcome("reddit", PollStatus.THROTTLED, "HTTP 429", retry_after=60),
                PollOutcome("feed", PollStatus.NOT_MODIFIED)]

    app = make_app(poll_runner=poll_once, poll_interval=3600)
    async with app.run_test(size=(160, 30), message_hook=posted) as pilot:
        for _ in range(500):
            if posted.of(ScreenRefreshed):
                break
            await pilot.pause(0.02)
        line = str(app.screen.query_one(StatusLine).render())
        assert "polled 3 sources at " in line and ", 1 failed" in line
        assert "1 source waits for its server's Retry-After until" in line


async def _palette_hits(pilot: Pilot[None], typed: str) -> list[str]:
    """Open the palette on the current screen, type, and read the commands it lists."""
    await pilot.press("ctrl+p", *typed)
    for _ in range(200):  # the palette searches in a worker: wait until it shows a result
        await pilot.pause(0.02)
        found = pilot.app.screen.query(CommandList)
        if found and found.first().option_count:
            break
    commands = pilot.app.screen.query_one(CommandList)
    hits = [str(commands.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(commands.option_count)]
    await pilot.press("escape")
    return hits


async def test_palette_offers_the_current_screens_actions(make_app: AppFactory,
                                                          db: Path) -> None:
    """It should offer the inbox's actions on the inbox, and not on a screen without them."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Inbox: Mark done" in await _palette_hits(pilot, "Mark done")
        assert "App: Poll every source now (Retry-After still holds)" in await _palette_hits(
            pilot, "Poll every")
        await pilot.press("f1")
        await pilot.pause()
        assert "Inbox: Mark done" not in await _palette_hits(pilot, "Mark done")
        assert "App: Poll every source now (Retry-After still holds)" in await _palette_hits(
            pilot, "Poll every")
