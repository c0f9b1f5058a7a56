"""Issue 16 in the inbox: on a full disk (a real tmpfs, tests/full_disk.py) a triage key is
refused in words and changes nothing, again and again, and the first change saved once space
returns says so."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from core.config import Config
from tests.full_disk import SmallDisk, small_disk_or_skip
from tests.tui.conftest import Clock, Posted, fixed_rows, until
from tests.tui.inbox_db import create_db, insert
from tui.app import ListenpostApp
from tui.screens.reply import ReplyScreen
from tui.widgets.mention_list import MentionList


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk_or_skip(tmp_path) as mounted:
        yield mounted


def status_of(db: Path, mention: int) -> str:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        return str(con.execute("SELECT status FROM mentions WHERE id = ?",
                               (mention,)).fetchone()[0])


async def test_triage_on_a_full_disk_is_refused_in_words_until_space_returns(
        disk: SmallDisk, clock: Clock, posted: Posted) -> None:
    """It should say "The disk is full: …; nothing was saved. Read-only until space returns"
    for each refused key, leave the mention as it was, and save the next change once there is
    room, opening its notice with "Space is back"."""
    db = disk.place / "inbox.db"
    await create_db(db)
    insert(db, fixed_rows())
    app = ListenpostApp(db, Config(), clock=clock, tz=UTC)
    words = (f"The disk is full: {disk.place} has no space left; nothing was saved. Read-only "
             "until space returns: free some space, and the next change is saved.")
    async with app.run_test(size=(120, 32), message_hook=posted) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        first = app.screen.query_one(MentionList).rows[0].id
        disk.fill()
        await pilot.press("e")
        await until(pilot, lambda: posted.notices().count(words) == 1)
        await pilot.press("e")  # still full: refused again, saying why
        await until(pilot, lambda: posted.notices().count(words) == 2)
        assert status_of(db, first) == "new"
        disk.free()
        await pilot.press("e")
        await until(pilot, lambda: status_of(db, first) == "done")
        back = "Space is back: changes are saved again. Done: 1 mention. u undoes."
        await until(pilot, lambda: back in posted.notices())


async def test_the_reply_editor_keeps_a_draft_it_could_not_save(
        disk: SmallDisk, clock: Clock) -> None:
    """It should not close on the first Escape while the draft is unsaved for want of space,
    saying what closing would lose, and save it once space returns."""
    db = disk.place / "inbox.db"
    await create_db(db)
    insert(db, fixed_rows())
    app = ListenpostApp(db, Config(), clock=clock, tz=UTC)
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(MentionList).rows))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplyScreen))
        disk.fill()
        await pilot.press("h", "i", "escape")
        status = lambda: str(app.screen.query_one("#reply-status").render())  # noqa: E731
        await until(pilot, lambda: "this draft is not saved: Esc again closes" in status())
        assert isinstance(app.screen, ReplyScreen) and draft_of(db) is None
        disk.free()
        await pilot.press("escape")  # saved now, so it closes
        await until(pilot, lambda: not isinstance(app.screen, ReplyScreen))
        assert draft_of(db) == "hi"


def draft_of(db: Path) -> str | None:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        row = con.execute("SELECT text FROM replies WHERE state = 'open'").fetchone()
    return None if row is None else str(row[0])
