"""The metrics screen paints in two steps: the overview is announced (and shown) before the
tables, every time a period is asked for."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, Clock, Posted
from tests.tui.inbox_db import T0, M, insert
from tui.messages import ScreenRefreshed

NOW = T0 + 4 * 86400 + 36000  # 5 June 2024 10:00 UTC


def steps(posted: Posted) -> list[str]:
    return [m.screen for m in posted.of(ScreenRefreshed) if m.screen.startswith("metrics")]


async def shown_fully(pilot: Pilot[None], posted: Posted, count: int) -> None:
    """Wait (bounded) for the ``count``-th complete computation."""
    for _ in range(500):
        if steps(posted).count("metrics") >= count:
            return
        await pilot.pause()
    raise AssertionError("the metrics screen never finished")


async def test_each_period_paints_its_overview_before_its_tables(make_app: AppFactory, db: Path,
                                                                clock: Clock,
                                                                posted: Posted) -> None:
    """It should announce the overview, then the full figures, for m and for w."""
    insert(db, [M(sort_at=NOW - h * 3600, title=f"espresso {h}", matched="brand:Acme")
                for h in range(1, 30)])
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        await pilot.press("m")
        await shown_fully(pilot, posted, 1)
        await pilot.press("w")
        await shown_fully(pilot, posted, 2)
        assert steps(posted) == ["metrics:overview", "metrics"] * 2
        period = str(app.screen.query_one("#metrics-period").render())
        assert "week of 2024-06-03" in period and "counting" not in period
