"""Issue 16 on the people screens: on a full disk (a real tmpfs, tests/full_disk.py) putting an
author on a list (``l``), and a note, a tag or a mute on their profile, are refused in the
inbox's read-only words, and nothing of them is written; once space returns they save."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.full_disk import SmallDisk, small_disk_or_skip
from tests.people_data import DAY, T0, mention, store_with
from tests.tui.conftest import Posted, until
from tests.tui.test_influencers import make, open_influencers, text_of
from tui.screens.profile import ProfileScreen


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk_or_skip(tmp_path) as mounted:
        yield mounted


def people_rows(db: Path) -> tuple[int, int, int]:
    """(list memberships, notes, tags) stored."""
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        lists, notes, tags = (int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                              for t in ("person_lists", "person_notes", "person_tags"))
    return lists, notes, tags


async def test_lists_notes_and_tags_on_a_full_disk_are_refused(disk: SmallDisk,
                                                             posted: Posted) -> None:
    """It should refuse l, n, t and m with "The disk is full: …", store none of them, and
    save a note once space is back."""
    db = disk.place / "people.db"
    posts = [mention(f"a{i}", "ada", matched=("product:Kettle",), likes=2, followers=300,
                     compound=0.6, at=T0 - i * DAY, text=f"Kettle post {i}") for i in range(3)]
    async with await store_with(db, posts):
        pass
    words = (f"The disk is full: {disk.place} has no space left; nothing was saved. Read-only "
             "until space returns: free some space, and the next change is saved.")
    app = make(db)
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        disk.fill()
        await pilot.press("l", "1")  # advocates
        await until(pilot, lambda: posted.notices().count(words) == 1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProfileScreen))
        await pilot.press("n", *"Wants a refund", "enter")
        await until(pilot, lambda: posted.notices().count(words) == 2)
        await pilot.press("t", *"press", "enter")
        await until(pilot, lambda: posted.notices().count(words) == 3)
        await pilot.press("m")
        await until(pilot, lambda: posted.notices().count(words) == 4)
        assert people_rows(db) == (0, 0, 0)
        assert "Wants a refund" not in text_of(app, "#profile-text")
        disk.free()
        await pilot.press("n", *"Wants a refund", "enter")
        await until(pilot, lambda: "Noted. u undoes." in posted.notices())
    assert people_rows(db)[1] == 1
