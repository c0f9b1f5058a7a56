"""``listenpost --backup FILE``: a consistent copy of the database while others write to it.

Copying the file would catch it between a commit and its checkpoint (the WAL holds the rest)
and can copy a torn page. ``VACUUM INTO`` instead writes the database as one read transaction
sees it: every commit before it started, none after, while pollers and inboxes go on writing
(readers never block writers in WAL mode). It writes to a temp file beside ``FILE`` and renames
it into place, so ``FILE`` is always a whole copy: the previous one or the new one.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.store import Store, StoreError
from core.store.errors import translate


@dataclass(frozen=True, slots=True)
class BackupResult:
    target: Path
    mentions: int
    size: int  # bytes


async def backup(store: Store, target: Path) -> BackupResult:
    """Write a consistent copy of ``store`` to ``target`` (replacing it whole).

    Raises ``OSError`` when the target's directory cannot be written, ``StoreError`` for a
    failure of the database itself."""
    target = target.expanduser().absolute()
    if target.resolve() == store.path.resolve():
        raise StoreError(target, "a backup cannot replace the database it copies; "
                         "choose another FILE.")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        async with store.db.execute("VACUUM INTO ?", (str(partial),)):
            pass
        mentions = _count_mentions(partial)
        os.replace(partial, target)
    except sqlite3.Error as error:
        if _is_damage(error):
            raise translate(store.path, error) from None
        raise OSError(0, f"SQLite could not write the copy ({error})", str(target)) from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, mentions, target.stat().st_size)


def _count_mentions(copy: Path) -> int:
    """Read the copy back: it opens, and holds this many mentions."""
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as con:
        return int(con.execute("SELECT count(*) FROM mentions").fetchone()[0])


def _is_damage(error: sqlite3.Error) -> bool:
    """Damage of the database being copied; any other failure is the copy's place (a missing
    or read-only directory, a full disk)."""
    text = str(error).lower()
    return "malformed" in text or "corrupt" in text or "not a database" in text
