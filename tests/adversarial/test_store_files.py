"""Item 8: database files that are not what they should be, through the real command line.

A file that is not SQLite, a truncated database, one from a newer listenpost, one on a
read-only path and one another process holds locked for 30 s: ``listenpost --export`` must
exit 4 (``ExitCode.STORE``) with a message naming the file and the problem, write no export,
take bounded time (the lock: the 5 s busy timeout, not the 30 s the holder keeps it) and leave
the file's bytes exactly as they were. The store's own unit tests of each case:
tests/test_store.py and tests/test_store_locking.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.adversarial.harness import Run, Src, report, run_cli, seed, write_config
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


def test_a_database_locked_for_30_seconds(tmp_path: Path) -> None:
    """It should give up after the busy timeout with exit 4 and 'locked', not wait 30 s."""
    db = asyncio.run(real_database(tmp_path / "lp.db"))
    before = sha256(db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        run, out = export_into(db, tmp_path)
        still_holding = holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    report("store: locked for 30 s", run.seconds, run.peak_mib)
    assert still_holding  # the lock was really held for the whole run
    assert_refused(run, out, db, ("locked",))
    assert run.seconds < 20  # the 5 s busy timeout and start-up, not the holder's 30 s
    assert sha256(db) == before
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3
