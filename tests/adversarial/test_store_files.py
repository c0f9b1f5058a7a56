"""Item 8: database files that are not what they should be, through the real command line.

A file that is not SQLite, a truncated database, one from a newer listenpost and one on a
read-only path: ``listenpost --export`` must exit 4 (``ExitCode.STORE``) with a message naming
the file and the problem, write no export, take bounded time and leave the file's bytes exactly
as they were. A lock another process holds past the busy timeout is waited out instead. The
store's own unit tests of each case: tests/test_store.py and tests/test_store_locking.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.model import Mention, SourceConfig
from core.store import Store
from tests.adversarial.harness import (
    T0,
    Run,
    Src,
    healthy_source,
    report,
    run_cli,
    seed,
    write_config,
)
from tests.loopback import LoopbackServer
from tests.test_store_locking import HOLDER, unprivileged_prefix

STORE_EXIT = 4


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_into(db: Path, tmp: Path, prefix: list[str] | None = None) -> tuple[Run, Path]:
    """``listenpost --export`` against ``db`` with a config holding one (unreached) source."""
    config = write_config(tmp / "c.toml", [Src("healthy", "http://127.0.0.1:9/feed.xml")])
    out = tmp / "out.json"
    if prefix:  # run unprivileged: only then do file permissions bind (root ignores them)
        code = "import sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
        done = subprocess.run([*prefix, sys.executable, "-c", code, "--config", str(config),
                               "--db", str(db), "--export", str(out)], capture_output=True,
                              text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
        return Run(done.returncode, done.stdout, done.stderr, 0.0, 0.0), out
    return run_cli("--config", str(config), "--db", str(db), "--export", str(out)), out


async def real_database(path: Path) -> Path:
    await seed(path)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def assert_refused(run: Run, out: Path, db: Path, words: tuple[str, ...]) -> None:
    assert run.returncode == STORE_EXIT, run.stderr
    assert str(db) in run.stderr and any(w in run.stderr for w in words), run.stderr
    assert "Traceback" not in run.stderr and not out.exists()


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    """It should exit 4 naming the file as not an SQLite database, and leave it untouched."""
    db = tmp_path / "notes.db"
    db.write_bytes(b"Dear diary, this is not a database.\n" * 200)
    before = sha256(db)
    run, out = export_into(db, tmp_path)
    report("store: not SQLite", run.seconds, run.peak_mib)
    assert_refused(run, out, db, ("not an SQLite database", "not a listenpost database"))
    assert sha256(db) == before and run.seconds < 20


def test_a_truncated_database(tmp_path: Path) -> None:
    """It should exit 4 for a database cut in half, and leave the half untouched."""
    db = asyncio.run(real_database(tmp_path / "lp.db"))
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    before = sha256(db)
    run, out = export_into(db, tmp_path)
    report("store: truncated", run.seconds, run.peak_mib)
    assert_refused(run, out, db, ("damaged", "truncated", "malformed"))
    assert sha256(db) == before and run.seconds < 20


def test_a_database_from_a_newer_listenpost(tmp_path: Path) -> None:
    """It should exit 4 saying the database is newer, without touching it."""
    db = asyncio.run(real_database(tmp_path / "lp.db"))
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 999")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the main file, whose hash we keep
    before = sha256(db)
    run, out = export_into(db, tmp_path)
    report("store: newer schema", run.seconds, run.peak_mib)
    assert_refused(run, out, db, ("newer",))
    assert sha256(db) == before and run.seconds < 20


def test_a_database_on_a_read_only_path(read_only_dir: Path, tmp_path: Path) -> None:
    """It should exit 4 saying the place is read-only, for a read-only file and directory."""
    prefix = unprivileged_prefix()
    db = asyncio.run(real_database(read_only_dir / "lp.db"))
    before = sha256(db)
    db.chmod(0o444)
    tmp_path.chmod(0o777)  # the unprivileged child may try to write its export beside it
    run, out = export_into(db, tmp_path, prefix)
    assert_refused(run, out, db, ("read-only",))
    read_only_dir.chmod(0o555)
    db.chmod(0o644)
    run, out = export_into(db, tmp_path, prefix)
    assert_refused(run, out, db, ("read-only",))
    assert sha256(db) == before


def test_a_database_locked_past_the_busy_timeout_is_waited_out(tmp_path: Path) -> None:
    """It should say it is waiting for a lock held past the busy timeout, then write the
    export once the lock is free (issue 11: a long lock is never fatal)."""
    db = asyncio.run(real_database(tmp_path / "lp.db"))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "8"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        run, out = export_into(db, tmp_path)
    finally:
        holder.kill()
        holder.wait()
    report("store: locked for 8 s", run.seconds, run.peak_mib)
    assert "waiting for the database (held by another process)" in run.stderr
    assert run.returncode == 1, run.stderr  # its one source is unreachable; nothing else failed
    assert "locked" not in run.stderr and out.exists()
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3


# --- issue 11, item 8: odd files are refused, damage is named -------------------------------


def test_a_fifo_or_device_as_the_database_is_refused_at_once(tmp_path: Path) -> None:
    """It should exit 4 at once for a FIFO (opening one would wait forever) or a device."""
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for db, kind in ((fifo, "FIFO"), (Path("/dev/null"), "character device")):
        run, out = export_into(db, tmp_path)  # run_cli's own timeout ends a hang (as a failure)
        assert_refused(run, out, db, (kind,))
    assert stat.S_ISFIFO(fifo.stat().st_mode)


async def damaged_database(path: Path) -> Path:
    """A real database whose unique-key index has an interior page zeroed, as a bad sector or
    a careless copy would leave it; the mentions table itself still reads."""
    await seed(path)
    async with await Store.open(path) as store:
        ids = await store.sync_sources([SourceConfig("bulk", "feed", "https://bulk.example/f")])
        many = [Mention("feed", title=f"filler {i} " + "x" * 200, key=f"bulk-{i}")
                for i in range(3000)]
        await store.ingest(ids["bulk"], many, now=T0)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = con.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_mentions_1'"
                           " AND pagetype = 'internal'").fetchone()[0]
        size = con.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(bytes(size))
    return path


def test_a_damaged_database_is_named_damaged(tmp_path: Path, server: LoopbackServer) -> None:
    """It should exit 4 saying 'damaged' when a poll meets the damage, and --check-db should
    find damage the export never reads (exit 4) and none in a sound file (exit 0)."""
    db = asyncio.run(damaged_database(tmp_path / "lp.db"))
    feed = healthy_source(server)
    config = write_config(tmp_path / "c.toml", [feed])
    out = tmp_path / "out.json"
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out))
    assert_refused(run, out, db, ("damaged",))
    assert "--check-db" in run.stderr
    checked = run_cli("--db", str(db), "--check-db")
    assert checked.returncode == STORE_EXIT and "damaged" in checked.stderr, checked.stderr
    assert "quick_check says" in checked.stderr and "Traceback" not in checked.stderr
    sound = asyncio.run(real_database(tmp_path / "sound.db"))
    checked = run_cli("--db", str(sound), "--check-db")
    assert checked.returncode == 0 and "no problems" in checked.stderr, checked.stderr


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, nearly filled: room for SQLite's header, not for its -wal and -shm."""
    place = tmp_path / "tiny"
    place.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(place)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (or a mount namespace)")
    try:
        (place / "filler").write_bytes(bytes(40 * 1024))
        yield place
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)


def test_a_full_disk_is_named_a_full_disk(full_disk: Path, tmp_path: Path) -> None:
    """It should say the disk is full (not 'check permissions') when a new database cannot be
    created for want of space."""
    db = full_disk / "lp.db"
    run, out = export_into(db, tmp_path)
    assert_refused(run, out, db, ("disk is full",))
    assert "permission" not in run.stderr
