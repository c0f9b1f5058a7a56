"""Pilot tests: every inbox key and action, on a real database with a fixed clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.config import Config, TeamConfig, TeamMember
from core.model import PollOutcome, PollStatus
from tests.tui.conftest import AppFactory, Clock, Posted
from tests.tui.inbox_db import M, insert
from tui.app import ListenpostApp
from tui.keys import DEFAULT_KEYS
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.widgets.mention_list import MentionList
from tui.widgets.sidebar import Sidebar

SIZE = (100, 30)


def screen(app: ListenpostApp) -> InboxScreen:
    assert app.inbox_screen is not None
    return app.inbox_screen


def current_title(app: ListenpostApp) -> str:
    row = screen(app).mentions.current
    return row.title if row else ""


def status_of(db: Path, title: str) -> tuple[str, int, int | None, str | None, str | None]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT status, starred, snoozed_until, assignee, category"
                           " FROM mentions WHERE title = ?", (title,)).fetchone()


async def test_movement_keys(make_app: AppFactory) -> None:
    """It should move with j/k, arrows, g/G and PageUp/PageDown over a windowed list."""
    app = make_app()
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        assert current_title(app) == "Mention 00"
        await pilot.press("j", "down", "j")
        assert current_title(app) == "Mention 03"
        await pilot.press("k", "up")
        assert current_title(app) == "Mention 01"
        await pilot.press("G")
        assert current_title(app) == "Mention 11"
        await pilot.press("g")
        assert current_title(app) == "Mention 00"
        await pilot.press("pagedown")
        listed = screen(app).mentions
        assert current_title(app) != "Mention 00" and len(listed.rows) <= listed.size.height
        await pilot.press("pageup")
        assert current_title(app) == "Mention 00"


async def test_done_and_back_to_new(make_app: AppFactory, db: Path) -> None:
    """It should mark done with e (the row leaves New) and bring it back with N."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert status_of(db, "Mention 00")[0] == "done"
        assert current_title(app) == "Mention 01"
        await pilot.press("9")  # Done view
        assert current_title(app) == "Mention 00"
        await pilot.press("N")
        assert status_of(db, "Mention 00")[0] == "new"


async def test_star_toggles(make_app: AppFactory, db: Path) -> None:
    """It should star with * and unstar with the same key."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("asterisk")
        assert status_of(db, "Mention 00")[1] == 1
        await pilot.press("asterisk")
        assert status_of(db, "Mention 00")[1] == 0


async def test_snooze_hides_until_the_clock_passes(make_app: AppFactory, db: Path,
                                                   clock: Clock) -> None:
    """It should snooze with s + free entry and show the mention again once the time passes."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.press(*"2h", "enter")
        await pilot.pause()
        assert status_of(db, "Mention 00")[2] == int(clock.now) + 7200
        assert current_title(app) == "Mention 01"
        clock.now += 7201
        await screen(app).refresh_all()
        await pilot.press("g")
        assert current_title(app) == "Mention 00"


async def test_snooze_refuses_bad_text_in_place(make_app: AppFactory, db: Path) -> None:
    """It should keep the prompt open with an error for text that is not a time."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", *"soonish", "enter")
        assert not isinstance(app.screen, InboxScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        assert status_of(db, "Mention 00")[2] is None


async def test_assign_take_category_tag_note(make_app: AppFactory, db: Path) -> None:
    """It should assign from the team list, take with A, set category, tag and note."""
    config = Config(team=TeamConfig(members=(TeamMember("ana", "ana"), TeamMember("bo", "bo")),
                                    me="ana"))
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "2")  # 1 is me, 2 is bo
        assert status_of(db, "Mention 00")[3] == "bo"
        await pilot.press("A")
        assert status_of(db, "Mention 00")[3] == "ana"
        await pilot.press("c", "3")  # question, complaint, idea…
        assert status_of(db, "Mention 00")[4] == "idea"
        await pilot.press("t", *"vip", "enter")
        await pilot.press("n", *"call them", "enter")
        await pilot.pause()
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT tag FROM tags").fetchall() == [("vip",)]
            assert con.execute("SELECT author, body FROM notes").fetchall() == [
                ("ana", "call them")]


async def test_undo_of_a_bulk_selection(make_app: AppFactory, db: Path) -> None:
    """It should act on every selected mention with one key and undo them together with u."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "x", "x")  # select moves down: three selected
        assert len(screen(app).mentions.selected) == 3
        await pilot.press("e")
        assert [status_of(db, f"Mention 0{i}")[0] for i in range(4)] == [
            "done", "done", "done", "new"]
        await pilot.press("u")
        assert [status_of(db, f"Mention 0{i}")[0] for i in range(3)] == ["new"] * 3


async def test_select_all_in_view_then_undo(make_app: AppFactory, db: Path) -> None:
    """It should apply an action to everything in the view with X and undo it whole."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "X", "e")  # Negative view: mentions 0, 3, 6, 9
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM mentions WHERE status = 'done'"
                               ).fetchone()[0] == 4
        await pilot.press("u")
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM mentions WHERE status = 'done'"
                               ).fetchone()[0] == 0


async def test_escape_clears_the_selection(make_app: AppFactory) -> None:
    """It should drop the selection with Escape."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "escape")
        assert not screen(app).mentions.selected


async def test_views_by_number_and_brackets(make_app: AppFactory) -> None:
    """It should switch views with 1-9, 0 and [ ]."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("4")
        assert screen(app).mentions.view.key == "questions"
        assert {r.category for r in screen(app).mentions.rows} == {"question"}
        await pilot.press("0")
        assert screen(app).mentions.view.key == "all"
        await pilot.press("right_square_bracket")
        assert screen(app).mentions.view.key == "drafts"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen(app).mentions.view.key == "mine"  # after All and the reply views
        await pilot.press("right_square_bracket")
        assert screen(app).mentions.view.key.startswith("team:")  # the Teams group
        await pilot.press(*["left_square_bracket"] * 5)
        assert screen(app).mentions.view.key == "done"


async def test_search_becomes_a_view_and_filter_narrows(make_app: AppFactory) -> None:
    """It should search with / into a view, filter with f, and clear with F."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"mention 05", "enter")
        await pilot.pause()
        assert screen(app).mentions.view.key == "search:mention 05"
        assert [r.title for r in screen(app).mentions.rows] == ["Mention 05"]
        await pilot.press("1", "f", *"source:hn", "enter")
        await pilot.pause()
        assert {r.source for r in screen(app).mentions.rows} == {"hn"}
        await pilot.press("F")
        assert {r.source for r in screen(app).mentions.rows} == {"blog", "hn", "reddit"}


async def test_broad_search_lists_newest_stored_first_with_a_capped_count(
        make_app: AppFactory, db: Path) -> None:
    """It should list a search newest stored first and show a capped total as "1,000+"."""
    insert(db, [M(title=f"Refund {i}", priority=float(i % 5)) for i in range(1100)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"refund", "enter")
        await pilot.pause()
        listing = screen(app).mentions
        assert [r.title for r in listing.rows[:2]] == ["Refund 1099", "Refund 1098"]
        assert "· 1,000+ · newest stored first" in str(listing.border_title)


async def test_order_toggle_puts_newest_first(make_app: AppFactory, db: Path) -> None:
    """It should switch between most-urgent-first and newest-first with O."""
    insert(db, [M(title="Fresh but calm", sort_at=int(1e10), priority=0.0)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_title(app) == "Mention 00"
        await pilot.press("O")
        assert current_title(app) == "Fresh but calm"


async def test_enter_reads_full_screen(make_app: AppFactory) -> None:
    """It should show the detail pane alone on Enter and go back on Enter."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert not app.screen.query_one(MentionList).display
        await pilot.press("enter")
        assert app.screen.query_one(MentionList).display


async def test_help_lists_every_key(make_app: AppFactory) -> None:
    """It should open help with F1 listing every binding id of every screen, and close it with
    Escape."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for key_id in DEFAULT_KEYS:
            assert f"[{key_id}]" in text
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_remapped_keys_from_config(make_app: AppFactory, db: Path,
                                         posted: Posted) -> None:
    """It should use [keys] from the config: done on d, and e no longer marks done."""
    app = make_app(Config(keys={"done": "d", "dnoe": "z"}))
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert status_of(db, "Mention 00")[0] == "new"
        await pilot.press("d")
        assert status_of(db, "Mention 00")[0] == "done"
        assert app.keys_in_use["done"] == "d"
        assert any("did you mean" in notice for notice in posted.notices())


async def test_poll_key_runs_the_injected_poller(make_app: AppFactory, db: Path,
                                                 posted: Posted) -> None:
    """It should poll due sources on start, every source on p, and tell what arrived."""
    calls: list[bool] = []

    async def poll_once(due_only: bool) -> list[PollOutcome]:
        calls.append(due_only)
        insert(db, [M(title="Arrived", priority=100.0)])
        return [PollOutcome("blog", PollStatus.OK, new=1)]

    app = make_app(poll_runner=poll_once, poll_interval=3600)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [True, False]
        assert any("1 new mention" in notice for notice in posted.notices())


async def test_palette_runs_an_inbox_action(make_app: AppFactory, db: Path) -> None:
    """It should mark done from the command palette."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Inbox: Mark done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert status_of(db, "Mention 00")[0] == "done"


async def test_saved_search_count_in_the_sidebar_says_when_it_is_capped(
        make_app: AppFactory, db: Path) -> None:
    """It should show a saved search that hits the count cap as "1k+" in the sidebar."""
    insert(db, [M(title=f"Refund {i}") for i in range(1100)])
    app = make_app(saved_searches=[("Refunds", "refund")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sidebar = screen(app).query_one(Sidebar)
        key = next(v.key for v in sidebar.views if v.label == "Refunds")
        prompt = str(sidebar.get_option(key).prompt)
        assert prompt.rstrip().endswith("1k+")
