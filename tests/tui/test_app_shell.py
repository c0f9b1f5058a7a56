"""The app shell: poll rounds announced once, in words that follow the one failure definition."""

from __future__ import annotations

from pathlib import Path

from core.model import FAILED_STATUSES, PollOutcome, PollStatus
from tests.tui.conftest import AppFactory, Posted
from tui.messages import ScreenRefreshed
from tui.widgets.status_line import StatusLine


async def test_status_counts_failures_as_failed_statuses_says(make_app: AppFactory, db: Path,
                                                              posted: Posted) -> None:
    """It should count every FAILED_STATUSES outcome as failed, naming the throttled ones."""
    assert {PollStatus.ERROR, PollStatus.THROTTLED} == FAILED_STATUSES

    async def poll_once() -> list[PollOutcome]:
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
        assert "polled 4 sources at " in line
        assert "2 failed (1 throttled)" in line
