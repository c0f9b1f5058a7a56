"""Pilot: the inbox's search and filter prompts read the listening-query language and the
filter value rules, and say in the prompt what they cannot read."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.conftest import AppFactory
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen

SIZE = (100, 30)


def shown_rows(app: ListenpostApp) -> list[tuple[str, str]]:
    assert app.inbox_screen is not None
    return [(r.title, r.source) for r in app.inbox_screen.mentions.rows]


def prompt_error(app: ListenpostApp) -> str:
    return str(app.screen.query_one("#prompt-error", Static).render())


async def test_search_takes_or_and_exclusions(make_app: AppFactory) -> None:
    """It should search with OR and -exclusions as listening queries do."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *'("mention 05" OR "mention 07" OR "mention 09") -07', "enter")
        await pilot.pause()
        assert sorted(t for t, _ in shown_rows(app)) == ["Mention 05", "Mention 09"]


async def test_a_broken_search_says_what_search_takes(make_app: AppFactory) -> None:
    """It should keep the prompt open and say what is wrong and what search accepts."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"mention OR", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, InboxScreen)
        assert "OR needs a term after it" in prompt_error(app)
        assert "search takes words" in prompt_error(app)


async def test_filter_takes_a_prefix_of_a_source_in_any_case(make_app: AppFactory) -> None:
    """It should narrow to the one source a prefix names, whatever its case."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"source:RED", "enter")
        await pilot.pause()
        assert {s for _, s in shown_rows(app)} == {"reddit"}


async def test_filter_refuses_an_unknown_language_listing_the_known(make_app: AppFactory) -> None:
    """It should refuse lang:klingon in the prompt, naming the languages it knows."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"lang:klingon", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, InboxScreen)
        assert "no language matches 'klingon'; languages: da, de, en, es" in prompt_error(app)
