"""Issue 16, item 5: two processes starting at once on an old database migrate it once.

The database is at schema 1 (written in WAL mode, as listenpost writes it). The test holds its
write lock while two real ``listenpost --poll-once`` processes start, and lets go only once both
say they are waiting for it: both have read the old version and want to migrate. Each step
re-reads the version inside its own write transaction, so the second finds the work done; a step
run twice would fail (``ALTER TABLE … ADD COLUMN`` of a column that exists) and exit 4.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.exitcodes import ExitCode
from core.store.migrate import APPLICATION_ID, load_migrations
from tests.test_lock_waits import WriteLock
from tests.test_signals import start, wait_for_line


def old_database(path: Path) -> None:
    """A listenpost database at schema 1, in WAL mode, with one source."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        for statement in load_migrations()[0].statements:
            db.execute(statement)
        db.execute("INSERT INTO sources (name, kind, url) VALUES ('s', 'feed', 'https://x')")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")


def test_two_processes_migrate_an_old_database_once(tmp_path: Path) -> None:
    """It should bring the file to the latest schema once, both processes succeeding."""
    db, config = tmp_path / "old.db", tmp_path / "c.toml"
    old_database(db)
    config.write_text('[brand]\nname = "Northwind"\n', encoding="utf-8")
    lock = WriteLock(db)
    lock.take()
    both = [start("--config", str(config), "--db", str(db), "--poll-once") for _ in range(2)]
    try:
        for process in both:
            wait_for_line(process, "waiting for the database")
        lock.release()
        results = [process.communicate(timeout=120) for process in both]
    finally:
        lock.release()
        for process in both:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (_, err) in zip(both, results, strict=True):
        assert process.returncode == ExitCode.OK, err.decode()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations())
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT name FROM sources").fetchall() == [("s",)]
        tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master")]
    assert len(tables) == len(set(tables))
