"""Source health as the status line shows it: failing, throttled and silent sources."""

from __future__ import annotations

from pathlib import Path

from core.model import PollOutcome, PollStatus, SourceConfig
from core.store import Store
from tests.tui.inbox_db import T0, open_inbox


async def test_health_names_failing_throttled_and_silent_sources(tmp_path: Path) -> None:
    """It should tell a throttled source from a failing one, and spot one silent for a day."""
    db = tmp_path / "health.db"
    names = ("ok", "broken", "limited", "quiet")
    outcomes = {
        "ok": PollOutcome("ok", PollStatus.OK, started_at=T0),
        "broken": PollOutcome("broken", PollStatus.ERROR, "HTTP 500", started_at=T0),
        "limited": PollOutcome(
            "limited", PollStatus.THROTTLED, "HTTP 429", started_at=T0, retry_after=600
        ),
        "quiet": PollOutcome("quiet", PollStatus.OK, started_at=T0 - 3 * 86400),
    }
    async with await Store.open(db) as store:
        ids = await store.sync_sources(
            [SourceConfig(name=n, kind="feed", url=f"https://{n}.example/feed") for n in names]
        )
        for name, outcome in outcomes.items():
            await store.record_poll(ids[name], outcome, None, next_poll_at=T0 + 900)
    async with open_inbox(db) as inbox:
        health = {h.name: h for h in await inbox.health(now=T0)}
    assert health["broken"].state == "failing" and health["broken"].message == "HTTP 500"
    assert health["limited"].state == "throttled"
    assert health["quiet"].state == "silent"
    assert "ok" not in health
