"""The metrics mode built ahead (``prepare_metrics_after``): it is composed and counted behind
the inbox, ``m`` then shows those figures without counting again, and data that changed while
it was hidden (written by another process) is counted afresh when it is shown."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.conftest import AppFactory, Clock, Posted
from tests.tui.inbox_db import T0, M, insert
from tests.tui.test_metrics_screen import SIZE, shown
from tui.app import ListenpostApp
from tui.messages import ScreenRefreshed

NOW = T0 + 4 * 86400 + 10 * 3600  # 5 June 2024 10:00 UTC


def announced(posted: Posted) -> list[tuple[str, str]]:
    return [(m.screen, m.origin) for m in posted.of(ScreenRefreshed)
            if m.screen.startswith("metrics")]


def completed(posted: Posted) -> int:
    """How many times the metrics screen announced its complete figures."""
    return [screen for screen, _ in announced(posted)].count("metrics")


async def until(pilot: Pilot[None], condition: object, what: str) -> None:
    """Wait (bounded) until ``condition()`` holds."""
    for _ in range(500):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause()
    raise AssertionError(f"never: {what}")


async def prepared(pilot: Pilot[None], app: ListenpostApp, posted: Posted) -> None:
    """Wait until the metrics mode has counted its first period while the inbox stays shown."""
    await until(pilot, lambda: ("metrics", "period") in announced(posted),
                "the metrics mode counted behind the inbox")
    assert app.current_mode == "inbox"


def shown_hidden(app: ListenpostApp) -> str:
    """The headline of the metrics screen built behind the inbox."""
    assert app.metrics_screen is not None
    return str(app.metrics_screen.query_one("#metrics-headline", Static).render())


def rows(count: int) -> list[M]:
    return [M(sort_at=NOW - h * 600, title=f"espresso {h}", matched="brand:Acme")
            for h in range(1, count + 1)]


async def test_m_shows_the_figures_counted_ahead(make_app: AppFactory, db: Path,
                                                 clock: Clock, posted: Posted) -> None:
    """It should count today behind the inbox, then show it on m without counting again."""
    insert(db, rows(7))
    clock.now = NOW
    app = make_app(prepare_metrics_after=0.01)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await prepared(pilot, app, posted)
        counted = len(announced(posted))
        await pilot.press("m")
        await until(pilot, lambda: ("metrics", "resume") in announced(posted),
                    "the metrics screen announced what it shows")
        assert app.current_mode == "metrics"
        assert announced(posted)[counted:] == [("metrics:overview", "resume"),
                                               ("metrics", "resume")]
        assert shown(app, "metrics-period").startswith("Metrics: 2024-06-05")
        assert "mentions 7" in shown(app, "metrics-headline")


async def test_data_written_elsewhere_while_hidden_is_counted_on_m(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should count again on m when another process added mentions after it was built."""
    insert(db, rows(7))
    clock.now = NOW
    app = make_app(prepare_metrics_after=0.01, watch_interval=0.05)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await prepared(pilot, app, posted)
        insert(db, [M(sort_at=NOW - 60 - i, title=f"grinder {i}", matched="brand:Acme")
                    for i in range(3)])  # another connection: the app sees it by data_version
        await until(pilot, lambda: ("inbox", "elsewhere") in [
            (m.screen, m.origin) for m in posted.of(ScreenRefreshed)],
            "the app announced the other process's write")
        assert "mentions 7" in shown_hidden(app)  # counted before the write, not since
        await pilot.press("m")
        await until(pilot, lambda: "mentions 10" in shown(app, "metrics-headline"),
                    "the metrics screen counted the new mentions")
        assert ("metrics", "resume") in announced(posted)


async def test_a_period_shown_before_is_shown_again_without_counting(
        make_app: AppFactory, db: Path, clock: Clock, posted: Posted) -> None:
    """It should show today again from what it counted (d after w), and count afresh after the
    data changed (another process's write)."""
    insert(db, rows(7))
    clock.now = NOW
    app = make_app(watch_interval=0.05)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        for key, count in (("m", 1), ("w", 2), ("d", 3)):
            await pilot.press(key)
            await until(pilot, lambda c=count: completed(posted) >= c,
                        f"the metrics screen showed {key}")
        assert [o for s, o in announced(posted) if s == "metrics"] == ["period", "period",
                                                                        "cached"]
        assert shown(app, "metrics-period").startswith("Metrics: 2024-06-05")
        assert "mentions 7" in shown(app, "metrics-headline")
        insert(db, [M(sort_at=NOW - 60, title="grinder", matched="brand:Acme")])
        await until(pilot, lambda: "mentions 8" in shown(app, "metrics-headline"),
                    "the metrics screen counted the other process's write")
        await pilot.press("w")
        await until(pilot, lambda: completed(posted) >= 5,
                    "the metrics screen showed the week again")
        assert [o for s, o in announced(posted) if s == "metrics"][-2:] == ["elsewhere",
                                                                            "period"]
