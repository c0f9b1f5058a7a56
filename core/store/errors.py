"""The one exception the store raises, and the translation of SQLite's terse errors into it.

SQLite says "database is locked" or "unable to open database file"; a community manager needs
to hear which file, what is wrong with it and what to do. Every ``sqlite3`` error that leaves
the store passes through ``translate`` so callers catch a single ``StoreError``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A store failure fit to show the user: it names the file, the problem and a remedy."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.message = f"{self.path}: {problem}"
        super().__init__(self.message)


class DiskFull(StoreError):
    """The disk holding the database is full. The transaction that met it was rolled back, so
    nothing was half-written; writes fail the same way until space returns, while reads go on
    (the inbox and the daemon stay up, read-only, and retry)."""

    @property
    def notice(self) -> str:
        """What the inbox says when a change could not be saved for want of space."""
        return (f"The disk is full: {Path(self.path).parent} has no space left; nothing was "
                "saved. Read-only until space returns: free some space, and the next change "
                "is saved.")


class OutdatedSchema(StoreError):
    """The database is at an older schema and was opened read-only, so it cannot be upgraded."""


def locked(path: Path | str, waited_ms: int) -> StoreError:
    """The error for a write lock that another connection held past our busy timeout."""
    return StoreError(
        path,
        f"the database is locked by another process (waited {waited_ms / 1000:.1f} s). Another "
        "listenpost or an SQLite tool is writing to it; try again, or stop that process.",
    )


def translate(path: Path | str, error: sqlite3.Error, *, waited_ms: int = 0) -> StoreError:
    """A ``StoreError`` saying in plain words what ``error`` means for the file at ``path``."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return locked(path, waited_ms)
    if "disk is full" in text or (any(n in text for n in _MAYBE_FULL) and disk_is_full(Path(path))):
        return DiskFull(path, _FULL)
    for needle, problem in _PROBLEMS:
        if needle in text:
            return StoreError(path, problem)
    return StoreError(path, f"database error: {error}. Check the file, or use another --db.")


# Below this much free space, a failure to create or write the database is the disk being full:
# SQLite needs room for its -wal and -shm files (32 KiB and up) and a few pages besides.
FULL_BELOW_BYTES = 1024 * 1024
# SQLite reports a disk that fills while it creates its files as an I/O or open failure, not
# as SQLITE_FULL; these are checked against the free space before blaming permissions.
_MAYBE_FULL = ("disk i/o", "unable to open", "full")
_FULL = ("the disk is full: SQLite could not write the database or its -wal/-shm files, so "
         "nothing was saved (what was being written was rolled back, not half-written); free "
         "some space and try again, or use another --db.")
_DAMAGED = ("the database file is damaged (SQLite finds it malformed). Run `listenpost "
            "--check-db` for details; restore it from a backup or use another --db.")


def disk_is_full(path: Path) -> bool:
    """True when the file system holding ``path`` (or its nearest existing parent) has less
    than ``FULL_BELOW_BYTES`` free."""
    place = path
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        stats = os.statvfs(place)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < FULL_BELOW_BYTES


_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("readonly", "the database cannot be written (read-only file, directory or mount). "
     "Fix the permissions or use another --db."),
    ("malformed", _DAMAGED),
    ("corrupt", _DAMAGED),
    ("not a database", "this is not an SQLite database. Point --db at a listenpost database "
     "or at a new file name."),
    ("unable to open", "the database file cannot be opened or created. Check that the "
     "directory exists and is writable, or use another --db."),
    ("disk i/o", "a disk error occurred while using the database. Check the disk and the "
     "directory's permissions, or use another --db."),
)
