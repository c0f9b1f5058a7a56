"""The store against other processes and the file system: held locks and read-only places."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.store import Store, StoreError
from tests.test_store import NOW, mention, open_with_source

ROOT = Path(__file__).resolve().parents[1]

# Holds an exclusive write lock on the database for argv[2] seconds, like a stuck writer would.
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


HoldLock = Callable[[Path, float], "subprocess.Popen[str]"]


@pytest.fixture
def hold_lock() -> Iterator[HoldLock]:
    """Start a process that holds the database's write lock; it is killed after the test."""
    procs: list[subprocess.Popen[str]] = []

    def start(path: Path, seconds: float) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


async def test_a_write_waits_for_a_short_lock(tmp_path: Path, hold_lock: HoldLock) -> None:
    """It should wait for another process's brief write lock and then succeed."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path, busy_timeout_ms=5000)
    hold_lock(path, 0.6)
    started = time.monotonic()
    result = await store.ingest(source, [mention(1)], now=NOW)
    assert result.new == 1
    assert time.monotonic() - started >= 0.3
    await store.close()


async def test_a_long_lock_is_a_clear_error(tmp_path: Path, hold_lock: HoldLock) -> None:
    """It should give up after the busy timeout with a clear message, and lose nothing."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path, busy_timeout_ms=300)
    await store.ingest(source, [mention(1)], now=NOW)
    holder = hold_lock(path, 30)
    started = time.monotonic()
    with pytest.raises(StoreError, match="locked by another process") as caught:
        await store.ingest(source, [mention(2)], now=NOW)
    assert str(path) in str(caught.value)
    assert time.monotonic() - started < 3
    assert await store.count_mentions() == 1  # reads still work under the lock (WAL)
    holder.kill()
    holder.wait()
    assert (await store.ingest(source, [mention(2)], now=NOW)).new == 1
    await store.close()


async def test_opening_a_database_another_process_migrates(
    tmp_path: Path, hold_lock: HoldLock
) -> None:
    """It should fail to migrate a locked new file with the lock message, leaving it empty."""
    path = tmp_path / "lp.db"
    hold_lock(path, 30)
    with pytest.raises(StoreError, match="locked by another process"):
        await Store.open(path, busy_timeout_ms=200)


# --- read-only places ----------------------------------------------------------------------------
# Root ignores file modes, so as root the attempt runs in a child that is user "nobody" with one
# capability left, CAP_DAC_READ_SEARCH: it can still read the interpreter under /root and
# pytest's private tmp_path, while every write is checked against the file modes as for anyone.

CHILD = """
import asyncio, sys
sys.path.insert(0, {root!r})
from core.store import Store, StoreError

async def main():
    try:
        store = await Store.open({path!r})
    except StoreError as error:
        print("StoreError:", error)
    else:
        await store.close()
        print("opened")

asyncio.run(main())
"""
UNPRIVILEGED = [
    "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
    "--inh-caps=-all,+dac_read_search", "--ambient-caps=-all,+dac_read_search",
    "--bounding-set=-all,+dac_read_search",
]


def unprivileged_prefix() -> list[str]:
    """The command prefix that drops root (file modes do not stop root), or a skip saying why
    it cannot; nothing when we are not root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and setpriv (util-linux) is missing to drop privileges")
    return UNPRIVILEGED


def open_in_child(path: Path) -> str:
    """Try ``Store.open(path)`` in a child process, unprivileged when we are root."""
    code = textwrap.dedent(CHILD.format(root=str(ROOT), path=str(path)))
    done = subprocess.run([*unprivileged_prefix(), sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_new_database_in_a_read_only_directory(read_only_dir: Path) -> None:
    """It should explain that the directory is read-only, and create nothing."""
    read_only_dir.chmod(0o555)
    said = open_in_child(read_only_dir / "lp.db")
    assert said.startswith("StoreError:") and "read-only" in said and "--db" in said
    assert list(read_only_dir.iterdir()) == []


async def test_an_existing_database_in_a_read_only_place(read_only_dir: Path) -> None:
    """It should refuse a database it cannot write, with a message, and leave it unchanged."""
    folder = read_only_dir
    path = folder / "lp.db"
    store, source = await open_with_source(path)
    await store.ingest(source, [mention(1)], now=NOW)
    await store.close()
    before = path.read_bytes()
    path.chmod(0o444)
    said = open_in_child(path)
    assert said.startswith("StoreError:") and "read-only" in said
    folder.chmod(0o555)
    path.chmod(0o644)
    said = open_in_child(path)
    assert said.startswith("StoreError:") and "directory" in said and "read-only" in said
    assert path.read_bytes() == before
