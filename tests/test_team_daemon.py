"""Issue 16, item 1: ``listenpost --daemon`` and the polling lease, with real processes.

Two daemons on one database: one polls, the other watches and names it; SIGKILL the holder and
the other takes over, but only once the lease has expired; SIGHUP reopens a renamed log file;
SIGTERM ends a daemon cleanly and gives the lease back. The lease is 3 s here (``[team]
lease``), so expiry is quick; every wait is for a line or a row, bounded by the test timeout.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from tests.loopback import LoopbackServer, Reply
from tests.test_signals import FAST, start, wait_for_line
from tui.cli import main

HOLDING = "holding the polling lease: this daemon polls"


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A config (one loopback feed, a 3 s lease) and the database path."""
    server = LoopbackServer().start()
    url = server.route("/fast.xml", Reply(200, FAST, {"Content-Type": "application/rss+xml"}))
    config = tmp_path / "c.toml"
    config.write_text(
        '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
        '[network]\nallowed_networks = ["127.0.0.1/32"]\n[team]\nlease = "3s"\n'
        f'[[sources]]\nkind = "feed"\nname = "fast"\nurl = "{url}"\n', encoding="utf-8")
    yield config, tmp_path / "lp.db"
    server.stop()


def daemon(config: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    return start("--config", str(config), "--db", str(db), "--daemon", *extra)


def lease_row(db: Path) -> tuple[int, float, float] | None:
    """(pid, heartbeat, expires_at) of the lease, or None when nobody holds it."""
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT pid, heartbeat, expires_at FROM lease").fetchone()
    return (int(row[0]), float(row[1]), float(row[2])) if row else None


def stop(process: subprocess.Popen[bytes]) -> str:
    """SIGTERM it; everything it said on stderr after that."""
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == ExitCode.TERMINATED, err
    return err.decode()


def test_of_two_daemons_one_polls_and_the_other_names_it(team: tuple[Path, Path]) -> None:
    """It should let the first daemon poll and make the second watch, naming host and pid."""
    config, db = team
    first = daemon(config, db)
    second: subprocess.Popen[bytes] | None = None
    try:
        said = wait_for_line(first, "fast: ok (1 new")
        assert HOLDING in said
        second = daemon(config, db)
        watching = wait_for_line(second, "watching:")
        host = socket.gethostname()
        assert f"the daemon on {host} (pid {first.pid}) polls this database" in watching
        assert lease_row(db) is not None and lease_row(db)[0] == first.pid  # type: ignore[index]
        rest = stop(second)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert HOLDING not in watching + rest and "fast:" not in watching + rest


def test_a_killed_holder_is_replaced_once_its_lease_expires(team: tuple[Path, Path]) -> None:
    """It should take over after SIGKILL, no sooner than the dead holder's lease expired."""
    config, db = team
    first = daemon(config, db)
    wait_for_line(first, HOLDING)
    second = daemon(config, db)
    try:
        wait_for_line(second, "watching:")
        first.kill()
        first.wait()
        dead = lease_row(db)
        assert dead is not None and dead[0] == first.pid
        wait_for_line(second, HOLDING)
        taken = lease_row(db)
        assert taken is not None and taken[0] == second.pid
        assert taken[1] >= dead[2]  # taken over only once the killed holder's lease had expired
        stop(second)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    assert lease_row(db) is None  # a daemon stopped by SIGTERM gives the lease back


def test_sighup_reopens_the_log_file(team: tuple[Path, Path]) -> None:
    """It should keep running on SIGHUP and write on to a new file at the --log path."""
    config, db = team
    log = db.parent / "daemon.log"
    process = daemon(config, db, "--log", str(log))
    try:
        while "fast: ok" not in (log.read_text() if log.exists() else ""):
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        log.rename(db.parent / "daemon.log.1")  # what logrotate does before signalling
        process.send_signal(signal.SIGHUP)
        while "log reopened (SIGHUP)" not in (log.read_text() if log.exists() else ""):
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        last = stop(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert HOLDING in (db.parent / "daemon.log.1").read_text()
    assert "stopped by SIGTERM" in last  # the command's own last word stays on stderr


def test_log_goes_with_daemon(capsys: pytest.CaptureFixture[str]) -> None:
    """It should refuse --log without --daemon as a usage error."""
    assert main(["--log", "x.log", "--poll-once"]) == ExitCode.USAGE
    assert "--log goes with --daemon" in capsys.readouterr().err


def test_an_unwritable_log_is_a_usage_error(team: tuple[Path, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """It should say which log file cannot be opened, and poll nothing."""
    config, db = team
    log = db.parent / "missing" / "d.log"
    code = main(["--config", str(config), "--db", str(db), "--daemon", "--log", str(log)])
    assert code == ExitCode.USAGE
    assert f"cannot open the log file {log}" in capsys.readouterr().err
    assert not db.exists()
