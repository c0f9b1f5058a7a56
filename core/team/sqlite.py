"""The warning about SQLite libraries with the WAL-reset bug.

SQLite 3.44.1 and older can, rarely, corrupt a database in WAL mode when several connections
write and checkpoint it at once: exactly a team's shared database. Python uses whatever SQLite
library it was built against, which listenpost cannot change, so it says so once at the start
of a long run (the daemon, the inbox) and in ``--check-config``, in one line, and not on every
cron export.
"""

from __future__ import annotations

import sqlite3

LAST_AFFECTED = (3, 44, 1)


def wal_reset_warning(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> str | None:
    """One line naming the library's version and what to do, or None for a fixed library."""
    if tuple(version) > LAST_AFFECTED:
        return None
    found = ".".join(map(str, version))
    return (f"SQLite {found} has the WAL-reset bug (3.44.1 and older), which can corrupt a "
            "database several processes write to; upgrade the SQLite library Python uses to "
            "3.44.2 or later, and keep backups (listenpost --backup FILE)")
