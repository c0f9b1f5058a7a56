"""Issue 11, item 2, in the inbox: a key pressed while another process holds the write lock
shows "waiting for the database (held by another process)" and completes once it is free."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.test_lock_waits import WriteLock
from tests.tui.conftest import AppFactory
from tui.app import WAITING, ListenpostApp
from tui.widgets.status_line import StatusLine


async def test_the_inbox_shows_waiting_and_completes_the_action(
    make_app: AppFactory, db: Path
) -> None:
    """It should show the waiting message during a locked key press, then finish the action."""
    app: ListenpostApp = make_app()
    lock = WriteLock(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lock.take()
        press = asyncio.create_task(pilot.press("e"))
        status = app.screen.query_one(StatusLine)
        while WAITING not in str(status.render()):
            assert not press.done(), "the action ended while the lock was held"
            await asyncio.sleep(0.05)
        lock.release()
        await press
        await pilot.pause()
        assert WAITING not in str(status.render())
        assert app.return_code is None and app.is_running
    with sqlite3.connect(db) as con:
        done = con.execute("SELECT count(*) FROM mentions WHERE status = 'done'").fetchone()[0]
    assert done == 1
