"""The metrics screen's first paint: ``m`` pressed the moment the inbox has its rows shows the
screen (the build-ahead starting once the inbox has painted does not count twice or get in the
way), and the screen, styled once as it is built rather than restyled by Textual on every new
mode, wears the theme in force when it is shown: the one at start, or one picked while it was
built ahead and hidden."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from tests.tui.conftest import AppFactory, Clock, Posted, until
from tests.tui.inbox_db import T0, M, insert
from tests.tui.test_metrics_screen import SIZE, shown
from tui.app import PREPARE_METRICS_AFTER, ListenpostApp
from tui.messages import ScreenRefreshed

NOW = T0 + 4 * 86400 + 10 * 3600  # 5 June 2024 10:00 UTC


def rows(count: int) -> list[M]:
    return [M(sort_at=NOW - h * 600, title=f"espresso {h}", matched="brand:Acme")
            for h in range(1, count + 1)]


def counted(posted: Posted) -> list[str]:
    """The origins of the metrics screen's complete figures, in order."""
    return [m.origin for m in posted.of(ScreenRefreshed) if m.screen == "metrics"]


def panel_of(app: ListenpostApp) -> Color:
    """The theme's panel colour: the period bar's background."""
    return Color.parse(app.theme_variables["panel"])


def period_bar(app: ListenpostApp) -> Widget:
    return app.screen.query_one("#metrics-period")


async def inbox_has_rows(pilot: Pilot[None], app: ListenpostApp) -> None:
    await until(pilot, lambda: app.inbox_screen is not None
                and bool(app.inbox_screen.mentions.rows))


async def test_m_pressed_right_after_start_shows_the_screen(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should show today's figures, counted once, when m comes as the inbox appears."""
    insert(db, rows(7))
    clock.now = NOW
    app = make_app(prepare_metrics_after=PREPARE_METRICS_AFTER)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await inbox_has_rows(pilot, app)
        await pilot.press("m")
        await until(pilot, lambda: bool(counted(posted)))
        await pilot.pause()
        assert app.current_mode == "metrics"
        assert shown(app, "metrics-period").startswith("Metrics: 2024-06-05")
        assert "mentions 7" in shown(app, "metrics-headline")
        assert len(counted(posted)) == 1


async def test_built_ahead_as_soon_as_the_inbox_has_painted(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should start building the metrics screen right after the inbox's first paint (not
    on a timer), then count it behind the inbox."""
    insert(db, rows(3))
    clock.now = NOW
    app = make_app(prepare_metrics_after=PREPARE_METRICS_AFTER)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await inbox_has_rows(pilot, app)
        inbox_painted = asyncio.Event()
        app.call_after_refresh(inbox_painted.set)
        await inbox_painted.wait()
        await pilot.pause()
        assert app.metrics_screen is not None
        await until(pilot, lambda: counted(posted) == ["period"])
        assert app.current_mode == "inbox"


async def test_the_screen_wears_the_theme_at_start(make_app: AppFactory, db: Path,
                                                   clock: Clock, posted: Posted) -> None:
    """It should paint its period bar in the start theme's panel colour, built on first use."""
    insert(db, rows(3))
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await inbox_has_rows(pilot, app)
        await pilot.press("m")
        await until(pilot, lambda: bool(counted(posted)))
        assert period_bar(app).styles.background == panel_of(app)


async def test_a_theme_picked_while_hidden_is_worn_when_shown(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should restyle the screen built ahead in the dark theme when the light one was picked
    before m."""
    insert(db, rows(3))
    clock.now = NOW
    app = make_app(prepare_metrics_after=PREPARE_METRICS_AFTER)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await until(pilot, lambda: counted(posted) == ["period"])
        dark = panel_of(app)
        app.theme = "textual-light"
        await pilot.pause()
        assert panel_of(app) != dark
        await pilot.press("m")
        await until(pilot, lambda: app.current_mode == "metrics")
        await pilot.pause()
        assert period_bar(app).styles.background == panel_of(app)


def footer_keys(app: ListenpostApp) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_the_footer_is_not_rebuilt_for_the_same_keys(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should keep the metrics footer's keys (the same widgets) when the screen is left and
    shown again with the same keys."""
    insert(db, rows(3))
    clock.now = NOW
    app = make_app()
    async with app.run_test(size=(160, 50), message_hook=posted) as pilot:
        await inbox_has_rows(pilot, app)
        await pilot.press("m")
        await until(pilot, lambda: bool(counted(posted)) and bool(footer_keys(app)))
        await pilot.pause()
        first = footer_keys(app)
        assert any(key.description == "Week" for key in first)  # the screen's own keys
        await pilot.press("escape")
        await until(pilot, lambda: app.current_mode == "inbox")
        await pilot.press("m")
        await until(pilot, lambda: app.current_mode == "metrics")
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(app) == first
