"""The team's headless commands as the command line runs them: ``--daemon`` and ``--backup``.

Each returns an ``ExitCode`` and writes its diagnostics to the ``err`` stream it is given, like
``core.headless``; ``tui.cli`` only parses flags and calls these.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from core.config import Config
from core.exitcodes import ExitCode
from core.headless import open_store
from core.team.backup import backup
from core.team.daemon import DaemonLog, run_daemon
from core.team.sqlite import wal_reset_warning


def open_daemon_log(path: str | None, err: TextIO) -> DaemonLog | None:
    """The daemon's log (stderr without ``--log``); None, said on ``err``, when the file cannot
    be opened for appending."""
    try:
        return DaemonLog(Path(path) if path else None)
    except OSError as error:
        err.write(f"listenpost: cannot open the log file {path}: {error.strerror}\n")
        return None


def warn_about_sqlite(err: TextIO) -> None:
    """The WAL-reset warning, one line, when this SQLite library has the bug."""
    warning = wal_reset_warning()
    if warning is not None:
        err.write(f"listenpost: warning: {warning}\n")


async def run_daemon_command(config: Config, db_path: Path, log: DaemonLog) -> ExitCode:
    """``--daemon``: warn once about SQLite, then hold or watch the lease until stopped."""
    warn_about_sqlite(log.stream)
    try:
        return await run_daemon(config, db_path, log)
    finally:
        log.close()


async def run_backup(db_path: Path, target: Path, err: TextIO) -> ExitCode:
    """``--backup FILE``: a consistent copy, taken without the write lock."""
    if not db_path.is_file():
        err.write(f"listenpost: {db_path}: there is no database here to back up. Check --db.\n")
        return ExitCode.STORE
    try:
        async with await open_store(db_path, err, write=False) as store:
            result = await backup(store, target)
    except OSError as error:
        err.write(f"listenpost: cannot write the backup to {target}: {error.strerror}\n")
        return ExitCode.OUTPUT
    size = result.size / (1024 * 1024)
    err.write(f"listenpost: backed up {db_path} to {result.target} ({result.mentions} mentions, "
              f"{size:.1f} MiB)\n")
    return ExitCode.OK
