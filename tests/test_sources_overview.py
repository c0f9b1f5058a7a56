"""core.inbox.sources on a real SQLite file: each source's state, last error and last poll."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.inbox.sources import NOT_POLLED, OVERVIEW_QUERY, SILENT, calm_health
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox

LONG_ERROR = "HTTP 500 from https://forum.example/feed.xml: " + "the server said no. " * 20


def poll(con: sqlite3.Connection, source: str, at: int, status: str, message: str = "",
         new: int = 0, duplicates: int = 0) -> None:
    con.execute("INSERT INTO polls(source_id, started_at, duration_ms, status, message, new,"
                " duplicates) VALUES ((SELECT id FROM sources WHERE name = ?), ?, 120, ?, ?, ?,"
                " ?)", (source, at, status, message, new, duplicates))


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "sources.db"
    await create_db(path)
    insert(path, [M(source=name) for name in ("blog", "forum", "quiet", "slow", "fresh")])
    with sqlite3.connect(path) as con:
        state = ("UPDATE sources SET last_status = ?, last_polled_at = ?, last_ok_at = ?,"
                 " error_count = ?, next_poll_at = ?, throttled_until = ?, last_message = ?"
                 " WHERE name = ?")
        con.execute(state, ("ok", T0, T0, 0, T0 + 300, None, "", "blog"))
        con.execute(state, ("error", T0, T0 - 3600, 3, T0 + 1200, None, LONG_ERROR, "forum"))
        con.execute(state, ("not_modified", T0, T0 - 2 * 86400, 0, T0 + 300, None, "", "quiet"))
        con.execute(state, ("throttled", T0, T0 - 60, 1, T0 + 900, T0 + 900, "429", "slow"))
        poll(con, "blog", T0 - 600, "error", "timed out")
        poll(con, "blog", T0, "ok", new=4, duplicates=6)
        poll(con, "forum", T0 - 600, "error", "first failure")
        poll(con, "forum", T0, "error", LONG_ERROR)
    return path


async def test_every_source_has_its_state_last_error_and_last_poll(db: Path) -> None:
    """It should give each source its state in a word, its last error in full and its backoff."""
    async with open_inbox(db) as inbox:
        overview = {s.name: s for s in await inbox.sources_overview(now=T0 + 60)}
    assert {n: s.status for n, s in overview.items()} == {
        "blog": "ok", "forum": "error", "quiet": SILENT, "slow": "throttled", "fresh": NOT_POLLED}
    blog, forum = overview["blog"], overview["forum"]
    assert blog.last_poll is not None and (blog.last_poll.new, blog.last_poll.seen) == (4, 10)
    assert blog.last_error is not None and blog.last_error.message == "timed out"
    assert blog.backoff is None and blog.error_count == 0
    assert forum.last_error is not None and forum.last_error.message == LONG_ERROR
    assert (forum.error_count, forum.backoff) == (3, 1200)
    assert forum.failing and overview["slow"].failing and not blog.failing
    assert overview["fresh"].last_poll is None and overview["fresh"].next_poll_at is None


async def test_removed_sources_are_not_listed(db: Path) -> None:
    """It should list only the sources the config still has."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE sources SET active = 0 WHERE name = 'quiet'")
    async with open_inbox(db) as inbox:
        names = [s.name for s in await inbox.sources_overview(now=T0)]
    assert names == ["blog", "forum", "fresh", "slow"]


async def test_calm_health_never_says_ok_before_a_poll(tmp_path: Path) -> None:
    """It should say "no sources", then "not polled yet", and "sources ok" only after a poll."""
    path = tmp_path / "empty.db"
    await create_db(path)
    async with open_inbox(path) as inbox:
        assert calm_health(await inbox.sources_overview(now=T0)) == "no sources"
        insert(path, [M(source="blog")])
        assert calm_health(await inbox.sources_overview(now=T0)) == "sources not polled yet"
        with sqlite3.connect(path) as con:
            con.execute("UPDATE sources SET last_status = 'ok', last_polled_at = ?,"
                        " last_ok_at = ?", (T0, T0))
        assert calm_health(await inbox.sources_overview(now=T0)) == "sources ok"


async def test_the_last_failure_is_found_through_its_index(db: Path) -> None:
    """It should find each source's last failed poll through polls_failed, not every poll."""
    with sqlite3.connect(db) as con:
        plan = " / ".join(str(r[3]) for r in con.execute(f"EXPLAIN QUERY PLAN {OVERVIEW_QUERY}"))
    assert "polls_failed" in plan, plan


async def test_health_names_failing_sources_the_config_still_has(db: Path) -> None:
    """It should name failing, throttled and silent sources, but not one the config dropped."""
    async with open_inbox(db) as inbox:
        before = [(h.name, h.state) for h in await inbox.health(now=T0 + 60)]
        with sqlite3.connect(db) as con:
            con.execute("UPDATE sources SET active = 0 WHERE name = 'forum'")
        after = [(h.name, h.state) for h in await inbox.health(now=T0 + 60)]
    assert before == [("forum", "failing"), ("quiet", "silent"), ("slow", "throttled")]
    assert after == [("quiet", "silent"), ("slow", "throttled")]
