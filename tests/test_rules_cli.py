"""``listenpost --rules-check`` and ``--rules-apply`` as a cron job or a person runs them: a real
process on a real database file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.tui.inbox_db import M, create_db, insert

ROOT = Path(__file__).parent.parent
RULES = '''
[[rules]]
name = "refunds to support"
query = "refund OR refusion"
category = "complaint"
tags = ["refund"]
boost = 10
assignee = "ana"
stop = true

[[rules]]
name = "danish"
languages = ["da"]
tags = ["dansk"]
'''


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return list(con.iterdump())


def listenpost(tmp_path: Path, *args: str, rules: str = "") -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Northwind"\n' + rules, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "tui.cli", "--config", str(config), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


async def database(tmp_path: Path) -> Path:
    db = tmp_path / "l.db"
    await create_db(db)
    insert(db, [M(title="Where is my refund", category="question", priority=50.0),
                M(title="Hvor er min refusion", category="question", language="da"),
                M(title="Love the beans", category="praise")])
    return db


async def test_check_then_apply(tmp_path: Path) -> None:
    """It should list what would change without writing, then apply exactly that."""
    db = await database(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    before = dump(db)
    dry = listenpost(tmp_path, "--db", str(db), "--rules-check", str(rules))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "would change 2 mentions",
        "#1 Where is my refund: category question -> complaint; tags +refund; "
        "priority 50 -> 60; assignee none -> ana [refunds to support]",
        "#2 Hvor er min refusion: category question -> complaint; tags +refund; "
        "priority 0 -> 10; assignee none -> ana [refunds to support]",
        "rules (hits now; all-time hits as applied):",
        "  refunds to support: 2 (all-time 0)",
        "  danish: 0 (all-time 0)",
    ]
    assert dump(db) == before
    done = listenpost(tmp_path, "--db", str(db), "--rules-apply", str(rules))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("changed 2 mentions\n")
    assert "  refunds to support: 2 (all-time 2)" in done.stdout
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT category, assignee FROM mentions ORDER BY id").fetchall() == [
            ("complaint", "ana"), ("complaint", "ana"), ("praise", None)]


async def test_a_bad_rules_file_says_where_and_changes_nothing(tmp_path: Path) -> None:
    """It should exit 3 with the file, line and key of each mistake."""
    db = await database(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nname = "x"\ncategory = "complaints"\n', encoding="utf-8")
    result = listenpost(tmp_path, "--db", str(db), "--rules-apply", str(rules))
    assert result.returncode == 3
    assert f"{rules}:3: rules[0].category: unknown category 'complaints'" in result.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM actions").fetchone() == (0,)


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    """It should exit 4 and create nothing when the database does not exist."""
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    result = listenpost(tmp_path, "--db", str(tmp_path / "none.db"), "--rules-check", str(rules))
    assert result.returncode == 4 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()


async def test_the_configs_rules_run_when_no_file_is_named(tmp_path: Path) -> None:
    """It should run the config's [[rules]] when --rules-check names no file."""
    db = await database(tmp_path)
    result = listenpost(tmp_path, "--db", str(db), "--rules-check", rules=RULES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("would change 2 mentions\n")
    bad = listenpost(tmp_path, "--db", str(db), "--rules-check",
                     rules='[[rules]]\nname = "x"\nstatus = "later"\n')
    assert bad.returncode == 3
    assert "config.toml:5: rules[0].status: expected one of new, done, got 'later'" in bad.stderr
