"""The reply editor with Pilot: drafts saved as typed, templates, counter, tone, sending."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from core.config import Config
from core.config.model import Brand, ReplyTemplate, TeamConfig, TeamMember
from core.model import SourceConfig
from core.net.policy import NetworkPolicy
from tests.loopback import LoopbackServer, Reply, Request
from tests.tui.conftest import AppFactory, Posted
from tui.app import ListenpostApp
from tui.screens.inbox import InboxScreen
from tui.screens.prompts import ChoiceScreen
from tui.screens.reply import ReplyScreen
from tui.screens.reply_dialogs import TemplatePicker, VariablesForm
from tui.widgets.sidebar import Sidebar

SIZE = (100, 30)
WAIT_STEPS = 300  # pilot pauses of 20 ms: a 6 s bound on conditions that take about 1 s


def shown(app: ListenpostApp, widget_id: str) -> str:
    """What a Static of the current screen shows, as plain text."""
    return str(app.screen.query_one(f"#{widget_id}").render())


def draft_in_db(db: Path, mention_id: int = 1) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT text FROM replies WHERE mention_id = ? AND state IN"
                           " ('open', 'pending', 'unknown')", (mention_id,)).fetchone()
    return None if row is None else str(row[0])


def replied_at(db: Path, mention_id: int = 1) -> int | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT replied_at FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    return row[0]


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Pause until ``condition()`` holds, failing after WAIT_STEPS pauses."""
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")


def drafts_entry(app: ListenpostApp, label: str = "Drafts") -> str:
    """A line of the sidebar as shown (Drafts unless told)."""
    sidebar = app.screen.query_one(Sidebar)
    index = [v.label for v in sidebar.views].index(label)
    return str(sidebar.get_option_at_index(index).prompt).rstrip()


async def open_editor(app: ListenpostApp, pilot: Pilot[None]) -> ReplyScreen:
    await pilot.pause()
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(app.screen, ReplyScreen)
                   and shown(app, "reply-count") != "")
    assert isinstance(app.screen, ReplyScreen)
    return app.screen


async def test_reply_shows_the_mention_and_keeps_the_draft_on_escape(
        make_app: AppFactory, db: Path) -> None:
    """It should show author, platform and link, save the draft, close with Escape, list it
    under Drafts, and reopen it on r."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        assert "author0 · feed · blog" in shown(app, "reply-who")
        assert shown(app, "reply-link") == "https://example.com/0"
        assert "Body of mention 00." in shown(app, "reply-said")
        await pilot.press(*"Thanks")
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        assert draft_in_db(db) == "Thanks"
        await wait_for(pilot, lambda: drafts_entry(app).endswith(" 1"))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplyScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#reply-draft").text == "Thanks")


async def test_draft_survives_the_app_stopping_mid_typing(make_app: AppFactory, db: Path) -> None:
    """It should save within about a second while typing, with no Escape, so a new app run
    reopens the draft."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        await pilot.press(*"half a rep")
        await wait_for(pilot, lambda: draft_in_db(db) == "half a rep")
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        editor = await open_editor(again, pilot)
        assert editor.draft.text == "half a rep"


async def test_template_with_a_missing_variable_asks_for_it(make_app: AppFactory) -> None:
    """It should fill known variables, use fallbacks, and ask for the rest in a form."""
    templates = (ReplyTemplate("order", "Hi {first_name|there}, {brand} here: order {order}?"),)
    app = make_app(Config(brand=Brand(name="Acme"), templates=templates))
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TemplatePicker))
        await pilot.press(*"ord", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VariablesForm))
        assert "{order}" in "".join(str(s.render()) for s in app.screen.query("Static"))
        await pilot.press("enter")  # empty: refused in place
        assert "{order} needs a value" in shown(app, "variables-error")
        await pilot.press(*"A-17", "enter")
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.draft.text == "Hi author0, Acme here: order A-17?"


async def test_template_fallback_when_the_name_is_a_handle(make_app: AppFactory,
                                                           db: Path) -> None:
    """It should write the fallback when the author has no first name."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE mentions SET author = '@maja@social.test' WHERE id = 1")
    app = make_app(Config(templates=(ReplyTemplate("hi", "Hi {first_name|there}!"),)))
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        await pilot.press("ctrl+t", "enter")
        await wait_for(pilot, lambda: editor.draft.text == "Hi there!")


async def test_bluesky_counter_counts_graphemes_at_and_past_the_limit(
        make_app: AppFactory, db: Path) -> None:
    """It should count an emoji with a skin tone once and say when the draft is too long."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE mentions SET platform = 'bluesky' WHERE id = 1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        editor.draft.insert("\U0001f44d\U0001f3fd" * 300)
        await wait_for(pilot, lambda: shown(app, "reply-count") == "300/300 graphemes")
        editor.draft.insert("!")
        await wait_for(pilot, lambda: "301/300 graphemes, 1 over" in shown(app, "reply-count"))
        await pilot.press("ctrl+s")
        assert "1 over the limit" in shown(app, "reply-status")
        assert isinstance(app.screen, ReplyScreen)


async def test_configured_limit_counts_for_other_platforms(make_app: AppFactory) -> None:
    """It should count against [reply_limits] for a platform with no limit of its own."""
    app = make_app(Config(reply_limits={"feed": 10}))
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        assert shown(app, "reply-count") == "0/10 characters"
        await pilot.press(*"eleven char")
        await wait_for(pilot, lambda: "11/10 characters, 1 over" in shown(app, "reply-count"))


async def test_negative_reply_to_a_negative_mention_warns(make_app: AppFactory) -> None:
    """It should show the draft's tone, and a warning when it reads negative too."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        editor.draft.insert("That is a terrible, stupid complaint.")
        await wait_for(pilot, lambda: "reads negative" in shown(app, "reply-tone"))
        editor.draft.load_text("Thank you, we are glad to help and will fix it today!")
        await wait_for(pilot, lambda: "tone: positive" in shown(app, "reply-tone"))
        assert "reads negative" not in shown(app, "reply-tone")


async def test_delete_asks_once_and_undo_restores(make_app: AppFactory, db: Path,
                                                  posted: Posted) -> None:
    """It should ask before deleting, delete, and bring the draft back with u."""
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_editor(app, pilot)
        await pilot.press(*"to delete")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert draft_in_db(db) is None
        assert any("Draft deleted" in n for n in posted.notices())
        await pilot.press("u")
        await wait_for(pilot, lambda: draft_in_db(db) == "to delete")


async def test_send_elsewhere_copies_exactly_the_draft_and_confirms(
        make_app: AppFactory, db: Path) -> None:
    """It should copy the draft (OSC 52), show the URL to answer at, and on confirmation mark
    the mention replied."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        await pilot.press(*"We hear you")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert app.clipboard == "We hear you"
        assert "https://example.com/0" in "".join(str(s.render())
                                                  for s in app.screen.query("Static"))
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert replied_at(db) is not None and draft_in_db(db) is None


async def test_replied_elsewhere_key(make_app: AppFactory, db: Path) -> None:
    """It should mark the current mention replied with R."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await wait_for(pilot, lambda: replied_at(db) is not None)


async def test_failed_post_keeps_the_draft_and_says_why(
        make_app: AppFactory, db: Path, loopback: LoopbackServer, posted: Posted) -> None:
    """It should post through the mention's Mastodon source and, on a 422, keep the draft
    with the reason shown."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE mentions SET platform = 'mastodon', platform_id = '1090' WHERE id = 1")
        conn.execute("UPDATE sources SET kind = 'mastodon' WHERE name = 'blog'")
    loopback.route("/api/v1/statuses", Reply(422, json.dumps(
        {"error": "Validation failed: Text character limit of 500 exceeded"}).encode()))
    source = SourceConfig(name="blog", kind="mastodon", url=loopback.url("/"), token="t0k3n-xyz")
    config = Config(sources=(source,), network=NetworkPolicy(allow_private_addresses=True))
    app = make_app(config)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_editor(app, pilot)
        assert "posts this as a reply on mastodon" in shown(app, "reply-status")
        await pilot.press(*"On it")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Last send failed" in shown(app, "reply-status"))
        assert "would not accept this reply (HTTP 422)" in shown(app, "reply-status")
        assert isinstance(app.screen, ReplyScreen) and draft_in_db(db) == "On it"
        assert replied_at(db) is None
    (call,) = loopback.hits("/api/v1/statuses")
    assert json.loads(call.body) == {"status": "On it", "in_reply_to_id": "1090"}


def team(me: str, *, approval: bool = True) -> Config:
    members = (TeamMember("Ana Lund", "ana"), TeamMember("Bo Dahl", "bo"))
    return Config(team=TeamConfig(members=members, me=me, approval=approval))


def reply_row(db: Path) -> tuple[str, str | None, str | None, str | None, str | None]:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT state, requested_by, reviewed_by, review_note, sent_by"
                           " FROM replies WHERE mention_id = 1 AND state != 'deleted'").fetchone()
    return row


async def test_approval_round_trip(make_app: AppFactory, db: Path, posted: Posted) -> None:
    """It should send a reply for approval, let another member send it back with a note, show
    the note to its writer, and let the other member approve and send it."""
    app = make_app(team("ana"))
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await open_editor(app, pilot)
        assert "Ctrl+S asks another member to approve" in shown(app, "reply-status")
        await pilot.press(*"We fixed it", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert reply_row(db)[:2] == ("pending", "ana")
        assert any("Sent for approval" in n for n in posted.notices())
        await wait_for(pilot, lambda: drafts_entry(app, "Awaiting approval").endswith(" 1"))
    app = make_app(team("bo"))
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        assert "Waiting for approval by Bo Dahl (asked by ana)" in shown(app, "reply-status")
        await pilot.press("ctrl+b")
        await pilot.press(*"add the tracking link", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert reply_row(db)[0:4] == ("open", "ana", "bo", "add the tracking link")
    app = make_app(team("ana"))
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        assert "Sent back by bo: add the tracking link" in shown(app, "reply-status")
        await pilot.press(*" (tracking: T-1)", "ctrl+s")
        await wait_for(pilot, lambda: reply_row(db)[0] == "pending")
    app = make_app(team("bo"))
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        await pilot.press("ctrl+s")  # approve and send: here, copy and confirm
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert app.clipboard == "We fixed it (tracking: T-1)"
        await pilot.press("1")
        await wait_for(pilot, lambda: reply_row(db)[0] == "sent")
        assert reply_row(db)[2] == "bo" and reply_row(db)[4] == "bo"
        assert replied_at(db) is not None


async def test_the_writer_cannot_approve_their_own_reply(make_app: AppFactory, db: Path) -> None:
    """It should keep a waiting reply waiting when its writer presses send again."""
    app = make_app(team("ana"))
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(app, pilot)
        await pilot.press(*"Hello", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        await open_editor(app, pilot)
        await pilot.press("ctrl+s")
        assert "Waiting for approval by Bo Dahl" in shown(app, "reply-status")
        assert reply_row(db)[0] == "pending" and isinstance(app.screen, ReplyScreen)


async def test_unknown_outcome_is_never_resent_without_asking(
        make_app: AppFactory, db: Path, loopback: LoopbackServer) -> None:
    """It should mark a send that timed out as unknown, ask on the next Ctrl+S instead of
    posting, and on "send it again" post once more with the same Idempotency-Key."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE mentions SET platform = 'mastodon', platform_id = '1090' WHERE id = 1")
        conn.execute("UPDATE sources SET kind = 'mastodon' WHERE name = 'blog'")
    release = threading.Event()

    def statuses(request: Request) -> Reply:
        if len(loopback.hits("/api/v1/statuses")) == 1:
            release.wait(10)  # bounded: the first answer comes after the client gave up
        return Reply(200, json.dumps({"id": "999", "url": "https://m.test/@nw/999"}).encode())

    loopback.route("/api/v1/statuses", statuses)
    source = SourceConfig(name="blog", kind="mastodon", url=loopback.url("/"), token="t0k3n-xyz")
    network = NetworkPolicy(allow_private_addresses=True, timeout=0.5)
    app = make_app(Config(sources=(source,), network=network))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_editor(app, pilot)
            await pilot.press(*"On it", "ctrl+s")
            await wait_for(pilot, lambda: "May have been posted" in shown(app, "reply-status"))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
            assert len(loopback.hits("/api/v1/statuses")) == 1
            await pilot.press("2")  # "It was not: send it again"
            await wait_for(pilot, lambda: replied_at(db) is not None)
    finally:
        release.set()
    keys = {r.headers["idempotency-key"] for r in loopback.hits("/api/v1/statuses")}
    assert len(loopback.hits("/api/v1/statuses")) == 2 and len(keys) == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT post_id FROM replies WHERE mention_id = 1").fetchone() == (
            "999",)
