"""Schema versions: recognise our own files, refuse everything else, and step forward safely.

Every ``migrations/NNNN_name.sql`` is one schema version. ``upgrade`` applies the missing ones in
order, each in its own ``BEGIN IMMEDIATE`` transaction that also sets ``PRAGMA user_version``, so a
crash or a second process racing us leaves the file at one whole version or the next.

Before SQLite opens a file for writing, ``inspect_file`` reads its 100-byte header as plain
bytes: a file that is not SQLite, is truncated, belongs to another application (its
``application_id``) or was written by a newer listenpost is refused without a single write.
"""

from __future__ import annotations

import re
import sqlite3
import stat
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import aiosqlite

from core.store.errors import StoreError

# "LPST" in ASCII: written into every listenpost database so foreign SQLite files are recognised.
APPLICATION_ID = 0x4C505354

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100  # the SQLite file header; see https://sqlite.org/fileformat.html
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One forward step: the schema version it produces and its SQL statements."""

    version: int
    name: str
    statements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Header:
    """What the file header says, read without SQLite; ``fresh`` when there is no file yet."""

    fresh: bool
    application_id: int = 0
    user_version: int = 0


@cache
def load_migrations() -> tuple[Migration, ...]:
    """Every packaged migration in version order; the numbers must run 1, 2, 3 … with no gap."""
    folder = resources.files("core.store") / "migrations"
    files = sorted((f for f in folder.iterdir() if _NAME.match(f.name)), key=lambda f: f.name)
    migrations = []
    for expected, file in enumerate(files, start=1):
        if int(file.name[:4]) != expected:
            raise RuntimeError(f"migration {file.name} is out of sequence: expected {expected:04d}")
        statements = tuple(split_statements(file.read_text(encoding="utf-8")))
        migrations.append(Migration(expected, file.name, statements))
    return tuple(migrations)


def split_statements(script: str) -> list[str]:
    """Cut an SQL script into statements (triggers keep their inner ``;``).

    ``executescript`` would COMMIT first and so cannot run inside our transaction."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    lines = (line.split("--", 1)[0].strip() for line in statement.splitlines())
    return any(line and line != ";" for line in lines)


def refuse_special_file(path: Path) -> None:
    """Refuse anything at ``path`` that is not a regular file (or nothing yet): opening a FIFO
    waits forever for a writer, and a device or socket is never a database."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(path, f"cannot read the database file ({error.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise StoreError(path, "this is a directory, not a database file. Point --db at a file.")
    if not stat.S_ISREG(mode):
        kind = _SPECIAL_KINDS.get(stat.S_IFMT(mode), "special file")
        raise StoreError(path, f"this is a {kind}, not a database file; listenpost will not "
                         "open it. Point --db at a regular file (or a new file name).")


_SPECIAL_KINDS = {stat.S_IFIFO: "FIFO (named pipe)", stat.S_IFCHR: "character device",
                  stat.S_IFBLK: "block device", stat.S_IFSOCK: "socket"}


def inspect_file(path: Path, known: int) -> Header:
    """Read ``path``'s header as bytes and refuse it unless it is (or can become) ours."""
    try:
        with path.open("rb") as f:
            head = f.read(_HEADER_SIZE)
            size = f.seek(0, 2)
    except FileNotFoundError:
        return Header(fresh=True)
    except OSError as error:
        raise StoreError(path, f"cannot read the database file ({error.strerror}).") from None
    if size == 0:
        return Header(fresh=True)  # an empty file is a new database to SQLite, and to us
    _check_magic(path, head)
    if not _has_pending_journal(path):
        _check_size(path, head, size)
    header = Header(False, _int(head, 68), _int(head, 60))
    check_identity(path, header.application_id, header.user_version, known, has_tables=None)
    return header


def _check_magic(path: Path, head: bytes) -> None:
    if len(head) < _HEADER_SIZE or not head.startswith(_MAGIC):
        raise StoreError(
            path,
            "this is not a listenpost database (not an SQLite file). Point --db at a listenpost "
            "database or at a new file name; listenpost has not changed this file.",
        )


def _has_pending_journal(path: Path) -> bool:
    """A non-empty -wal or -journal beside the file may still complete it (a checkpoint or a
    commit cut short by a crash); SQLite recovers from it, so the file's size proves nothing."""
    for suffix in ("-wal", "-journal"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.is_file() and sidecar.stat().st_size > 0:
            return True
    return False


def _check_size(path: Path, head: bytes, size: int) -> None:
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size  # the format stores 65536 as 1
    pages = _int(head, 28)
    # The page count is only trusted when its "valid-for" number matches the change counter.
    counted = _int(head, 92) == _int(head, 24) and pages > 0
    if page_size < 512 or page_size & (page_size - 1) or (counted and size < pages * page_size):
        expected = f"{pages * page_size} bytes" if counted else "whole pages"
        raise StoreError(
            path,
            f"the database file is truncated or damaged ({size} bytes, expected {expected}). "
            "Restore it from a backup or use another --db; listenpost has not changed it.",
        )


def _int(head: bytes, offset: int) -> int:
    return int.from_bytes(head[offset : offset + 4], "big", signed=True)


def check_identity(
    path: Path, application_id: int, user_version: int, known: int, *, has_tables: bool | None
) -> None:
    """Refuse a foreign SQLite database and one from a newer listenpost."""
    if application_id != APPLICATION_ID and (application_id or user_version or has_tables):
        raise StoreError(
            path,
            f"this SQLite database belongs to another application (application_id "
            f"{application_id:#x}); listenpost will not change it. Use another --db.",
        )
    if user_version > known:
        raise StoreError(
            path,
            f"this database was written by a newer listenpost (schema {user_version}, this one "
            f"knows {known}): upgrade listenpost or use another --db.",
        )


Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]


async def upgrade(
    path: Path, transaction: Transaction, migrations: Sequence[Migration]
) -> None:
    """Apply each missing migration in its own transaction, re-reading the version inside it."""
    for migration in migrations:
        async with transaction() as db:
            current = await pragma_int(db, "user_version")
            if current >= migration.version:
                continue  # already there, perhaps applied by another process a moment ago
            await _apply(path, db, migration, current)


async def _apply(path: Path, db: aiosqlite.Connection, migration: Migration, current: int) -> None:
    try:
        for statement in migration.statements:
            async with db.execute(statement):
                pass
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise
        raise StoreError(
            path,
            f"could not upgrade the database to schema {migration.version} ({migration.name}: "
            f"{error}); it is unchanged at schema {current}. Report this with the file's history.",
        ) from None
    async with db.execute(f"PRAGMA application_id = {APPLICATION_ID}"):
        pass
    async with db.execute(f"PRAGMA user_version = {migration.version}"):
        pass


async def pragma_int(db: aiosqlite.Connection, name: str) -> int:
    """The integer value of ``PRAGMA name``."""
    async with db.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0

