"""The detail pane and the reader scroll from the keyboard; q and Esc close the reader."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import M, insert
from tests.tui.screen_text import screen_text
from tui.app import ListenpostApp
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen

SIZE = (100, 30)
LONG = "\n\n".join(f"Paragraph {n:02d} of a long post about the grinder." for n in range(1, 60))


def screen(app: ListenpostApp) -> InboxScreen:
    assert app.inbox_screen is not None
    return app.inbox_screen


async def open_long(make_app: AppFactory, db: Path) -> ListenpostApp:
    insert(db, [M(title="A long post", text=LONG, priority=100.0)])
    return make_app()


async def test_detail_pane_scrolls_to_the_last_paragraph(make_app: AppFactory,
                                                         db: Path) -> None:
    """It should scroll the detail pane with J and K while the list keeps its cursor."""
    app = await open_long(make_app, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Paragraph 01" in screen_text(app)
        assert "Paragraph 59" not in screen_text(app)
        for _ in range(40):
            if "Paragraph 59" in screen_text(app):
                break
            await pilot.press("J")
        assert "Paragraph 59" in screen_text(app)
        assert screen(app).mentions.current is not None
        assert screen(app).mentions.current.title == "A long post"
        await pilot.press("K")
        assert "Paragraph 59" not in screen_text(app)


async def test_reader_pages_through_the_text_not_the_list(make_app: AppFactory,
                                                          db: Path) -> None:
    """It should scroll the reader with Space and PgDn and stay on the same mention."""
    app = await open_long(make_app, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(20):
            if "Paragraph 59" in screen_text(app):
                break
            await pilot.press("space")
        assert "Paragraph 59" in screen_text(app)
        await pilot.press("pageup", "g")
        assert "Paragraph 01" in screen_text(app)
        await pilot.press("G")
        assert "Paragraph 59" in screen_text(app)
        await pilot.press("pagedown", "j")
        assert screen(app).mentions.current is not None
        assert screen(app).mentions.current.title == "A long post"


async def test_q_and_escape_close_the_reader_not_the_app(make_app: AppFactory,
                                                         db: Path) -> None:
    """It should close the reader with q or Esc and quit only with q outside it."""
    app = await open_long(make_app, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "q")
        assert screen(app).reading is False
        assert app.is_running
        await pilot.press("enter", "escape")
        assert screen(app).reading is False
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_help_names_the_scroll_keys(make_app: AppFactory) -> None:
    """It should list the detail and reader scroll keys in help (F1)."""
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert "J shift+down" in text and "Scroll the detail pane down" in text
        assert "Space PgDn" in text and "Close the reader" in text
