"""Pilot: the inbox's search and filter prompts read the listening-query language and the
filter value rules, and say in the prompt what they cannot read."""

from __future__ import annotations

import pytest
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


async def test_filter_takes_a_prefix_of_a_source_in_any_case(make_app: AppFactory) -> None:
    """It should narrow to the one source a prefix names, whatever its case."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"source:RED", "enter")
        await pilot.pause()
        assert {s for _, s in shown_rows(app)} == {"reddit"}


@pytest.mark.parametrize("key,text,problem", [
    ("slash", "mention OR", "OR needs a term after it (at character 9); search takes words"),
    ("slash", "-mention", "this query only excludes"),
    ("f", "lang:klingon", "no language matches 'klingon'; languages: da, de, en, es"),
    ("f", 'source:"hn', "the quote after source: is never closed"),
])
async def test_a_prompt_refuses_what_it_cannot_read_saying_why(
    make_app: AppFactory, key: str, text: str, problem: str
) -> None:
    """It should keep the search or filter prompt open and say what is wrong and what works."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key, *text, "enter")
        await pilot.pause()
        assert not isinstance(app.screen, InboxScreen)
        assert problem in prompt_error(app)
