"""The snooze prompt offers only future times and gives examples relative to today."""

from __future__ import annotations

from tests.tui.conftest import AppFactory, Clock
from tests.tui.inbox_db import T0
from tests.tui.screen_text import screen_text


async def test_snooze_prompt_at_19_17_offers_no_tonight(make_app: AppFactory,
                                                        clock: Clock) -> None:
    """It should leave "tonight" out of the choices after 18:00 and date its example."""
    clock.now = T0 + 19 * 3600 + 17 * 60  # 2024-06-01 19:17 UTC (the app's zone here)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        shown = screen_text(app)
        assert "tonight" not in shown
        assert "today 20:17" in shown and "tomorrow 09:00" in shown
        assert "2024-06-08 14:00" in shown
