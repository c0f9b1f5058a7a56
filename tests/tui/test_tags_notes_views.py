"""Pilot tests: tag rules in the prompt, tag removal, note editing, Mine and oldest-first."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.tui.conftest import AppFactory, Posted, until
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen
from tui.screens.prompts import ChoiceScreen, PromptScreen

SIZE = (100, 30)


def inbox(app: ListenpostApp) -> InboxScreen:
    assert app.inbox_screen is not None
    return app.inbox_screen


def detail_text(app: ListenpostApp) -> str:
    return str(inbox(app).query_one("#detail-body", Static).content)



async def test_a_bad_tag_is_refused_in_the_prompt_then_removed_and_undone(
        make_app: AppFactory, posted: Posted) -> None:
    """It should say why a tag is refused, add a good one, remove it with T, undo with u."""
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("t", *"two words", "enter")
        assert isinstance(app.screen, PromptScreen)
        error = str(app.screen.query_one("#prompt-error", Static).content)
        assert "a space is not allowed" in error
        await pilot.press(*["backspace"] * 9, *"vip", "enter")
        await until(pilot, lambda: "vip" in detail_text(app).split("History")[0])
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")
        await until(pilot, lambda: any("Tag removed: 1 mention" in n for n in posted.notices()))
        assert "vip" not in detail_text(app).split("History")[0]
        await pilot.press("u")
        await until(pilot, lambda: "vip" in detail_text(app).split("History")[0])


async def test_T_on_an_untagged_mention_says_so(make_app: AppFactory, posted: Posted) -> None:
    """It should tell, not open an empty list, when there is no tag to remove."""
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await until(pilot, lambda: "This mention has no tags; t adds one." in posted.notices())
        assert isinstance(app.screen, InboxScreen)


async def test_a_note_is_edited_in_place_and_the_edit_undone(make_app: AppFactory,
                                                              posted: Posted) -> None:
    """It should open the note's text for editing with E, save it, and undo it with u."""
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("n", *"call back tomorow", "enter")
        await until(pilot, lambda: "call back tomorow" in detail_text(app))
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("left", "left", "r", "enter")  # the cursor starts at the end
        await until(pilot, lambda: "call back tomorrow" in detail_text(app))
        assert "Note edited. u undoes." in posted.notices()
        await pilot.press("u")
        await until(pilot, lambda: "call back tomorow" in detail_text(app))


async def test_mine_lists_what_I_take_and_O_reaches_oldest_first(make_app: AppFactory,
                                                                  db: Path) -> None:
    """It should show a mention taken with A in Mine, and order oldest first after two O."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "A")
        await until(pilot, lambda: inbox(app).mentions.current is not None)
        await pilot.press("0", *["right_square_bracket"] * 3)  # past Drafts and Awaiting approval
        await until(pilot, lambda: inbox(app).mentions.view.key == "mine")
        listing = inbox(app).mentions
        assert [r.title for r in listing.rows] == ["Mention 01"]
        assert str(listing.border_title).startswith("Mine · 1")
        await pilot.press("1", "O", "O")
        await until(pilot, lambda: "oldest first" in str(listing.border_title))
        assert listing.rows[0].title == "Mention 11"


async def test_snoozed_rows_show_when_they_wake(make_app: AppFactory) -> None:
    """It should show each row's wake-up time in the Snoozed view."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", *"2h", "enter")  # the clock is 01:00 UTC: wakes at 03:00
        await pilot.press("8")
        await until(pilot, lambda: inbox(app).mentions.view.key == "snoozed")
        listing = inbox(app).mentions
        await until(pilot, lambda: len(listing.rows) == 1)
        line = "".join(segment.text for segment in listing.render_line(0))
        assert "wakes 03:00" in line and "Mention 00" in line
