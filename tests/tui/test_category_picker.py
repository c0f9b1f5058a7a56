"""Pilot test: the inbox's category picker lists the categories defined in core, in order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import OptionList

from core.analysis.categories import CATEGORIES
from tests.tui.conftest import AppFactory

SIZE = (100, 30)


async def test_picker_lists_every_category_and_sets_its_id(make_app: AppFactory, db: Path) -> None:
    """It should offer each defined category by its label and store the chosen one's id."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        expected = [f"{i}  {c.english}" for i, c in enumerate(CATEGORIES, 1)]
        assert shown[: len(CATEGORIES)] == expected
        await pilot.press("5")  # the fifth category: new use
        await pilot.pause()
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT category FROM mentions WHERE title = 'Mention 00'").fetchone()
    assert stored == (CATEGORIES[4].id,)
