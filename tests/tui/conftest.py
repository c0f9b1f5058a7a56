"""Fixtures for the inbox's Pilot tests: a fixed database, a fixed clock, an app factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import TypeVar

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

from core.config import Config
from tests.tui.inbox_db import T0, M, create_db, insert
from tui.app import ListenpostApp, PollRunner


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def fixed_rows() -> list[M]:
    """Twelve mentions with known order: priority first, then time (row 0 is first)."""
    rows = []
    for i in range(12):
        rows.append(M(title=f"Mention {i:02d}", text=f"Body of mention {i:02d}.",
                      author=f"author{i % 4}", source=("blog", "hn", "reddit")[i % 3],
                      sort_at=T0 - i * 600, priority=float(12 - i),
                      sentiment_label=("negative", "neutral", "positive")[i % 3],
                      sentiment_drivers="broken" if i % 3 == 0 else "",
                      category=("question", None, "idea", "complaint")[i % 4],
                      matched="brand:Acme" if i % 2 else "brand:Acme\ncompetitor:Globex",
                      url=f"https://example.com/{i}"))
    return rows


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    await create_db(path)
    insert(path, fixed_rows())
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock(T0 + 3600)


AppFactory = Callable[..., ListenpostApp]
MessageT = TypeVar("MessageT", bound=Message)


@pytest.fixture
def make_app(db: Path, clock: Clock) -> AppFactory:
    def make(config: Config | None = None, poll_runner: PollRunner | None = None,
             **kwargs: object) -> ListenpostApp:
        return ListenpostApp(db, config or Config(), poll_runner=poll_runner, clock=clock,
                             tz=UTC, **kwargs)  # type: ignore[arg-type]
    return make


class Posted:
    """Every message the app processes, for ``run_test(message_hook=...)``: tests assert on
    what was posted (notifications included) instead of on private state."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type[MessageT]) -> list[MessageT]:
        """The posted messages of one kind, in order."""
        return [m for m in self.messages if isinstance(m, kind)]

    def notices(self) -> list[str]:
        """The text of every notification (toast) shown so far."""
        return [str(m.notification.message) for m in self.of(Notify)]


@pytest.fixture
def posted() -> Posted:
    return Posted()


async def until(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 400) -> None:
    """Wait for ``condition`` in a bounded loop: a failure is reported, never a hang."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")
