"""Hostile strings (the Big List of Naughty Strings) in the inbox show as text; nothing runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.model import Mention
from core.store import Store
from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import T0
from tui.widgets.cells import one_line
from tui.widgets.detail import DetailPane
from tui.widgets.mention_list import MentionList

pytestmark = pytest.mark.corpus

MARKUP = ["[@click=app.quit]quit[/]", "[bold]x[/]", "[link=file:///etc/passwd]y[/link]",
          "[on red]z", "$accent [b]"]


def naughty(corpora: Path) -> list[str]:
    lines = (corpora / "malicious-inputs" / "blns" / "blns.txt").read_text(
        encoding="utf-8", errors="surrogateescape").splitlines()
    return [s for s in lines if s.strip() and not s.startswith("#")] + MARKUP


async def fill(db: Path, strings: list[str]) -> None:
    """Each string as a title, body, author name and URL, through the store's ingest."""
    async with await Store.open(db) as store:
        with sqlite3.connect(db) as con:
            source_id = con.execute("SELECT id FROM sources WHERE name = 'blog'").fetchone()[0]
        mentions = [Mention("feed", title=s, text=f"{s}\n{s}", author=s, url=s,
                            key=f"blns-{i}", published_at=T0 - i, priority=50.0)
                    for i, s in enumerate(strings)]
        result = await store.ingest(source_id, mentions, now=T0)
        assert result.new + len(result.skipped) == len(strings)


async def test_naughty_strings_render_as_text_and_run_nothing(
        make_app: AppFactory, db: Path, corpora: Path) -> None:
    """It should page through every hostile mention, showing text, running no action."""
    strings = naughty(corpora)
    await fill(db, strings)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(MentionList)
        seen: set[int] = set()
        for _ in range(len(strings) // listing.size.height + 2):
            for y, row in enumerate(listing.rows):
                line = listing.render_line(y).text
                assert one_line(row.title)[:12] in line
                seen.add(row.id)
            await pilot.press("pagedown")
        assert len(seen) >= len(strings) - 5  # rows ingest refused are reported, not shown
        assert app.is_running and app.return_code is None
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM actions").fetchone()[0] == 0


async def test_markup_in_a_mention_stays_characters(make_app: AppFactory, db: Path) -> None:
    """It should show [@click=app.quit] literally in list and detail, and a click quits nothing."""
    await fill(db, MARKUP)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        listing = app.screen.query_one(MentionList)
        assert "[@click=app.quit]quit[/]" in listing.render_line(0).text
        detail = app.screen.query_one(DetailPane)
        await pilot.pause(0.2)
        body = str(detail.query_one("#detail-body").render())
        assert "[@click=app.quit]quit[/]" in body
        await pilot.click(MentionList, offset=(60, 0))
        await pilot.click(DetailPane, offset=(5, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
