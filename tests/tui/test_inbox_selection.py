"""A selection is what the person saw; the cursor starts on the first row."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from core.model import PollOutcome, PollStatus
from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import M, insert
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen
from tui.widgets.status_line import StatusLine

SIZE = (100, 30)


def screen(app: ListenpostApp) -> InboxScreen:
    assert app.inbox_screen is not None
    return app.inbox_screen


def status_text(app: ListenpostApp) -> str:
    return str(screen(app).query_one(StatusLine).render())


def statuses(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT title, status FROM mentions").fetchall())


async def test_select_all_takes_only_what_was_visible(make_app: AppFactory, db: Path) -> None:
    """It should mark done only the mentions selected by X, not those arriving afterwards."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        assert "12 selected" in status_text(app)
        insert(db, [M(title=f"Late {i}", priority=100.0) for i in range(3)])
        await screen(app).refresh_all()  # what a poll's arrival does
        assert {r.title for r in screen(app).mentions.rows} >= {"Late 0", "Late 1", "Late 2"}
        await pilot.press("e")
        await pilot.pause()
    done = statuses(db)
    assert [t for t, s in done.items() if s == "new"] == ["Late 0", "Late 1", "Late 2"]
    assert sum(s == "done" for s in done.values()) == 12


async def test_select_all_count_follows_the_filter(make_app: AppFactory) -> None:
    """It should count a select-all under a filter as the filtered mentions only."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"source:hn", "enter")
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        assert "4 selected" in status_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "selected" not in status_text(app)


async def test_cursor_stays_on_the_first_row_during_the_first_poll(
        make_app: AppFactory, db: Path) -> None:
    """It should hold the cursor on the first row while the first poll brings urgent mentions,
    then keep it on its mention for later arrivals."""
    release = asyncio.Event()

    async def first_poll(due_only: bool) -> list[PollOutcome]:
        await release.wait()
        return [PollOutcome("blog", PollStatus.OK)]

    app = make_app(poll_runner=first_poll, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        insert(db, [M(title="Urgent A", priority=90.0), M(title="Urgent B", priority=80.0)])
        await screen(app).refresh_all()  # what another commit during the poll does
        listing = screen(app).mentions
        assert listing.cursor == 0
        assert listing.current is not None and listing.current.title == "Urgent A"
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        insert(db, [M(title="Urgent C", priority=95.0)])
        await screen(app).refresh_all()
        assert listing.current is not None and listing.current.title == "Urgent A"
        assert listing.cursor == 1
        await pilot.pause()


async def test_cursor_stays_on_its_mention_once_moved(make_app: AppFactory, db: Path) -> None:
    """It should keep the cursor on the same mention after the person moved it."""
    release = asyncio.Event()

    async def first_poll(due_only: bool) -> list[PollOutcome]:
        await release.wait()
        return []

    app = make_app(poll_runner=first_poll, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "k")
        insert(db, [M(title="Urgent A", priority=90.0)])
        await screen(app).refresh_all()
        listing = screen(app).mentions
        assert listing.current is not None and listing.current.title == "Mention 00"
        assert listing.cursor == 1
        release.set()
        await pilot.pause()


async def test_select_all_of_a_broad_filter_says_at_least(make_app: AppFactory,
                                                          db: Path) -> None:
    """It should say "1,000+ selected" when a filtered view is counted up to its cap, and
    still act on every one of them."""
    insert(db, [M(title=f"Refund {i}", source="hn") for i in range(1100)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"source:hn", "enter")
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        assert "1,000+ selected" in status_text(app)
        await pilot.press("e")
        await pilot.pause()
    assert sum(title.startswith("Refund") and s == "done"
               for title, s in statuses(db).items()) == 1100
