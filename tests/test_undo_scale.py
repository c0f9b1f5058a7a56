"""Issue 11, item 3: undoing a bulk action costs about what the action cost, in chunks.

The cost is counted, not timed: SQLite's progress handler counts the virtual-machine steps an
undo takes on a real database, so linear and quadratic undo differ by a factor of four at four
times the size, whatever the machine's load. An undo is written in chunks of ``UNDO_CHUNK``
actions, each its own transaction: other connections see (and may write between) the chunks,
and an undo cut short after a chunk is finished by the next ``undo_last``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.inbox.triage import UNDO_CHUNK, Inbox, InView
from core.inbox.views import builtin_view
from core.store import Store, StoreError
from tests.tui.inbox_db import M, create_db, insert

EVERY = 100  # VM steps between progress-handler calls


async def filled(path: Path, n: int) -> None:
    await create_db(path)
    insert(path, (M(title=f"m{i}", starred=i % 2) for i in range(n)))


async def action_and_undo_steps(path: Path, n: int) -> tuple[int, int]:
    """VM steps of "everything in All: done" over ``n`` mentions, and of its undo."""
    await filled(path, n)
    steps = [0]

    def count() -> int:
        steps[0] += EVERY
        return 0

    async with await Store.open(path) as store:
        inbox = Inbox(store.db, store.transaction, me="me")
        await store.db.set_progress_handler(count, EVERY)
        done = await inbox.set_status(InView(builtin_view("all")), "done", actor="me", now=1)
        acted, steps[0] = steps[0], 0
        undone = await inbox.undo_last("me", now=2)
    assert done.changed == n and undone is not None and undone.changed == n
    return acted, steps[0]


async def test_undo_is_linear_in_the_size_of_the_action(tmp_path: Path) -> None:
    """It should take about four times the work at four times the size, and about the work
    of the action itself."""
    _, small_undo = await action_and_undo_steps(tmp_path / "small.db", 1500)
    large_action, large_undo = await action_and_undo_steps(tmp_path / "large.db", 6000)
    assert large_undo / small_undo < 5  # quadratic would be 16
    assert large_undo < 3 * large_action


def statuses(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        return dict(con.execute("SELECT status, count(*) FROM mentions GROUP BY status"))


async def test_an_undo_is_written_in_chunks_and_resumes(tmp_path: Path) -> None:
    """It should commit each chunk on its own (another connection sees the first while the
    second is under way), and finish an undo that was cut short."""
    path = tmp_path / "lp.db"
    n = 2 * UNDO_CHUNK + 10
    await filled(path, n)
    seen: list[dict[str, int]] = []

    def stop_in_the_second_chunk() -> int:
        with sqlite3.connect(path) as other:  # another connection, as another process reads
            undone = other.execute("SELECT count(*) FROM actions WHERE undone = 1").fetchone()[0]
        if undone:
            seen.append(statuses(path))
            return 1  # interrupt the statement: this chunk's transaction rolls back
        return 0

    async with await Store.open(path) as store:
        inbox = Inbox(store.db, store.transaction, me="me")
        await inbox.set_status(InView(builtin_view("all")), "done", actor="me", now=1)
        await store.db.set_progress_handler(stop_in_the_second_chunk, 1000)
        with pytest.raises(StoreError):
            await inbox.undo_last("me", now=2)
        await store.db.set_progress_handler(None, 1000)
        assert seen and seen[0] == {"new": UNDO_CHUNK, "done": n - UNDO_CHUNK}
        assert statuses(path) == {"new": UNDO_CHUNK, "done": n - UNDO_CHUNK}
        finished = await inbox.undo_last("me", now=3)
        assert finished is not None and finished.changed == n - UNDO_CHUNK
        assert await inbox.undo_last("me", now=4) is None  # nothing left of it to undo
    assert statuses(path) == {"new": n}
