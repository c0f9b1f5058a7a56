"""Issue 11, item 2: a write lock held past the busy timeout is waited out, never fatal.

Another connection takes ``BEGIN IMMEDIATE`` (as a colleague's big undo, a backup or a migration
would) and keeps it past the 5 s busy timeout: a real ``--poller`` says it is waiting, then
stores its mentions once the lock is free; ``--export --no-poll`` never takes the write lock, so
it finishes while the lock is held; the inbox shows "waiting for the database (held by another
process)" during a key press and completes the action, without crashing
(tests/tui/test_inbox_lock.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request

ROOT = Path(__file__).resolve().parents[1]
CODE = "import sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
FEED = rss([FeedItem(f"Northwind post {n}", "Northwind, again.", f"g{n}",
                     link=f"https://blog.example/{n}") for n in range(3)])


class WriteLock:
    """A connection that holds the database's write lock until told to let go."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.held = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def take(self) -> None:
        self._thread.start()
        assert self.held.wait(30)

    @property
    def holding(self) -> bool:
        return self.held.is_set() and not self._release.is_set()

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)

    def _hold(self) -> None:
        con = sqlite3.connect(self.db, isolation_level=None, check_same_thread=False)
        con.execute("BEGIN IMMEDIATE")
        self.held.set()
        self._release.wait(120)
        con.execute("COMMIT")
        con.close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    started = LoopbackServer().start()
    yield started
    started.stop()


def create(db: Path) -> None:
    async def run() -> None:
        async with await Store.open(db):
            pass

    asyncio.run(run())


def test_a_poller_waits_out_a_long_lock_and_stores_its_mentions(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """It should say it is waiting, store the poll once the lock is free, and keep running."""
    db = tmp_path / "lp.db"
    create(db)
    lock = WriteLock(db)

    def feed_taking_the_lock(request: Request) -> Reply:
        if not lock.held.is_set():
            lock.take()  # the lock arrives mid-poll: between fetching and storing
        return Reply(200, FEED, {"Content-Type": "application/rss+xml"})

    url = server.route("/feed.xml", feed_taking_the_lock)
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
                      '[network]\nallowed_networks = ["127.0.0.1/32"]\n'
                      f'[[sources]]\nkind = "feed"\nname = "feed"\nurl = "{url}"\n',
                      encoding="utf-8")
    poller = subprocess.Popen([sys.executable, "-c", CODE, "--config", str(config), "--db",
                               str(db), "--poller"], cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert poller.stderr is not None
    seen = ""
    try:
        while "waiting for the database (held by another process)" not in seen:
            line = poller.stderr.readline()
            assert line, seen
            seen += line
        lock.release()
        while "feed: ok (3 new" not in seen:
            line = poller.stderr.readline()
            assert line, seen
            seen += line
    finally:
        lock.release()
        poller.send_signal(signal.SIGTERM)
        seen += poller.communicate(timeout=60)[1]
    assert poller.returncode == ExitCode.TERMINATED, seen
    assert "parser crashed" not in seen and "locked" not in seen
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3


def test_an_export_of_what_is_stored_never_takes_the_write_lock(tmp_path: Path) -> None:
    """It should export with --no-poll while another process holds the write lock."""
    db = tmp_path / "lp.db"
    create(db)
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n', encoding="utf-8")
    lock = WriteLock(db)
    lock.take()
    try:
        done = subprocess.run([sys.executable, "-c", CODE, "--config", str(config), "--db",
                               str(db), "--export", "-", "--format", "json", "--no-poll"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        still_held = lock.held.is_set() and lock.holding
    finally:
        lock.release()
    assert still_held and done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mentions"] == []
    assert "waiting" not in done.stderr
