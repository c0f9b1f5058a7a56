"""Pilot tests: the inbox's Teams group, one view per team the routing names, listing the new
mentions of the categories routed to it, as that team's digest does."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import M, insert
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen
from tui.widgets.sidebar import Sidebar

SIZE = (120, 40)
PAUSES = 50  # a bounded wait for the list to show the chosen view
ROUTING = {"idea": "product", "question": "care", "complaint": "care", "new_use": "care"}


def inbox(app: ListenpostApp) -> InboxScreen:
    assert app.inbox_screen is not None
    return app.inbox_screen


def sidebar_lines(app: ListenpostApp) -> list[str]:
    """The sidebar's rows as drawn, headings included."""
    sidebar = inbox(app).query_one(Sidebar)
    return [str(sidebar.get_option_at_index(i).prompt).rstrip()
            for i in range(sidebar.option_count)]


async def choose(app: ListenpostApp, pilot: object, label: str) -> list[str]:
    """Click the sidebar entry ``label`` and return the titles the list then shows."""
    sidebar = inbox(app).query_one(Sidebar)
    key = next(view.key for view in sidebar.views if view.label == label)
    sidebar.highlighted = sidebar.get_option_index(key)
    sidebar.action_select()
    for _ in range(PAUSES):
        if inbox(app).mentions.view.key == key:
            break
        await pilot.pause()  # type: ignore[attr-defined]
    return [row.title for row in inbox(app).mentions.rows]


async def test_a_team_entry_lists_exactly_the_mentions_routed_to_it(make_app: AppFactory,
                                                                   db: Path) -> None:
    """It should show a Teams heading, each team with its count, and list exactly the new
    idea mentions under the team [routing] gives ideas to."""
    insert(db, [M(title="Done idea", category="idea", status="done"),
                M(title="Our own idea", category="idea", priority=50.0)])
    app = make_app(Config(reserved={"routing": ROUTING}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = sidebar_lines(app)
        assert "Teams" in lines
        teams = lines[lines.index("Teams") + 1:]
        assert any(line.split()[0] == "product" and line.endswith(" 4") for line in teams)
        assert any(line.split()[0] == "care" for line in teams)
        titles = await choose(app, pilot, "product")
        assert sorted(titles) == ["Mention 02", "Mention 06", "Mention 10", "Our own idea"]
        assert inbox(app).mentions.border_title is not None
        assert str(inbox(app).mentions.border_title).startswith("product · 4")


async def test_a_team_owns_what_routing_gives_it_and_nothing_else(make_app: AppFactory,
                                                                 db: Path) -> None:
    """It should list questions and complaints under the team they are routed to, and
    leave uncategorised mentions out of every team."""
    app = make_app(Config(reserved={"routing": ROUTING}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = await choose(app, pilot, "care")
        questions_and_complaints = [f"Mention {i:02d}" for i in range(12) if i % 4 in (0, 3)]
        assert sorted(titles) == questions_and_complaints
        assert await choose(app, pilot, "support") == []  # it keeps tips, by default


async def test_team_views_are_in_the_palette(make_app: AppFactory, db: Path) -> None:
    """It should offer each team's view in the command palette, by its group and name."""
    app = make_app(Config(reserved={"routing": ROUTING}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [name for name, _, _ in inbox(app).palette_extras()]
        assert "View: product (Teams)" in names and "View: care (Teams)" in names
