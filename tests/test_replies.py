"""core.replies: templates, platform limits, tone, and drafts in a real SQLite file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.config import ConfigError, parse_config
from core.config.model import TeamConfig, TeamMember
from core.inbox.triage import Ids, Inbox
from core.inbox.views import Filters, builtin_view
from core.replies.approval import needs_approval, waiting_line
from core.replies.drafts import Replies, Sent
from core.replies.limits import Limit, Unit, count, graphemes, limit_for
from core.replies.templates import TemplateError, mention_values, missing, render
from core.replies.tone import tone_of
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

# --- templates ------------------------------------------------------------------------------


def test_render_fills_builtin_and_custom_variables() -> None:
    """It should fill {author}, {first_name}, {brand}, {link}, {today} and custom ones."""
    values = mention_values(author="Maja Holm", brand="Northwind", link="https://x.test/1",
                            today=date(2024, 6, 1), extra={"product": "Dark roast"})
    text = "Hi {first_name} ({author}): {brand} {product} {link} {today}"
    assert render(text, values) == ("Hi Maja (Maja Holm): Northwind Dark roast "
                                    "https://x.test/1 2024-06-01")


def test_fallback_is_used_when_the_variable_has_no_value() -> None:
    """It should use {first_name|there} when the author is a bare handle."""
    values = mention_values(author="@maja@social.test", brand="Northwind", link=None,
                            today=date(2024, 6, 1))
    assert render("Hi {first_name|there}!", values) == "Hi there!"
    assert render("Hi {first_name|there}!", {**values, "first_name": "Maja"}) == "Hi Maja!"


def test_missing_variable_is_named_and_refused() -> None:
    """It should list variables with no value and no fallback, and render should say which."""
    assert missing("{a} {b|x} {c} {a}", {"c": "1"}) == ["a"]
    with pytest.raises(TemplateError, match=r"'sorry' needs a value for \{order\}"):
        render("Your order {order} is on its way", {}, name="sorry")


def test_literal_braces_survive() -> None:
    """It should turn {{ and }} into single braces and leave them alone otherwise."""
    assert render("{{not a slot}} {x}", {"x": "y"}) == "{not a slot} y"


def test_config_templates_are_typed() -> None:
    """It should read both template forms, and name the key of a bad one."""
    config = parse_config('[templates]\nthanks = "Thanks {first_name|there}!"\n'
                          '[templates.sorry]\ntext = "Sorry about {product}"\nproduct = "it"\n')
    assert [(t.name, t.text, t.values) for t in config.templates] == [
        ("thanks", "Thanks {first_name|there}!", ()),
        ("sorry", "Sorry about {product}", (("product", "it"),))]
    with pytest.raises(ConfigError, match=r"templates\.bad\.Product"):
        parse_config('[templates.bad]\ntext = "x"\nProduct = "y"\n')
    with pytest.raises(ConfigError, match=r"templates\.worse: expected the template text"):
        parse_config("[templates]\nworse = 3\n")


def test_config_reply_limits() -> None:
    """It should read [reply_limits] per platform and refuse unknown platforms and bad sizes."""
    assert parse_config("[reply_limits]\nreddit = 10000\n").reply_limits == {"reddit": 10000}
    with pytest.raises(ConfigError, match=r"reply_limits\.redit: expected a platform"):
        parse_config("[reply_limits]\nredit = 10\n")
    with pytest.raises(ConfigError, match=r"reply_limits\.reddit: expected the longest reply"):
        parse_config('[reply_limits]\nreddit = "long"\n')


# --- limits -----------------------------------------------------------------------------------


def test_an_emoji_with_a_skin_tone_or_a_zwj_family_is_one_grapheme() -> None:
    """It should count what a reader sees as one character once."""
    thumbs = "\U0001f44d\U0001f3fd"  # thumbs up, medium skin tone: two code points
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # seven code points
    flag = "\U0001f1e9\U0001f1f0"  # Denmark: two regional indicators
    assert graphemes(thumbs) == graphemes(family) == graphemes(flag) == 1
    assert graphemes("e\u0301") == 1  # e + combining acute


def test_bluesky_counts_graphemes_at_and_past_300() -> None:
    """It should put 300 skin-toned emoji at the limit and one more past it."""
    limit = limit_for("bluesky")
    assert limit == Limit(300, Unit.GRAPHEMES)
    at = count("\U0001f44d\U0001f3fd" * 300, limit)
    assert (at.used, at.over, at.describe()) == (300, 0, "300/300 graphemes")
    past = count("\U0001f44d\U0001f3fd" * 301, limit)
    assert past.over == 1 and past.describe() == "301/300 graphemes, 1 over"


def test_mastodon_counts_characters_and_others_have_no_limit_unless_configured() -> None:
    """It should allow 500 characters on Mastodon and nothing by default elsewhere."""
    assert count("x" * 501, limit_for("mastodon")).describe() == "501/500 characters, 1 over"
    assert limit_for("reddit") is None
    assert count("hello", limit_for("reddit")).describe() == "5 characters"
    assert limit_for("reddit", {"reddit": 10000}) == Limit(10000, Unit.CHARACTERS)


# --- tone -------------------------------------------------------------------------------------


def test_negative_reply_to_negative_mention_warns() -> None:
    """It should warn only when both the mention and the reply read negative."""
    harsh = "That is a terrible, stupid complaint and your problem is not our fault."
    kind = "Thank you for telling us, we are sorry and glad to help you fix it today!"
    assert tone_of(harsh, mention_label="negative", language="en").warning
    assert tone_of(kind, mention_label="negative", language="en").warning is None
    assert tone_of(harsh, mention_label="positive", language="en").warning is None
    assert "negative" in tone_of(harsh, mention_label="negative", language="en").describe()


# --- drafts in the store ------------------------------------------------------------------------

DRAFTS = builtin_view("drafts")
NEEDS_REPLY = builtin_view("needs_reply")


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "replies.db"
    await create_db(path)
    insert(path, [M(title="broken grinder", sentiment_label="negative", category="complaint"),
                  M(title="a question", category="question")])
    return path


async def test_draft_saves_reopens_and_counts_in_the_drafts_view(db: Path) -> None:
    """It should keep one draft per mention, rewritten on each save and found again later."""
    async with await Store.open(db) as store:
        replies = Replies(store.db, store.transaction)
        first = await replies.save(1, "Hi", actor="ana", now=T0)
        second = await replies.save(1, "Hi there", actor="ana", now=T0 + 1)
        assert (second.id, second.idempotency_key) == (first.id, first.idempotency_key)
    async with await Store.open(db) as store:
        replies, inbox = Replies(store.db, store.transaction), Inbox(store.db, store.transaction,
                                                                      me="ana")
        live = await replies.live(1)
        assert live is not None and live.text == "Hi there" and live.state == "open"
        assert await inbox.count(DRAFTS, now=T0) == 1
        rows = await inbox.window(DRAFTS, _no_filters(), now=T0, limit=10)
        assert [r.id for r in rows] == [1]


async def test_saved_draft_is_inert_text(db: Path) -> None:
    """It should store a draft without escape sequences or control characters."""
    async with await Store.open(db) as store:
        reply = await Replies(store.db, store.transaction).save(
            1, "ok\x1b]52;c;evil\x07\x1b[2J done", actor="ana", now=T0)
    assert "\x1b" not in reply.text and "\x07" not in reply.text


async def test_delete_is_undone_by_the_inbox_undo(db: Path) -> None:
    """It should delete a draft and bring it back with the inbox's undo."""
    async with await Store.open(db) as store:
        replies, inbox = Replies(store.db, store.transaction), Inbox(store.db, store.transaction,
                                                                      me="ana")
        draft = await replies.save(1, "keep me", actor="ana", now=T0)
        await replies.delete(draft.id, actor="ana", now=T0 + 1)
        assert await replies.live(1) is None and await inbox.count(DRAFTS, now=T0) == 0
        undone = await inbox.undo_last("ana", now=T0 + 2)
        assert undone is not None and undone.action == "draft_delete"
        restored = await replies.live(1)
        assert restored is not None and restored.text == "keep me"
        assert await inbox.count(DRAFTS, now=T0) == 1


async def test_sent_reply_is_recorded_and_leaves_needs_reply(db: Path) -> None:
    """It should record who, when, text and where, mark the mention replied, log it, and not
    let undo unsend it."""
    async with await Store.open(db) as store:
        replies, inbox = Replies(store.db, store.transaction), Inbox(store.db, store.transaction,
                                                                      me="ana")
        assert await inbox.count(NEEDS_REPLY, now=T0) == 2
        draft = await replies.save(1, "We are on it", actor="ana", now=T0)
        sent = await replies.record_sent(draft.id, Sent("mastodon", "42", "https://m.test/@b/42"),
                                         actor="bo", now=T0 + 5)
        assert (sent.state, sent.sent_by, sent.sent_at, sent.text, sent.sent_via, sent.post_url) \
            == ("sent", "bo", T0 + 5, "We are on it", "mastodon", "https://m.test/@b/42")
        assert await inbox.count(NEEDS_REPLY, now=T0) == 1
        assert await inbox.count(DRAFTS, now=T0) == 0
        detail = await inbox.detail(1)
        assert detail is not None and detail.history[0].action == "reply"
        assert await inbox.undo_last("bo", now=T0 + 6) is None
        assert [r.state for r in await replies.between(T0, T0 + 10)] == ["sent"]


async def test_replied_elsewhere_leaves_needs_reply_and_undoes(db: Path) -> None:
    """It should mark a mention replied in one action, and undo should put it back."""
    async with await Store.open(db) as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        await inbox.mark_replied(Ids((2,)), True, actor="ana", now=T0)
        assert await inbox.count(NEEDS_REPLY, now=T0) == 1
        await inbox.undo_last("ana", now=T0 + 1)
        assert await inbox.count(NEEDS_REPLY, now=T0) == 2


async def test_failure_keeps_the_draft_and_unknown_is_still_live(db: Path) -> None:
    """It should keep a failed draft open with its reason, and an unknown outcome live."""
    async with await Store.open(db) as store:
        replies = Replies(store.db, store.transaction)
        draft = await replies.save(2, "Answer", actor="ana", now=T0)
        await replies.record_failure(draft.id, "the server said 422: text too long")
        failed = await replies.live(2)
        assert failed is not None and failed.state == "open"
        assert failed.last_error == "the server said 422: text too long"
        await replies.record_unknown(draft.id, "no answer within 30 s")
        unknown = await replies.live(2)
        assert unknown is not None and unknown.state == "unknown"


def _no_filters() -> Filters:
    return Filters()


# --- approval -----------------------------------------------------------------------------------


def test_who_needs_approval() -> None:
    """It should require approval for everyone with [team] approval, else per member."""
    members = (TeamMember("Ana Lund", "ana"), TeamMember("Jonas Berg", "jonas", approval=True))
    assert needs_approval(TeamConfig(members=members, approval=True), "ana")
    assert not needs_approval(TeamConfig(members=members), "ana")
    assert needs_approval(TeamConfig(members=members), "jonas")
    assert not needs_approval(TeamConfig(), "anyone")
    config = parse_config('[team]\napproval = true\n[[team.members]]\nname = "A"\nhandle = "a"\n'
                          'approval = true\n')
    assert config.team.approval and config.team.members[0].approval


async def test_approval_steps_are_logged_and_not_undone(db: Path) -> None:
    """It should move a draft to pending and back with a note, log each step, count it under
    Awaiting approval, and leave those steps out of undo."""
    async with await Store.open(db) as store:
        replies, inbox = Replies(store.db, store.transaction), Inbox(store.db, store.transaction,
                                                                      me="ana")
        draft = await replies.save(1, "Draft", actor="ana", now=T0)
        await replies.request_approval(draft.id, actor="ana", now=T0 + 1)
        waiting = await replies.live(1)
        assert waiting is not None and (waiting.state, waiting.requested_by) == ("pending", "ana")
        assert await inbox.count(builtin_view("approval"), now=T0) == 1
        assert await inbox.count(DRAFTS, now=T0) == 1
        pair = TeamConfig(members=(TeamMember("Ana", "ana"), TeamMember("Bo", "bo")))
        assert waiting_line(waiting, pair) == "Waiting for approval by Bo (asked by ana)."
        await replies.send_back(draft.id, "softer, please", actor="bo", now=T0 + 2)
        back = await replies.live(1)
        assert back is not None and (back.state, back.reviewed_by, back.review_note) == (
            "open", "bo", "softer, please")
        assert await inbox.count(builtin_view("approval"), now=T0) == 0
        assert await inbox.undo_last("ana", now=T0 + 3) is None
        assert await inbox.undo_last("bo", now=T0 + 3) is None
        detail = await inbox.detail(1)
        assert detail is not None
        assert [h.action for h in detail.history] == ["sent_back", "approval_request"]
