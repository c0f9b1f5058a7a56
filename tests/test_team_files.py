"""Issue 16, item 4 (shared files): a database a team shares, opened by a user who may not
write part of it, is refused with a message naming the file, its owner and mode, and the fix.

A teammate whose umask was 022 leaves the -wal and -shm files without group write, and then
nobody else can change the database. The child runs unprivileged (``setpriv`` when we are
root: file modes do not stop root), as ``tests/test_store_locking.py`` does.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.store import Store
from tests.test_store_locking import open_in_child


@pytest.fixture
def team_dir() -> Iterator[Path]:
    """A directory anyone may write, as a team's shared one is for its group; outside
    pytest's private tmp_path, whose parents an unprivileged user's access(2) cannot search."""
    folder = Path(tempfile.mkdtemp(prefix="listenpost-team-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


async def create(path: Path) -> None:
    async with await Store.open(path):
        pass


@pytest.mark.parametrize("sidecar", ["-wal", "-shm"])
def test_a_sidecar_without_group_write_is_named(team_dir: Path, sidecar: str) -> None:
    """It should name the -wal/-shm file, its owner and mode, and the umask to use."""
    folder = team_dir
    db = folder / "lp.db"
    asyncio.run(create(db))
    db.chmod(0o666)  # the database itself is writable by everyone
    stale = folder / f"lp.db{sidecar}"
    stale.touch(mode=0o644)  # left by a teammate with umask 022
    stale.chmod(0o644)
    said = open_in_child(db)
    assert said.startswith("StoreError:"), said
    assert f"lp.db{sidecar} (owner " in said and "mode 0644" in said
    assert "umask 007" in said and "chmod g+rw lp.db*" in said


def test_a_read_only_database_file_is_named_as_such(team_dir: Path) -> None:
    """It should say the database file is read-only for this user, not blame the directory."""
    db = team_dir / "lp.db"
    asyncio.run(create(db))
    db.chmod(0o640)
    said = open_in_child(db)
    assert said.startswith("StoreError:") and "read-only (or unreadable) for this user" in said
