"""Each concept is defined once; these tests show that every form derived from it agrees."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from core.config import Config, ConfigError, parse_config
from core.config.keys import _keys_of
from core.export import FORMATS
from core.inbox.buckets import BUCKETS
from core.inbox.views import BUCKET_PREDICATES
from core.net.policy import NetworkPolicy
from core.store import Store
from core.store.counts import TRIGGER_NAMES, trigger_sql
from tests.tui.inbox_db import M, insert
from tui.cli import build_parser
from tui.keys import ALL_KEYS, DEFAULT_KEYS

ROOT = Path(__file__).resolve().parents[1]


# --- inbox buckets: the views' predicates, the count triggers and Python agree ---------------


def varied_rows() -> list[M]:
    """Rows that land in every bucket and outside each one, the brand's own posts included."""
    rows = []
    for i in range(60):
        rows.append(M(title=f"r{i}", source=("blog", "hn")[i % 2],
                      status=("new", "done")[i % 5 == 0], starred=int(i % 7 == 0),
                      sentiment_label=("negative", "neutral", "positive")[i % 3],
                      category=(None, "question", "idea", "complaint")[i % 4],
                      matched=("brand:Acme", "competitor:Globex", "brand:A\ncompetitor:G")[i % 3]))
    return rows


async def test_trigger_counts_equal_predicate_counts_and_python(tmp_path: Path) -> None:
    """It should count each bucket the same three ways: triggers, SQL predicate, Python test."""
    db = tmp_path / "b.db"
    async with await Store.open(db):
        pass
    insert(db, varied_rows())
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET owned = 1 WHERE id % 6 = 0")
        con.execute("UPDATE mentions SET replied_at = 1 WHERE id % 9 = 0")
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM mentions")]
        stored = dict(con.execute("SELECT bucket, n FROM inbox_counts").fetchall())
        for bucket in BUCKETS:
            by_sql = con.execute(
                f"SELECT count(*) FROM mentions m WHERE {BUCKET_PREDICATES[bucket.key]}"
            ).fetchone()[0]
            by_python = sum(1 for row in rows if bucket.condition.holds(row))
            assert stored.get(bucket.key, 0) == by_sql == by_python, bucket.key
        assert 0 < stored["needs_reply"] < stored["new"]
        per_source = dict(con.execute("SELECT 'source:' || source_id, count(*) FROM mentions"
                                      " WHERE status = 'new' AND owned = 0 GROUP BY source_id"
                                      ).fetchall())
        assert {k: v for k, v in stored.items() if k.startswith("source:")} == per_source
        per_category = dict(con.execute(  # what a team's sidebar count adds up
            "SELECT 'category:' || category, count(*) FROM mentions WHERE status = 'new'"
            " AND owned = 0 AND category IS NOT NULL GROUP BY category").fetchall())
        assert len(per_category) > 1
        assert {k: v for k, v in stored.items() if k.startswith("category:")} == per_category


async def test_stale_count_triggers_are_replaced_and_recounted(tmp_path: Path) -> None:
    """It should replace triggers that differ from the bucket table and recount, on open."""
    db = tmp_path / "stale.db"
    async with await Store.open(db):
        pass
    insert(db, varied_rows())
    with sqlite3.connect(db) as con:  # an older listenpost's idea of the buckets, and drift
        con.execute("DROP TRIGGER inbox_counts_update")
        con.execute("CREATE TRIGGER inbox_counts_update AFTER UPDATE OF status ON mentions"
                    " BEGIN SELECT 1; END")
        con.execute("UPDATE inbox_counts SET n = 999 WHERE bucket = 'new'")
    async with await Store.open(db):
        pass
    with sqlite3.connect(db) as con:
        stored = {name: sql for name, sql in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
        assert {n: stored[n] for n in TRIGGER_NAMES} == trigger_sql()
        new = con.execute("SELECT n FROM inbox_counts WHERE bucket = 'new'").fetchone()[0]
        assert new == con.execute("SELECT count(*) FROM mentions WHERE status = 'new'"
                                  ).fetchone()[0]


# --- network settings: the config section is the fetch client's policy ----------------------


def test_network_section_is_the_fetch_policy() -> None:
    """It should default [network] to the client's own defaults and offer every field as a key."""
    assert Config().network == NetworkPolicy()
    assert parse_config("").network == NetworkPolicy()
    assert set(_keys_of(NetworkPolicy)) == {f.name for f in fields(NetworkPolicy)}
    text = '[network]\nmax_header_bytes = "16KiB"\nmax_retry_after = "2h"\n'
    network = parse_config(text).network
    assert (network.max_header_bytes, network.max_retry_after) == (16 * 1024, 7200)


# --- export formats ------------------------------------------------------------------------


def test_format_choices_are_the_export_formats() -> None:
    """It should offer exactly the export formats as --format's choices."""
    action = next(a for a in build_parser()._actions if a.dest == "format")
    assert tuple(action.choices or ()) == FORMATS


# --- key ids: the key table is what the config checks -------------------------------------


def test_config_checks_key_ids_against_the_key_table() -> None:
    """It should refuse an unknown [keys] id with a guess, and accept every real one."""
    with pytest.raises(ConfigError) as caught:
        parse_config('[keys]\nsnoze = "z"\n', key_ids=DEFAULT_KEYS)
    assert "no action has the id 'snoze'; did you mean 'snooze'?" in str(caught.value)
    every = "".join(f'{spec.id} = "f{i}"\n' for i, spec in enumerate(ALL_KEYS))
    assert parse_config(f"[keys]\n{every}", key_ids=DEFAULT_KEYS).keys


def test_check_config_refuses_an_unknown_key_id(tmp_path: Path) -> None:
    """It should exit 3 from --check-config, naming the file, line and id (a real process)."""
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Acme"\n\n[keys]\ndone = "d"\nbogus-action = "z"\n')
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--check-config", "--config",
                             str(config)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 3, result.stderr
    assert f"{config}:6" in result.stderr and "'bogus-action'" in result.stderr
    assert "textual" not in result.stderr.lower()


def test_check_config_names_sections_nothing_reads_yet(tmp_path: Path) -> None:
    """It should say which accepted sections are not used yet instead of passing them silently."""
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Acme"\n\n[routing]\nidea = "product"\n\n'
                      '[[categories.rules]]\ncategory = "complaint"\n')
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--check-config", "--config",
                             str(config)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "note: [categories] is accepted, not used yet" in result.stderr
    assert "[routing]" not in result.stderr  # routing is read: by digests and webhooks


async def test_report_sections_list_the_inbox_buckets(tmp_path: Path) -> None:
    """It should list under each Markdown section exactly the members of the inbox bucket it
    is named after (owned posts and done mentions left out, as in the sidebar)."""
    import io

    from core.export.report import Report
    from core.export.stream import write_export

    db = tmp_path / "r.db"
    async with await Store.open(db):
        pass
    insert(db, [M(title=f"row {i}", sentiment_label=("negative", "neutral")[i % 2],
                  category=(None, "question", "idea")[i % 3], status=("new", "done")[i % 4 == 0],
                  matched=("brand:A", "competitor:G")[i % 2]) for i in range(9)])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET owned = 1 WHERE title = 'row 1'")
        members = {b.key: {t for (t,) in con.execute(
            f"SELECT title FROM mentions m WHERE {BUCKET_PREDICATES[b.key]}")} for b in BUCKETS}
    async with await Store.open(db) as store:
        out = io.StringIO()
        await write_export(store, Report(generated_at=0, mentions=[], sources=[]), "md", out)
    sections = {part.split("\n", 1)[0]: part for part in out.getvalue().split("## ")[1:]}
    for key, label in (("needs_reply", "Needs reply"), ("questions", "Questions"),
                       ("ideas", "Ideas"), ("competitors", "Competitors")):
        listed = {f"row {n}" for n in range(9) if f": row {n}" in sections.get(label, "")}
        assert listed == members[key], key
    assert "row 1" not in out.getvalue().split("## Needs reply")[1]
