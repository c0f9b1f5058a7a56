"""Pilot tests of the Sources screen: what it lists and explains, and polling one source now."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from pathlib import Path

from textual.widgets import DataTable, Static

from core.config import Config, parse_config
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.tui.conftest import AppFactory, Clock, Posted, until
from tests.tui.inbox_db import T0, create_db
from tui.app import ConfigPoller, ListenpostApp
from tui.messages import PollFinished
from tui.screens.inbox import InboxScreen
from tui.screens.sources import SourcesScreen
from tui.widgets.status_line import StatusLine

SIZE = (100, 30)
FULL_ERROR = ("HTTP 503 from https://forum.example/feed.xml: maintenance until 04:00 UTC; "
              "the whole of this message must be readable, down to its very last words")


def shown(widget: Static) -> str:
    """The text a Static shows."""
    return str(widget.content)


def table_rows(app: ListenpostApp) -> list[list[str]]:
    table = app.screen.query_one("#sources-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def detail(app: ListenpostApp) -> str:
    return shown(app.screen.query_one("#source-detail", Static))



def fail_hn(db: Path) -> None:
    with sqlite3.connect(db) as con:
        con.execute("UPDATE sources SET last_status = 'ok', last_polled_at = ?, last_ok_at = ?,"
                    " next_poll_at = ?", (T0, T0, T0 + 300))
        con.execute("UPDATE sources SET last_status = 'error', error_count = 2, last_ok_at = ?,"
                    " next_poll_at = ?, last_message = ? WHERE name = 'hn'",
                    (T0 - 7200, T0 + 1200, FULL_ERROR))
        con.execute("INSERT INTO polls(source_id, started_at, duration_ms, status, message)"
                    " SELECT id, ?, 80, 'error', ? FROM sources WHERE name = 'hn'",
                    (T0, FULL_ERROR))


async def test_sources_screen_lists_every_source_and_explains_a_failure(
        make_app: AppFactory, db: Path) -> None:
    """It should list each source's state and show a failing one's error in full."""
    fail_hn(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SourcesScreen))
        rows = table_rows(app)
        assert [r[0] for r in rows] == ["blog", "hn", "reddit"]
        assert [r[2] for r in rows] == ["✓ ok", "✗ error", "✓ ok"]
        assert rows[1][5] == "20m ×2"  # backed off: next poll 20 minutes after the last
        assert "1 failing" in shown(app.screen.query_one("#sources-title", Static))
        await pilot.press("j")
        assert FULL_ERROR in detail(app)
        assert "2 failures in a row" in detail(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, InboxScreen))


async def test_the_palette_opens_the_sources_screen(make_app: AppFactory) -> None:
    """It should offer the Sources screen in the command palette."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"sources health", "enter")
        await until(pilot, lambda: isinstance(app.screen, SourcesScreen))
        assert [r[0] for r in table_rows(app)] == ["blog", "hn", "reddit"]


def feed_config(urls: dict[str, str]) -> Config:
    sources = "".join(f'[[sources]]\nkind = "feed"\nname = "{n}"\nurl = "{u}"\n'
                      'interval = "1h"\nmatch_all = true\n\n' for n, u in urls.items())
    text = ('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n'
            '[network]\nallow_private_addresses = true\n\n' + sources)
    return parse_config(text, Path("test.toml"))


async def test_r_polls_the_source_under_the_cursor_now(tmp_path: Path, loopback: LoopbackServer,
                                                      posted: Posted) -> None:
    """It should poll just the chosen source on r, again even when it is not due."""
    one = rss([FeedItem("Northwind news", "Northwind opens a shop", "a1")])
    urls = {"alpha": loopback.route("/alpha.xml", Reply(200, one)),
            "beta": loopback.route("/beta.xml", Reply(200, one))}
    config, db = feed_config(urls), tmp_path / "poll.db"
    await create_db(db)
    runner = ConfigPoller(config, db)
    app = ListenpostApp(db, config, source_poller=runner.poll_source, clock=Clock(T0), tz=UTC)
    try:
        async with app.run_test(size=SIZE, message_hook=posted) as pilot:
            await pilot.pause()
            await pilot.press("S")
            await until(pilot, lambda: isinstance(app.screen, SourcesScreen))
            assert [r[2] for r in table_rows(app)] == ["– not polled", "– not polled"]
            await pilot.press("j", "r")
            await until(pilot, lambda: len(posted.of(PollFinished)) == 1)
            await until(pilot, lambda: table_rows(app)[1][2] == "✓ ok")
            assert table_rows(app)[1][6] == "1/1"
            assert (len(loopback.hits("/alpha.xml")), len(loopback.hits("/beta.xml"))) == (0, 1)
            await pilot.press("r")  # just polled, so not due: polled all the same
            await until(pilot, lambda: len(posted.of(PollFinished)) == 2)
            assert len(loopback.hits("/beta.xml")) == 2
            poll_line = shown(app.screen.query_one("#sources-poll", Static))
            assert "polled 1 source" in poll_line
    finally:
        await runner.aclose()


async def test_status_line_says_ok_only_after_a_poll(tmp_path: Path, make_app: AppFactory,
                                                    db: Path) -> None:
    """It should say "no sources" with none, "not polled yet" before the first poll."""
    empty = tmp_path / "empty.db"
    await create_db(empty)
    app = ListenpostApp(empty, Config(), clock=Clock(T0), tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = shown(app.screen.query_one(StatusLine))
        assert "no sources" in line and "sources ok" not in line
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = shown(app.screen.query_one(StatusLine))
        assert "sources not polled yet" in line and "sources ok" not in line
    with sqlite3.connect(db) as con:
        con.execute("UPDATE sources SET last_status = 'ok', last_polled_at = ?, last_ok_at = ?",
                    (T0, T0))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "sources ok" in shown(app.screen.query_one(StatusLine))
