"""Human wording in the inbox: one toast at a time above the status line, plain-English
history, plurals, one name for an unknown author, and one entry per person in assign."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast

from core.config import Config, TeamConfig, TeamMember
from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import M, insert
from tests.tui.screen_text import screen_text
from tui.app import ListenpostApp
from tui.widgets.status_line import StatusLine

SIZE = (120, 30)


async def settle(app: ListenpostApp) -> None:
    await app.workers.wait_for_complete()


async def test_one_toast_at_a_time_above_the_status_line(make_app: AppFactory) -> None:
    """It should replace a toast with the next one and never draw it over the status line."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("asterisk", "asterisk", "e")
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1
        status = app.screen.query_one(StatusLine).region
        assert not toasts[0].region.overlaps(status)
        assert "Done: 1 mention. u undoes." in screen_text(app)


async def test_undo_and_done_speak_in_plurals(make_app: AppFactory) -> None:
    """It should say "1 mention", not "1 mentions", after an action and its undo."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("x", "e")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        shown = screen_text(app)
        assert "Undid done on 1 mention." in shown
        assert "1 mentions" not in shown


async def test_history_reads_as_sentences(make_app: AppFactory) -> None:
    """It should show snooze, assign, category and star in words, not column=value."""
    config = Config(team=TeamConfig(members=(TeamMember("Ana Lund", "ana"),
                                             TeamMember("Bo Berg", "bo")), me="ana"))
    app = make_app(config)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("asterisk", "A", "c", "3")
        await pilot.press("s", *"2h", "enter")
        await pilot.pause()
        await pilot.press("9", "0", "G")  # the snoozed mention sits in All, at the end
        for _ in range(20):
            await pilot.press("k", *"J" * 12)  # the history is at the end of the detail pane
            await settle(app)
            if "snoozed it until" in screen_text(app):
                break
        shown = screen_text(app)
        for words in ("starred it", "assigned it to ana", "set the category to idea",
                      "snoozed it until 2024-06-01 03:00"):
            assert words in shown
        for internal in ("snoozed_until=", "assignee=", "starred=", "None"):
            assert internal not in shown


async def test_unknown_author_has_one_name(make_app: AppFactory, db: Path) -> None:
    """It should call a mention without an author "unknown author" in the list and detail."""
    insert(db, [M(title="Anonymous tip", author="", priority=100.0)])
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await settle(app)
        await pilot.pause()
        shown = screen_text(app)
        assert "From: unknown author on blog" in shown
        row = next(line for line in shown.splitlines() if "Anonymous tip" in line)
        assert "unknown auth" in row


async def test_assign_lists_me_once(make_app: AppFactory) -> None:
    """It should list the person running the inbox once, by name, marked (me)."""
    config = Config(team=TeamConfig(members=(TeamMember("Ana Lund", "ana"),
                                             TeamMember("Bo Berg", "bo")), me="ana"))
    app = make_app(config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        shown = screen_text(app)
        assert "1  Ana Lund (me)" in shown and "2  Bo Berg" in shown
        assert "me (ana)" not in shown and shown.count("Ana Lund") == 1
