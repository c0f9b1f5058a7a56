"""Kaushik's rates per 1,000 followers: hand-computed means, "—" where the platform gives no
followers, and the real command line's ``--per-followers`` switching the Markdown table."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from core.exitcodes import ExitCode
from core.metrics.rates import rates_per_followers
from core.model import Engagement
from tests.test_cli_e2e import listenpost
from tests.tui.inbox_db import T0, create_db

NOW = T0 + 10 * 3600  # 1 June 2024 10:00 UTC
ENV = {"SOURCE_DATE_EPOCH": str(NOW), "TZ": "UTC"}


def test_each_post_is_divided_by_its_accounts_followers_then_averaged() -> None:
    """It should average count x 1,000 / followers over the posts whose followers are known,
    each count over the posts that report it, and still count every post."""
    got = rates_per_followers([
        (Engagement(2, 1, 10), 1000),   # 2, 1, 10 per 1,000
        (Engagement(3, None, 20), 2000),  # 1.5, unknown, 10 per 1,000
        (Engagement(5, 5, 5), None),    # followers unknown: left out
        (Engagement(9, 9, 9), 0),       # no followers: no rate, not a division by zero
    ])
    assert (got.posts, got.conversation, got.amplification, got.applause) == (4, 1.75, 1.0, 10.0)


def test_no_known_followers_leaves_every_rate_unknown() -> None:
    """It should give None (shown as "—"), not zero, where no account's followers are known."""
    got = rates_per_followers([(Engagement(4, 2, 7), None)])
    assert (got.posts, got.conversation, got.amplification, got.applause) == (1, None, None,
                                                                               None)
    assert rates_per_followers([]).posts == 0


def owned(db: Path) -> None:
    """A Mastodon account with 500 followers and a Bluesky one whose followers are unknown,
    one post each today."""
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO sources(id, name, kind, url, owned) VALUES"
                    " (60, 'ours', 'mastodon', 'https://social.example/@acme', 1)")
        con.executemany("INSERT INTO authors(id, platform, handle, followers, first_seen,"
                        " last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                        [(600, "mastodon", "acme", 500, T0, T0),
                         (601, "bluesky", "acme.bsky.social", None, T0, T0)])
        con.executemany(
            "INSERT INTO mentions(key, source_id, platform, published_at, fetched_at, sort_at,"
            " owned, replies, reshares, likes, author_id) VALUES (?, 60, ?, ?, ?, ?, 1, ?, ?, ?,"
            " ?)", [("m1", "mastodon", T0 + 3600, T0 + 3600, T0 + 3600, 3, 1, 20, 600),
                    ("b1", "bluesky", T0 + 3600, T0 + 3600, T0 + 3600, 2, 2, 2, 601)])


def test_per_followers_flag_switches_the_markdown_table(tmp_path: Path) -> None:
    """It should print the rates per 1,000 followers with --per-followers: 6, 2 and 40 for
    the Mastodon post (3, 1, 20 over 500), "—" for Bluesky; per post without the flag."""
    config, db = tmp_path / "config.toml", tmp_path / "listen.db"
    config.write_text('[brand]\nname = "Acme"\nqueries = ["acme"]\n', encoding="utf-8")
    asyncio.run(create_db(db))
    owned(db)
    base = ("--config", str(config), "--db", str(db), "--no-poll", "--export")
    done = listenpost(*base, str(tmp_path / "per.md"), "--per-followers", env=ENV)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "per.md").read_text(encoding="utf-8")
    assert "Owned posts (Kaushik), per post per 1,000 followers" in text
    assert "| mastodon | 1 (0) | 6.00 (—) | 2.00 (—) | 40.00 (—) |" in text
    assert "| bluesky | 1 (0) | — (—) | — (—) | — (—) |" in text
    assert listenpost(*base, str(tmp_path / "post.md"), env=ENV).returncode == 0
    plain = (tmp_path / "post.md").read_text(encoding="utf-8")
    assert "Owned posts (Kaushik), per post; previous" in plain
    assert "| mastodon | 1 (0) | 3.00 (—) | 1.00 (—) | 20.00 (—) |" in plain


def test_per_followers_without_export_is_a_usage_error(tmp_path: Path) -> None:
    """It should refuse --per-followers on its own with exit 2, saying what it goes with."""
    done = listenpost("--db", str(tmp_path / "x.db"), "--per-followers", env=ENV)
    assert done.returncode == ExitCode.USAGE
    assert "--per-followers goes with --export" in done.stderr
