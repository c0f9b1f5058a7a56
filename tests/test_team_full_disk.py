"""Issue 16, item 5: a full disk. On a real, small tmpfs (see tests/full_disk.py for why not
SQLite's max_page_count): a change that meets the full disk is rolled back whole and said in
words; once space returns the same change is saved; ``--poll-once`` exits 4 with the words and
keeps only whole batches; the daemon goes on read-only and says when space is back."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from core.inbox.triage import Ids, Inbox
from core.inbox.views import Filters, builtin_view
from core.store import Store
from core.store.errors import DiskFull
from tests.full_disk import SmallDisk, small_disk_or_skip
from tests.loopback import LoopbackServer
from tests.test_team_kill import CLI, ITEMS, ROOT, Feeds, wait_for, write_config
from tests.tui.inbox_db import T0, M, create_db, insert


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk_or_skip(tmp_path) as mounted:
        yield mounted


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    started = LoopbackServer().start()
    yield started
    started.stop()


def sound(db: Path) -> bool:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        return con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def read(db: Path, sql: str) -> object:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        return con.execute(sql).fetchone()[0]


async def test_a_change_on_a_full_disk_is_rolled_back_and_retried_when_space_returns(
        disk: SmallDisk) -> None:
    """It should raise DiskFull in words, leave the mention and the log as they were, and
    save the same change once space returns."""
    db = disk.place / "lp.db"
    await create_db(db)
    insert(db, [M(title=f"m{i}") for i in range(3)])
    async with await Store.open(db) as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        disk.fill()
        with pytest.raises(DiskFull) as full:
            await inbox.set_status(Ids((1, 2, 3)), "done", actor="ana", now=T0)
        assert "the disk is full" in full.value.message and "nothing was saved" in \
            full.value.message
        assert full.value.notice.startswith(f"The disk is full: {disk.place} has no space left;"
                                            " nothing was saved. Read-only until space returns")
        assert read(db, "SELECT count(*) FROM mentions WHERE status = 'done'") == 0
        assert read(db, "SELECT count(*) FROM actions") == 0
        assert sound(db)
        assert len(await inbox.window(builtin_view("new"), Filters(), now=T0, limit=9)) == 3
        disk.free()
        done = await inbox.set_status(Ids((1, 2, 3)), "done", actor="ana", now=T0)
        assert done.changed == 3
    assert read(db, "SELECT count(*) FROM mentions WHERE status = 'done'") == 3


def test_poll_once_on_a_disk_that_fills_exits_4_keeping_whole_batches(
        disk: SmallDisk, server: LoopbackServer, tmp_path: Path) -> None:
    """It should stop with exit 4 and "the disk is full … nothing was saved" on stderr, the
    batches stored before kept whole, the one that met the full disk not at all."""
    config, db = write_config(tmp_path, Feeds(server)), disk.place / "lp.db"
    asyncio.run(create_db(db))

    def poll_once() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", CLI, "--config", str(config), "--db",
                               str(db), "--poll-once"], cwd=ROOT, capture_output=True, text=True,
                              check=False)

    first = poll_once()  # one batch of the three feeds' first items
    assert first.returncode == ExitCode.OK, first.stderr
    assert read(db, "SELECT count(*) FROM mentions") == 3 * ITEMS
    disk.fill(leave=60 * 1024)  # room for the -wal and -shm files, not for another batch
    polled = poll_once()  # every feed answers with new items
    assert polled.returncode == ExitCode.STORE, polled.stderr
    assert "the disk is full" in polled.stderr and "nothing was saved" in polled.stderr
    assert "Traceback" not in polled.stderr
    assert read(db, "SELECT count(*) FROM mentions") == 3 * ITEMS  # the first batch, whole
    assert sound(db)


def test_the_daemon_goes_read_only_on_a_full_disk_and_recovers(
        disk: SmallDisk, server: LoopbackServer, tmp_path: Path) -> None:
    """It should keep running through a full disk, log it once in words, and log that space
    is back once a write succeeds again; SIGTERM still ends it cleanly."""
    config, db, log = write_config(tmp_path, Feeds(server)), disk.place / "lp.db", \
        tmp_path / "daemon.log"
    with config.open("a", encoding="utf-8") as text:
        text.write('[team]\nlease = "3s"\n')  # renewed every second: a write every second
    daemon = subprocess.Popen([sys.executable, "-c", CLI, "--config", str(config), "--db",
                               str(db), "--daemon", "--log", str(log)], cwd=ROOT,
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        logged = lambda: log.read_text(encoding="utf-8") if log.exists() else ""  # noqa: E731
        wait_for(lambda: logged().count(" new") >= 3)  # the first poll of the three feeds
        disk.fill()
        wait_for(lambda: "the disk is full" in logged())
        assert "Read-only until space returns; trying again every 1 s." in logged()
        assert daemon.poll() is None
        disk.free()
        wait_for(lambda: "space is back: writing to the database again" in logged())
        assert logged().count("the disk is full") == 1
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    assert daemon.returncode == ExitCode.TERMINATED, err
    assert sound(db)
