"""bench/bench_bytes.py on a small real store: every part that grows with mentions is named."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bench.bench_bytes import breakdown, column_lengths
from bench.scale import _fill


def test_the_breakdown_names_each_part_and_adds_up_to_no_more_than_the_file(
    tmp_path: Path,
) -> None:
    """It should list the table, the FTS index and every mentions index, per mention."""
    db = tmp_path / "bytes.db"
    asyncio.run(_fill(db, 0, 300))
    count, rows = breakdown(db)
    parts = dict(rows)
    with sqlite3.connect(db) as con:
        indexes = {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mentions'")}
        pages = con.execute("PRAGMA page_count").fetchone()[0] * \
            con.execute("PRAGMA page_size").fetchone()[0]
    assert count == 300
    assert indexes <= parts.keys()
    assert parts["mentions (table)"] > 0 and parts["mentions_fts (all shadow tables)"] > 0
    assert 0 < round(parts["the whole file"] * count) <= pages  # free pages are not in dbstat
    lengths = dict(column_lengths(db))
    assert lengths["text"] > lengths["status"] > 0
