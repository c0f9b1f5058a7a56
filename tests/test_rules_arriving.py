"""The config's [[rules]] run by themselves on mentions as they arrive: a real poll of a
loopback feed by a real process, past mentions left alone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.tui.inbox_db import M, create_db, insert

ROOT = Path(__file__).resolve().parents[1]
FEED = rss([
    FeedItem("Northwind refund still missing", "Where is my Northwind refund?", "r1",
             link="https://blog.example/r1"),
    FeedItem("Northwind beans", "Lovely Northwind beans today.", "r2",
             link="https://blog.example/r2"),
])
RULES = '''
[[rules]]
name = "refunds"
query = "refund"
tags = ["refund"]
assignee = "ana"
'''


async def test_rules_apply_to_new_mentions_only(tmp_path: Path, loopback: LoopbackServer) -> None:
    """It should apply the rules to what a poll stores, and leave what was stored before."""
    db = tmp_path / "a.db"
    await create_db(db)
    insert(db, [M(title="An old refund story", text="refund", source="elsewhere")])
    url = loopback.route("/feed.xml", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n'
                      "[network]\nallow_private_addresses = true\n\n"
                      f'[[sources]]\nkind = "feed"\nname = "blog"\nurl = "{url}"\n' + RULES,
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--config", str(config), "--db",
                             str(db), "--poll-once"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT title, assignee FROM mentions ORDER BY id").fetchall()
        tags = con.execute("SELECT m.title FROM tags JOIN mentions m ON m.id = mention_id"
                           ).fetchall()
        stats = con.execute("SELECT name, hits FROM rule_stats").fetchall()
    assert rows == [("An old refund story", None), ("Northwind refund still missing", "ana"),
                    ("Northwind beans", None)]
    assert tags == [("Northwind refund still missing",)]
    assert stats == [("refunds", 1)]
