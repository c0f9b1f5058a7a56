"""Live arrival: new mentions and other processes' writes show without moving the cursor."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from core.model import Mention, PollOutcome, PollStatus
from core.store import Store
from tests.tui.conftest import AppFactory, Posted
from tests.tui.inbox_db import T0, M, insert
from tui.messages import DatabaseChanged, PollFinished, ScreenRefreshed
from tui.widgets.mention_list import MentionList


async def test_arrivals_keep_the_cursor_and_selection(make_app: AppFactory, db: Path,
                                                       posted: Posted) -> None:
    """It should refresh list and counts when a poll round brings mentions, cursor kept."""
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("x", "j", "j")
        screen = app.inbox_screen
        assert screen is not None
        before = screen.mentions.current
        assert before is not None
        async with await Store.open(db) as store:
            ids = await store.sync_sources([])
            source_id = ids.get("blog") or 1
            arrived = [Mention("feed", title=f"Urgent {i}", key=f"urgent-{i}", priority=99.0,
                               published_at=T0 + 60) for i in range(3)]
            result = await store.ingest(source_id, arrived, now=T0 + 60)
            assert result.new == 3
        app.post_message(PollFinished([PollOutcome("blog", PollStatus.OK, new=3)]))
        await pilot.pause()
        await pilot.pause()
        after = screen.mentions.current
        assert after is not None and after.id == before.id
        assert len(screen.mentions.selected) == 1
        assert {r.title for r in screen.mentions.rows} >= {"Urgent 0", "Urgent 1", "Urgent 2"}
        assert any("3 new mentions from blog" in notice for notice in posted.notices())
        counts = await screen.inbox.counts(screen.views, now=T0)
        assert counts["new"] == 15


async def test_another_process_writes_show_within_seconds(make_app: AppFactory,
                                                          db: Path) -> None:
    """It should notice another connection's commit through data_version and refresh."""
    app = make_app(watch_interval=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: bool(pilot.app.screen.query_one(MentionList).rows))
        screen = app.inbox_screen
        assert screen is not None
        keep = screen.mentions.current
        with sqlite3.connect(db) as con:  # a teammate marks the first mention done
            con.execute("UPDATE mentions SET status = 'done' WHERE title = 'Mention 01'")
        insert(db, [M(title="From the poller", priority=50.0)])
        await _until(pilot, lambda: "From the poller" in [r.title for r in screen.mentions.rows])
        titles = [r.title for r in screen.mentions.rows]
        assert "Mention 01" not in titles and "From the poller" in titles
        assert screen.mentions.current is not None and keep is not None
        assert screen.mentions.current.id == keep.id


async def test_one_poll_round_is_one_refresh(make_app: AppFactory, db: Path,
                                             posted: Posted) -> None:
    """It should reread the screen once per poll round, though the round committed through
    another connection (the poller's), which moves data_version as another process would."""
    async def poll_once(due_only: bool = True) -> list[PollOutcome]:
        insert(db, [M(title="Polled in", priority=100.0)])  # a commit on another connection
        return [PollOutcome("blog", PollStatus.OK, new=1)]

    app = make_app(poll_runner=poll_once, poll_interval=3600, watch_interval=0.05)
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await _until(pilot, lambda: len(posted.of(ScreenRefreshed)) >= 1)
        insert(db, [M(title="A teammate's", priority=99.0)])  # the watcher must see this one
        await _until(pilot, lambda: len(posted.of(ScreenRefreshed)) >= 2)
        origins = [r.origin for r in posted.of(ScreenRefreshed)]
        assert origins == ["poll", "elsewhere"]
        assert len(posted.of(DatabaseChanged)) == 1
        titles = [r.title for r in pilot.app.screen.query_one(MentionList).rows]
        assert "Polled in" in titles and "A teammate's" in titles


async def _until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition`` holds (bounded: a minute, a hang guard only)."""
    for _ in range(3000):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")
