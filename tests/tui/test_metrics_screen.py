"""The metrics screen with Pilot: ``m`` opens it on today, the period keys change what it shows,
the alert banner names the spike and Enter opens its mentions in the inbox, at 80x24 in both
themes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from core.config import parse_config
from core.inbox.views import Filters
from tests.tui.conftest import AppFactory, Clock, Posted
from tests.tui.inbox_db import T0, M, insert
from tui.app import ListenpostApp
from tui.messages import MentionsRequested, ScreenRefreshed

H = 3600
NOW = T0 + 4 * 86400 + 10 * H + 1800  # 5 June 2024 10:30 UTC (a Wednesday)
SIZE = (80, 24)


def spike_rows() -> list[M]:
    steady = [M(sort_at=NOW - h * H, title=f"nice espresso {h % 4}", matched="brand:Acme")
              for h in range(1, 100)]
    burst = [M(sort_at=NOW - 600 + i, title=f"Acme grinder recall {i}", source="forum",
               sentiment_label="negative", matched="brand:Acme\ncompetitor:Globex")
             for i in range(9)]
    return steady + burst


def shown(app: ListenpostApp, widget_id: str) -> str:
    """The text a Static of the current screen shows, as the terminal would show it."""
    console = Console(width=SIZE[0], file=io.StringIO(), record=True)
    console.print(app.screen.query_one(f"#{widget_id}", Static).content)
    return console.export_text()


async def refreshed(pilot: Pilot[None], posted: Posted, count: int) -> None:
    """Wait (bounded) until the metrics screen has shown its ``count``-th computation."""
    for _ in range(500):
        if len([m for m in posted.of(ScreenRefreshed) if m.screen == "metrics"]) >= count:
            return
        await pilot.pause()
    raise AssertionError("the metrics screen never showed its figures")


async def test_m_shows_today_with_the_spike_banner(make_app: AppFactory, db: Path,
                                                   clock: Clock, posted: Posted) -> None:
    """It should open on today with the headline, the charts and the alert naming the spike."""
    insert(db, spike_rows())
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.press("m")
        await refreshed(pilot, posted, 1)
        assert shown(app, "metrics-period").startswith("Metrics: 2024-06-05  (against 2024-06-04)")
        assert "mentions 19" in shown(app, "metrics-headline")  # 10 steady hours + 9 in the burst
        banner = shown(app, "metrics-alert")
        assert "Alert 1 of 1: volume and negative share spike" in banner and "recall" in banner
        assert "peak 9 per hour, 19 in all" in shown(app, "chart-volume .chart-title")
        assert "Globex" in shown(app, "metrics-voice")


async def test_period_keys_change_the_period(make_app: AppFactory, db: Path, clock: Clock,
                                             posted: Posted) -> None:
    """It should show this week with w, the week before with the left arrow, a month with M."""
    insert(db, spike_rows())
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.press("m")
        await refreshed(pilot, posted, 1)
        await pilot.press("w")
        await refreshed(pilot, posted, 2)
        assert "week of 2024-06-03  (against week of 2024-05-27)" in shown(app, "metrics-period")
        await pilot.press("left")
        await refreshed(pilot, posted, 3)
        assert "week of 2024-05-27  (against week of 2024-05-20)" in shown(app, "metrics-period")
        await pilot.press("M")
        await refreshed(pilot, posted, 4)
        assert shown(app, "metrics-period").startswith("Metrics: 2024-06  (against 2024-05)")
        # every row inserted here, and the fixture's one at midnight on 1 June
        assert "mentions 109" in shown(app, "metrics-headline")


async def test_enter_opens_the_alerts_mentions_in_the_inbox(make_app: AppFactory, db: Path,
                                                            clock: Clock,
                                                            posted: Posted) -> None:
    """It should ask for the spike hour's negative mentions and show them in the inbox."""
    insert(db, spike_rows())
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.press("m")
        await refreshed(pilot, posted, 1)
        await pilot.press("enter")
        await pilot.pause()
        spike_hour = NOW - 1800
        (request,) = posted.of(MentionsRequested)
        assert request.filters == Filters(since=spike_hour, until=spike_hour + H,
                                          sentiment="negative")
        assert app.current_mode == "inbox"
        assert any(n.startswith("Showing: volume and negative share spike")
                   for n in posted.notices())


async def test_readable_at_80x24_in_the_light_theme_with_no_alerts(make_app: AppFactory,
                                                                   clock: Clock,
                                                                   posted: Posted) -> None:
    """It should show an empty day without a banner or an error, in the light theme."""
    clock.now = T0 + 30 * 86400  # a month after the fixture's rows: a quiet day
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        app.theme = "textual-light"
        await pilot.press("m")
        await refreshed(pilot, posted, 1)
        assert not app.screen.query_one("#metrics-alert").display
        assert "Owned posts: none published" in shown(app, "metrics-kaushik")
        await pilot.press("enter")
        assert "No alerts in this period." in posted.notices()
        await pilot.press("escape")
        assert app.current_mode == "inbox"


async def test_dollar_records_an_outcome_that_u_undoes(make_app: AppFactory, db: Path,
                                                       posted: Posted) -> None:
    """It should record a lead with an amount and note on the current mention, and undo it."""
    app = make_app(config=parse_config("[outcomes]\nlead = 250\nsupport = 12\n"))
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("dollar_sign", "1")
        await pilot.press(*"1200 signed", "enter")
        await pilot.pause()
        assert "Outcome lead (1200) on 1 mention. u undoes." in posted.notices()
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT kind, value, note FROM outcomes").fetchall() == [
                ("lead", 1200.0, "signed")]
        await pilot.press("u")
        await pilot.pause()
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM outcomes").fetchone() == (0,)


async def test_dollar_without_outcome_kinds_says_where_to_add_them(make_app: AppFactory,
                                                                   posted: Posted) -> None:
    """It should explain [outcomes] instead of opening an empty choice."""
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("dollar_sign")
        assert any("[outcomes]" in n for n in posted.notices())
