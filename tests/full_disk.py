"""A small disk that tests fill and free: a real tmpfs, mounted for the test.

Why a real file system and not SQLite's ``PRAGMA max_page_count``: that limit caps the
database's page count, so a change that fits in free pages still succeeds where a full disk
fails it (in WAL mode every commit appends frames to the -wal file, which needs new space). A
tmpfs fails exactly where a full disk would. Mounting needs root (or a mount namespace); where
the machine does not allow it, ``small_disk`` yields None and the tests skip, saying so.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NO_MOUNT = "mounting a small tmpfs needs root (or a mount namespace)"


class SmallDisk:
    """A mounted tmpfs at ``place``; ``fill`` takes every free byte, ``free`` gives them back."""

    def __init__(self, place: Path) -> None:
        self.place = place
        self.ballast = place / "ballast"

    def fill(self, leave: int = 0) -> None:
        """Write a ballast file until the disk refuses more, then give ``leave`` bytes back."""
        fd = os.open(self.ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for chunk in (1 << 16, 1 << 12, 1 << 9):  # unbuffered, so nothing waits to flush
                while _wrote(fd, chunk):
                    pass
        finally:
            os.close(fd)
        if leave:
            os.truncate(self.ballast, max(0, self.ballast.stat().st_size - leave))

    def free(self) -> None:
        """Space returns."""
        self.ballast.unlink(missing_ok=True)


def _wrote(fd: int, size: int) -> bool:
    try:
        os.write(fd, bytes(size))
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return False
    return True


@contextmanager
def small_disk(parent: Path, size: str = "16m") -> Iterator[SmallDisk | None]:
    """A tmpfs of ``size`` mounted under ``parent`` for the block, or None where mounting is
    not allowed."""
    place = parent / "disk"
    place.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(place)], capture_output=True, check=False)
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield SmallDisk(place)
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)


@contextmanager
def small_disk_or_skip(parent: Path) -> Iterator[SmallDisk]:
    """``small_disk``, skipping the test (saying why) where mounting is not allowed."""
    with small_disk(parent) as mounted:
        if mounted is None:
            pytest.skip(NO_MOUNT)
        yield mounted
