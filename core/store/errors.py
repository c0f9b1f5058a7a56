"""The one exception the store raises, and the translation of SQLite's terse errors into it.

SQLite says "database is locked" or "unable to open database file"; a community manager needs
to hear which file, what is wrong with it and what to do. Every ``sqlite3`` error that leaves
the store passes through ``translate`` so callers catch a single ``StoreError``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A store failure fit to show the user: it names the file, the problem and a remedy."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.message = f"{self.path}: {problem}"
        super().__init__(self.message)


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
    for needle, problem in _PROBLEMS:
        if needle in text:
            return StoreError(path, problem)
    return StoreError(path, f"database error: {error}. Check the file, or use another --db.")


_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("readonly", "the database cannot be written (read-only file, directory or mount). "
     "Fix the permissions or use another --db."),
    ("full", "the disk is full; free some space and try again."),
    ("malformed", "the database file is damaged. Restore it from a backup or use another --db."),
    ("not a database", "this is not an SQLite database. Point --db at a listenpost database "
     "or at a new file name."),
    ("unable to open", "the database file cannot be opened or created. Check that the "
     "directory exists and is writable, or use another --db."),
    ("disk i/o", "a disk error occurred while using the database. Check the disk and the "
     "directory's permissions, or use another --db."),
)
