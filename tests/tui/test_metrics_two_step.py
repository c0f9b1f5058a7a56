"""The metrics screen paints in two steps when the tables are slow: the overview is announced
(and shown, saying it is still counting) before the tables, every time a period is asked for;
when the tables follow at once, one paint shows both."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, Clock, Posted
from tests.tui.inbox_db import T0, M, insert
from tui.app import ListenpostApp
from tui.messages import ScreenRefreshed
from tui.screens import metrics

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


def period_line(app: ListenpostApp) -> str:
    return str(app.screen.query_one("#metrics-period").render())


async def overviews_over_m_then_w(make_app: AppFactory, db: Path, clock: Clock,
                                  posted: Posted) -> tuple[list[str], str]:
    """Press ``m``, then ``w``, on 29 hourly mentions, each shown fully: the period line at
    each overview paint, and the period line at the end."""
    insert(db, [M(sort_at=NOW - h * 3600, title=f"espresso {h}", matched="brand:Acme")
                for h in range(1, 30)])
    clock.now = NOW
    app = make_app()
    at_overview: list[str] = []

    def hook(message: Message) -> None:
        posted(message)
        if isinstance(message, ScreenRefreshed) and message.screen == "metrics:overview":
            at_overview.append(period_line(app))

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.press("m")
        await shown_fully(pilot, posted, 1)
        await pilot.press("w")
        await shown_fully(pilot, posted, 2)
        return at_overview, period_line(app)


@pytest.mark.parametrize("wait", [0.0, metrics.PAINT_ONCE_WITHIN])
async def test_each_period_announces_its_overview_before_its_tables(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted,
        monkeypatch: pytest.MonkeyPatch, wait: float) -> None:
    """It should announce the overview, then the full figures, for m and for w; an overview
    painted alone says it is still counting."""
    monkeypatch.setattr(metrics, "PAINT_ONCE_WITHIN", wait)
    at_overview, last = await overviews_over_m_then_w(make_app, db, clock, posted)
    assert steps(posted) == ["metrics:overview", "metrics"] * 2
    assert "week of 2024-06-03" in last and "counting" not in last
    if wait == 0.0:  # the tables can never be there within no time: the overview came alone
        assert all("counting…" in line for line in at_overview) and len(at_overview) == 2


async def test_the_first_count_paints_its_overview_without_waiting_for_the_tables(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """It should show the first period's overview as soon as it is counted (the screen has
    nothing to show before it), and wait for the tables on a period change, painting once."""
    monkeypatch.setattr(metrics, "PAINT_ONCE_WITHIN", 30.0)  # far longer than any count here
    at_overview, _ = await overviews_over_m_then_w(make_app, db, clock, posted)
    assert len(at_overview) == 2
    assert "counting…" in at_overview[0]  # painted alone, before its tables
    assert "counting" not in at_overview[1] and "week of" in at_overview[1]  # one paint
