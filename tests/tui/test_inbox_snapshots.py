"""Snapshots of the inbox at 80x24 and 160x50 on fixed data, a fixed clock and UTC."""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot

from core.config import Config
from tests.tui.conftest import Clock, fixed_rows
from tests.tui.inbox_db import T0, create_db, insert
from tui.app import ListenpostApp


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ListenpostApp:
    # A relative path, so the status line shows the same "inbox.db" on every run.
    monkeypatch.chdir(tmp_path)
    asyncio.run(create_db(Path("inbox.db")))
    insert(Path("inbox.db"), fixed_rows())
    return ListenpostApp(Path("inbox.db"), Config(), clock=Clock(T0 + 3600), tz=UTC)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_inbox_snapshot(snap_compare: object, app: ListenpostApp, size: tuple[int, int]) -> None:
    """It should draw sidebar, list, detail and status the same way on fixed data."""
    assert snap_compare(app, terminal_size=size, run_before=settle)  # type: ignore[operator]


def test_inbox_snapshot_light_theme_with_selection(snap_compare: object,
                                                   app: ListenpostApp) -> None:
    """It should stay readable in the light theme with a selection and a starred mention."""
    async def before(pilot: Pilot[None]) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("x", "asterisk", "j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=before)  # type: ignore[operator]
