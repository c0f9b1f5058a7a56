"""Issue 16, item 1, in core: who may take the polling lease, and the SQLite version warning."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from core.store import Store
from core.team.lease import Lease
from core.team.sqlite import wal_reset_warning
from tui.cli import main


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_a_live_lease_is_kept_and_an_expired_one_taken(tmp_path: Path) -> None:
    """It should refuse a second holder until the first one's lease has expired."""
    clock = Clock(1000.0)
    async with await Store.open(tmp_path / "a.db") as a, await Store.open(tmp_path / "a.db") as b:
        first = Lease(a, kind="daemon", length=60, clock=clock)
        second = Lease(b, kind="daemon", length=60, clock=clock)
        assert await first.take() is None
        held = await second.take()
        assert held is not None and held.holder == a.holder
        assert (held.host, held.pid) == (socket.gethostname(), os.getpid())
        assert held.describe() == f"the daemon on {held.host} (pid {held.pid})"
        clock.now = 1059.0
        assert await second.take() is not None  # one second before expiry: still the first's
        clock.now = 1060.0
        assert await second.take() is None
        assert (await first.take()) is not None  # the first has lost it and is told so


async def test_a_daemon_takes_the_lease_from_an_inbox_but_not_back(tmp_path: Path) -> None:
    """It should let a daemon take over from an inbox polling for itself, never the reverse."""
    async with await Store.open(tmp_path / "a.db") as a, await Store.open(tmp_path / "a.db") as b:
        inbox = Lease(a, kind="inbox", length=60)
        daemon = Lease(b, kind="daemon", length=60)
        assert await inbox.take() is None
        assert await daemon.take() is None
        held = await inbox.take()
        assert held is not None and held.kind == "daemon"


async def test_release_lets_another_take_it_at_once(tmp_path: Path) -> None:
    """It should free the lease on release, and a release by a non-holder changes nothing."""
    async with await Store.open(tmp_path / "a.db") as a, await Store.open(tmp_path / "a.db") as b:
        first, second = Lease(a, kind="daemon", length=60), Lease(b, kind="daemon", length=60)
        assert await first.take() is None
        await second.release()
        assert await second.take() is not None
        await first.release()
        assert await second.take() is None


def test_the_sqlite_warning_names_the_version_and_the_remedy() -> None:
    """It should warn for 3.44.1 and older, in one line, and not for 3.44.2 or newer."""
    warning = wal_reset_warning((3, 40, 1))
    assert warning is not None and "\n" not in warning
    assert "SQLite 3.40.1" in warning and "3.44.2 or later" in warning
    assert wal_reset_warning((3, 44, 1)) is not None
    assert wal_reset_warning((3, 44, 2)) is None
    assert wal_reset_warning((3, 51, 0)) is None


def test_check_config_warns_once_and_an_export_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should print the warning in --check-config (when this SQLite is affected), never in
    --export: cron runs stay quiet."""
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\n', encoding="utf-8")
    assert main(["--config", str(config), "--check-config"]) == ExitCode.OK
    checked = capsys.readouterr().err
    expected = wal_reset_warning()
    if expected is None:
        assert "WAL-reset" not in checked
    else:
        assert checked.count(expected) == 1
    out = tmp_path / "o.json"
    code = main(["--config", str(config), "--db", str(tmp_path / "a.db"), "--export", str(out)])
    assert code == ExitCode.OK
    assert "WAL-reset" not in capsys.readouterr().err
