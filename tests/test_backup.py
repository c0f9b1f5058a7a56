"""Issue 16, item 2: ``listenpost --backup FILE`` copies the database consistently while another
process keeps writing to it.

The writer is a real process committing batches of ``BATCH`` mentions and printing its running
total after each commit; the backup runs meanwhile. The copy must pass ``PRAGMA
integrity_check``, open as a listenpost database, and hold whole batches only (a copy of a file
caught mid-commit would not), no fewer than were committed before the backup began.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from core.store import Store
from tests.test_signals import ROOT
from tui.cli import main

BATCH = 250
WRITER = """
import asyncio, sys
from core.model import Mention, SourceConfig
from core.store import Store

async def write(path):
    async with await Store.open(path) as store:
        ids = await store.sync_sources([SourceConfig("bulk", "feed", "https://b.example/f")])
        n = 0
        while True:
            batch = [Mention("feed", title=f"Northwind {i}", text="Northwind " * 40,
                             key=f"k{i}", published_at=1_763_800_000 + i)
                     for i in range(n, n + int(sys.argv[2]))]
            await store.ingest(ids["bulk"], batch, now=1_763_800_000)
            n += len(batch)
            print(n, flush=True)

asyncio.run(write(sys.argv[1]))
"""


def committed(writer: subprocess.Popen[str], at_least: int) -> int:
    """Read the writer's totals until one reaches ``at_least``; that total."""
    assert writer.stdout is not None
    while True:
        line = writer.stdout.readline()
        assert line, "the writer stopped"
        if int(line) >= at_least:
            return int(line)


def test_a_backup_under_concurrent_writes_is_consistent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should copy whole commits only, pass integrity_check and open as a listenpost db."""
    db, copy = tmp_path / "lp.db", tmp_path / "backup" / "copy.db"
    copy.parent.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(BATCH)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        before = committed(writer, 20 * BATCH)
        assert main(["--db", str(db), "--backup", str(copy)]) == ExitCode.OK
        went_on = committed(writer, before + 20 * BATCH)  # the writer kept committing
    finally:
        writer.kill()
        totals, _ = writer.communicate()
    after = max([went_on, *map(int, totals.split())])  # the most it ever committed
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copied = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert copied % BATCH == 0 and before <= copied <= after
    assert f"({copied} mentions" in capsys.readouterr().err
    assert [p.name for p in copy.parent.iterdir()] == ["copy.db"]  # no temp file left


def create(db: Path) -> None:
    """An empty listenpost database at ``db``."""

    async def open_and_close() -> None:
        async with await Store.open(db):
            pass

    asyncio.run(open_and_close())


def test_the_copy_opens_as_a_listenpost_database(tmp_path: Path) -> None:
    """It should give a file listenpost opens (read-only), replacing an older copy whole."""
    db, copy = tmp_path / "lp.db", tmp_path / "copy.db"
    create(db)
    copy.write_bytes(b"an older backup")
    assert main(["--db", str(db), "--backup", str(copy)]) == ExitCode.OK

    async def count() -> int:
        async with await Store.open(copy, readonly=True) as opened:
            return await opened.count_mentions()

    assert asyncio.run(count()) == 0


def test_backup_refuses_a_missing_database_and_an_unwritable_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should say what is wrong: no database (exit 4), a target it cannot write (exit 5)."""
    missing = tmp_path / "none.db"
    assert main(["--db", str(missing), "--backup", str(tmp_path / "c.db")]) == ExitCode.STORE
    assert "there is no database here to back up" in capsys.readouterr().err
    assert not missing.exists()
    db = tmp_path / "lp.db"
    create(db)
    target = tmp_path / "no" / "such" / "dir" / "c.db"
    code = main(["--db", str(db), "--backup", str(target)])
    err = capsys.readouterr().err
    assert code == ExitCode.OUTPUT, err
    assert f"cannot write the backup to {target}" in err


def test_backup_and_daemon_go_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It should refuse --backup or --daemon together with another headless run."""
    db = str(tmp_path / "lp.db")
    assert main(["--db", db, "--backup", "c.db", "--export", "o.json"]) == ExitCode.USAGE
    assert main(["--db", db, "--daemon", "--poller"]) == ExitCode.USAGE
    assert capsys.readouterr().err.count("choose one of") == 2
    assert not Path(db).exists()
