"""Pilot test: the detail pane says why the current mention has its category and priority."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import T0, M, insert
from tui.app import ListenpostApp
from tui.widgets.detail import DetailPane

SIZE = (120, 50)
PAUSES = 50  # a bounded wait for the detail pane to show the row the list put first


async def detail_text(app: ListenpostApp, pilot: object, needle: str) -> str:
    for _ in range(PAUSES):
        body = str(app.screen.query_one(DetailPane).query_one("#detail-body").render())
        if needle in body:
            return body
        await pilot.pause()  # type: ignore[attr-defined]
    return body


async def test_detail_pane_explains_category_and_priority(make_app: AppFactory,
                                                          db: Path) -> None:
    """It should show the category's cues and each priority part with its points."""
    insert(db, [M(title="Refund still missing", text="Still waiting for my refund. #help",
                  sentiment_label="negative", category="complaint", priority=99.0,
                  sort_at=T0 + 60)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        body = await detail_text(app, pilot, "Refund still missing")
        assert "Why\ncategory complaint: 'still waiting'" in body
        assert "priority 99, as it arrived:" in body
        assert "  needs a reply: a complaint: +60" in body
