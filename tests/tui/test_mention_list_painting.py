"""A painted row is kept and reused (``RowLook``): these check it is never shown stale.

A cursor move repaints only the two rows whose look changed. Everything else that changes a
row's cells — the clock crossing midnight, a theme switch, a selection — must still reach the
screen, exactly as a list painted from scratch shows it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from textual.pilot import Pilot

from tests.tui.conftest import AppFactory, Clock, until
from tests.tui.inbox_db import T0
from tests.tui.screen_text import screen_text
from tui.app import ListenpostApp

# Textual names the SVG's classes after a hash of the whole screenshot: ignore the names.
_CLASS_NAMES = re.compile(r"terminal-[0-9a-z-]+")


def _first_row(app: ListenpostApp) -> str:
    """The list row of the first mention, as the screen shows it."""
    rows = [line for line in screen_text(app).split("\n") if "Mention 00 —" in line]
    return rows[0] if rows else ""


async def _listed(pilot: Pilot[None]) -> None:
    await until(pilot, lambda: "Mention 00" in screen_text(pilot.app))


async def test_the_time_a_row_shows_moves_with_the_clock(make_app: AppFactory,
                                                         clock: Clock) -> None:
    """It should show a row's date instead of its time once the clock has passed midnight."""
    stamp = datetime.fromtimestamp(T0, UTC)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await _listed(pilot)
        assert f"▼ {stamp:%H:%M} blog" in _first_row(app)
        clock.now = T0 + 2 * 86_400
        await pilot.press("j", "k")  # any repaint
        await until(pilot, lambda: f"▼ {stamp:%b%d} blog" in _first_row(app))


async def test_a_theme_switched_after_painting_paints_like_a_fresh_start(
        make_app: AppFactory) -> None:
    """It should paint the same cells after a switch to the light theme as an app started in
    it, cursor row included."""
    screens = []
    for switch_after_paint in (False, True):
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            if not switch_after_paint:
                app.theme = "textual-light"
            await _listed(pilot)
            await pilot.press("j")
            await pilot.pause()
            if switch_after_paint:
                app.theme = "textual-light"
            await pilot.press("j", "k")
            await pilot.pause()
            screens.append(_CLASS_NAMES.sub("", app.export_screenshot()))
    assert screens[0] == screens[1]


async def test_selecting_and_unselecting_a_row_repaints_it(make_app: AppFactory) -> None:
    """It should mark a selected row, and unmark it when it is selected again (selecting
    steps down, so the test steps back up first)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await _listed(pilot)
        assert "✓" not in _first_row(app)
        await pilot.press("x")
        await until(pilot, lambda: "✓▼" in _first_row(app))
        await pilot.press("k", "x")
        await until(pilot, lambda: "✓" not in _first_row(app))
