"""Pilot tests of the influencers screen, the profile and lists from the inbox.

The database is filled through the real ingest (``tests.people_data``); assertions read what
the screen paints and the notifications it shows."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import Static

from core.config import Config
from tests.people_data import DAY, T0, mention, store_with
from tests.tui.conftest import Clock, Posted
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen
from tui.screens.influencers import InfluencersScreen
from tui.screens.profile import ProfileScreen, duration
from tui.widgets.people_table import PeopleTable

SIZE = (100, 30)


@pytest.fixture
async def people_db(tmp_path: Path) -> Path:
    """Ada (relevant, modest), Huge (big, rarely about us), Cy (a critic on reddit), and
    forty quiet people so the table has more rows than fit."""
    posts = [mention(f"a{i}", "ada", matched=("product:Kettle",), likes=2, followers=300,
                     compound=0.6, at=T0 - i * DAY, text=f"Kettle post {i}") for i in range(5)]
    posts += [mention(f"h{i}", "huge", matched=() if i else ("brand:Acme",), likes=500,
                      followers=2_000_000, at=T0 - i * DAY) for i in range(20)]
    posts += [mention(f"c{i}", "cy", "reddit", compound=-0.7, at=T0 - i * 3600,
                      text=f"Acme broke again {i}") for i in range(3)]
    posts += [mention(f"q{i}", f"quiet{i:02d}", at=T0 - 30 * DAY) for i in range(40)]
    path = tmp_path / "people.db"
    async with await store_with(path, posts):
        pass
    return path


def make(db: Path) -> ListenpostApp:
    return ListenpostApp(db, Config(), clock=Clock(T0 + 3600), tz=UTC)


def lines(app: ListenpostApp) -> list[str]:
    """The influencers table as painted, one string per line."""
    table = app.screen.query_one(PeopleTable)
    return ["".join(s.text for s in table.render_line(y)) for y in range(table.size.height)]


def text_of(app: ListenpostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_influencers(app: ListenpostApp, pilot: object) -> None:
    await pilot.press("i")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, InfluencersScreen)
    for _ in range(50):  # the stored scores are refreshed by a worker after the first paint
        if "Ada" in lines(app)[1]:
            return
        await pilot.pause()  # type: ignore[attr-defined]
    raise AssertionError(lines(app)[:3])


async def test_i_opens_people_ranked_relevance_first(people_db: Path) -> None:
    """It should list people by score, the relevant modest author above the huge one."""
    app = make(people_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_influencers(app, pilot)
        shown = lines(app)
        assert "score▼" in shown[0] and "eng/post" in shown[0] and "stance" in shown[0]
        assert "Ada" in shown[1] and "+ advocate" in shown[1]
        assert "Huge" in shown[2] and "500.0" in shown[2]
        assert "43 people" in text_of(app, "#people-title")
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_question_mark_explains_the_score(people_db: Path) -> None:
    """It should show each part's value, weight and points under ?, following the cursor."""
    app = make(people_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("question_mark")
        why = text_of(app, "#people-why")
        assert "Ada: 6" in why and "relevance     1.00 × 0.40 =  40.0" in why
        assert "300 followers" in why
        await pilot.press("j")
        assert "Huge:" in text_of(app, "#people-why")


async def test_sort_and_filter(people_db: Path) -> None:
    """It should sort by posts with o and narrow to critics with a filter line."""
    app = make(people_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("o")
        assert "posts▼" in lines(app)[0] and "Huge" in lines(app)[1]
        await pilot.press("f")
        await pilot.press(*"stance:critic", "enter")
        await pilot.pause()
        assert "Cy" in lines(app)[1] and lines(app)[2].strip() == ""
        assert "filter: stance:critic" in text_of(app, "#people-title")
        await pilot.press("f")
        await pilot.press(*" mood:x", "enter")
        assert "cannot read 'mood:x'" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("escape", "f", *"platform:myspace", "enter")
        assert "nobody was heard on 'myspace'; platforms: mastodon, reddit" in \
            str(app.screen.query_one("#prompt-error").render())
        await pilot.press("escape", "F")
        assert "43 people" in text_of(app, "#people-title")


async def test_table_is_windowed_and_pages(people_db: Path) -> None:
    """It should hold only a screenful of rows and page to the last person."""
    app = make(people_db)
    async with app.run_test(size=(100, 20)) as pilot:
        await open_influencers(app, pilot)
        table = app.screen.query_one(PeopleTable)
        assert len(table.rows) == table.size.height - 1 < 43
        await pilot.press("G")
        assert table.current is not None and table.current.name == "Quiet00"
        await pilot.press("g")
        assert table.current is not None and table.current.name == "Ada"
        await pilot.press("pagedown")
        assert table.current is not None and table.current.name != "Ada"


async def test_lists_from_influencers_and_inbox_and_the_list_view(people_db: Path,
                                                                  posted: Posted) -> None:
    """It should toggle lists with l on both screens, and show a list as an inbox view."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("l", "1")  # advocates
        await pilot.pause()
        assert "Added Ada to advocates. u undoes." in posted.notices()
        assert "advocates" in lines(app)[1]
        await pilot.press("escape")
        await pilot.pause()
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert "list:advocates" in [v.key for v in inbox.views]
        await inbox.action_show_view("list:advocates")
        await pilot.pause()
        assert {r.author for r in inbox.mentions.rows} == {"Ada"}
        assert "List: advocates · 5" in str(inbox.mentions.border_title)
        await inbox.action_show_view("all")
        while inbox.mentions.current and inbox.mentions.current.author != "Cy":
            await pilot.press("j")
        await pilot.press("l", "2")  # critics
        await pilot.pause()
        assert "Added Cy to critics. u undoes." in posted.notices()
        assert "list:critics" in [v.key for v in inbox.views]


async def test_profile_notes_mute_undo_and_history(people_db: Path, posted: Posted) -> None:
    """It should show a person's mentions, add a signed note, mute, and undo the mute."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("f")
        await pilot.press(*"platform:reddit", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        body = text_of(app, "#profile-text")
        assert "Cy" in body and "critic" in body and "Acme broke again 0" in body
        assert "reddit" in body and "what we did, our first response" in body
        assert "new                   –  Acme broke again 0" in body
        await pilot.press("n")
        await pilot.press(*"Wants a refund", "enter")
        await pilot.pause()
        me = app.me()
        assert f"{me}: Wants a refund" in text_of(app, "#profile-text")
        await pilot.press("m")
        await pilot.pause()
        assert "muted: their mentions skip New" in text_of(app, "#profile-text")
        await pilot.press("u")
        await pilot.pause()
        body = text_of(app, "#profile-text")
        assert "muted: their" not in body and "mute (undone)" in body
        assert "Undid mute." in posted.notices()
        await pilot.press("escape")
        assert isinstance(app.screen, InfluencersScreen)


async def test_merge_with_x_and_M(people_db: Path, posted: Posted) -> None:
    """It should merge the marked person into the highlighted one, one row fewer."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("M")
        assert "Mark a person with x first." in posted.notices()
        await pilot.press("j", "j", "x", "g", "M")
        await pilot.pause()
        assert "Merged into Ada. S on their profile splits them again." in posted.notices()
        assert "42 people" in text_of(app, "#people-title")
        merged = [line for line in lines(app) if "Ada" in line]
        assert len(merged) == 1 and "mastodon,reddit" in merged[0]
        assert not [line for line in lines(app) if " Cy " in line]


async def test_profile_tags_and_splits_a_merged_person(people_db: Path, posted: Posted) -> None:
    """It should tag a person with t and split a merged person with S."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("j", "j", "x", "g", "M")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("t")
        await pilot.press(*"press", "enter")
        await pilot.pause()
        body = text_of(app, "#profile-text")
        assert "tags: press" in body and "reddit" in body and "mastodon" in body
        await pilot.press("S")
        await pilot.pause()
        assert "Split off 1 identities." in posted.notices()
        assert "reddit" not in text_of(app, "#profile-text")
        await pilot.press("escape")
        await pilot.pause()
        assert "43 people" in text_of(app, "#people-title")


@pytest.mark.parametrize(("seconds", "shown"), [(None, "–"), (42, "42s"), (2700, "45m"),
                                                (7200, "2h"), (3 * 86400 + 5, "3d")])
def test_first_response_reads_in_its_largest_unit(seconds: int | None, shown: str) -> None:
    """It should show a first-response time as 45m, 2h or 3d, and – when nobody acted."""
    assert duration(seconds) == shown


async def test_a_new_list_by_name(people_db: Path, posted: Posted) -> None:
    """It should take a new list's name, refusing a comma, and put the person on it."""
    app = make(people_db)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_influencers(app, pilot)
        await pilot.press("l", "5")  # another list…
        await pilot.pause()
        await pilot.press(*"press, tv", "enter")
        assert "cannot contain a comma" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press(*["backspace"] * 4, "enter")
        await pilot.pause()
        assert "Added Ada to press. u undoes." in posted.notices()
        assert "press" in lines(app)[1]
