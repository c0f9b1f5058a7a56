"""Issue 16, item 3: ``--user NAME`` chooses who is acting for one run, with real processes.

The name is the actor of what a headless run logs (``--rules-apply``'s changes, which only
that person can undo; the daemon's start line), and a name that is not one of the configured
``[[team.members]]`` is a usage error (exit 2) before anything is opened or written.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import Config
from core.config.model import TeamConfig, TeamMember
from core.exitcodes import ExitCode
from core.rules.undo import Undone, undo_apply
from core.store import Store
from tests.test_signals import start, wait_for_line
from tests.tui.inbox_db import M, create_db, insert
from tui.cli import as_user, main

ROOT = Path(__file__).parent.parent
TEAM = ('[team]\n[[team.members]]\nname = "Ana"\nhandle = "ana"\n'
        '[[team.members]]\nname = "Bo"\nhandle = "bo"\n')
RULES = ('[[rules]]\nname = "refunds"\nquery = "refund"\ncategory = "complaint"\n')


def write_config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Northwind"\n' + TEAM + extra, encoding="utf-8")
    return config


def listenpost(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


async def database(tmp_path: Path) -> Path:
    db = tmp_path / "l.db"
    await create_db(db)
    insert(db, [M(title="Where is my refund", category="question"),
                M(title="Love the beans", category="praise")])
    return db


async def test_rules_apply_as_user_is_logged_as_theirs_and_only_they_undo_it(
        tmp_path: Path) -> None:
    """It should log ``--rules-apply --user bo`` as bo's apply: the command says so, the action
    log names bo, ana's undo finds nothing of hers, bo's undo takes it back."""
    db = await database(tmp_path)
    config = write_config(tmp_path, RULES)
    done = listenpost("--config", str(config), "--db", str(db), "--rules-apply", "--user", "bo")
    assert done.returncode == 0, done.stderr
    assert "applied as bo; u on the Rules screen undoes it" in done.stdout
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT json_extract(after, '$.applied_by'), count(*) FROM actions"
                           " GROUP BY 1").fetchall() == [("bo", 1)]
    async with await Store.open(db) as store:
        assert await undo_apply(store, actor="ana", now=1) is None
        undone = await undo_apply(store, actor="bo", now=1)
    assert isinstance(undone, Undone) and undone.mentions == 1
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT category FROM mentions ORDER BY id").fetchall() == [
            ("question",), ("praise",)]


async def test_an_unknown_user_is_a_usage_error_and_nothing_is_written(
        tmp_path: Path) -> None:
    """It should refuse a name that is not a team member's handle, name the members, exit 2
    and leave the database as it was."""
    db = await database(tmp_path)
    before = db.read_bytes()
    config = write_config(tmp_path, RULES)
    run = listenpost("--config", str(config), "--db", str(db), "--rules-apply", "--user", "zed")
    assert run.returncode == ExitCode.USAGE == 2
    assert run.stderr == ("listenpost: --user 'zed' is not a member of the team in the config "
                          "(members: ana, bo)\n")
    assert db.read_bytes() == before


def test_without_members_any_name_is_taken() -> None:
    """It should take any name when the config lists no team members, and refuse a blank."""
    assert as_user(Config(), "cy").team.me == "cy"  # type: ignore[union-attr]
    assert as_user(Config(), "  ") == "--user needs a name"
    members = Config(team=TeamConfig(members=(TeamMember("Ana", "ana"),)))
    assert as_user(members, "ana").team.me == "ana"  # type: ignore[union-attr]


def test_the_daemon_says_who_it_acts_as(tmp_path: Path) -> None:
    """It should name the ``--user`` in the daemon's start line."""
    config = write_config(tmp_path)
    process = start("--config", str(config), "--db", str(tmp_path / "d.db"), "--daemon",
                    "--user", "bo")
    try:
        seen = wait_for_line(process, "daemon started on")
    finally:
        process.terminate()
        process.communicate(timeout=60)
    assert f"daemon started on {tmp_path / 'd.db'} as bo; lease 60 s" in seen


def test_user_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    """It should document --user in --help."""
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--user NAME" in capsys.readouterr().out
