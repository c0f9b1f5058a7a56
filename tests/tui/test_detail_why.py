"""Pilot tests: ``?`` on the current mention shows, at the top of the detail pane, why it has
its category (the words, or the rule) and its priority (each part with its weights), and hides
it again with ``?`` or Escape."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import T0, M, insert
from tui.app import ListenpostApp
from tui.screens.help import HelpScreen
from tui.widgets.detail import DetailPane

SIZE = (120, 50)
PAUSES = 50  # a bounded wait for the detail pane to show the row the list put first
# Stored as the pipeline would: needs a reply 60 (complaint), negative 20 + 20 x 0.60 = 32,
# fresh 20 x 1.00 = 20 (published as it was fetched).
COMPLAINT = M(title="Refund still missing", text="Still waiting for my refund. #help",
              sentiment_label="negative", category="complaint", priority=112.0,
              sort_at=T0 + 60)
PART = re.compile(r"^  (?P<name>[a-z ]+): (?P<weights>.+) = (?P<points>[+-]\d+\.\d) \(.+\)$")


async def detail_text(app: ListenpostApp, pilot: object, needle: str,
                      present: bool = True) -> str:
    """The detail pane's text once ``needle`` is in it (or, with ``present=False``, gone)."""
    for _ in range(PAUSES):
        body = str(app.screen.query_one(DetailPane).query_one("#detail-body").render())
        if (needle in body) is present:
            return body
        await pilot.pause()  # type: ignore[attr-defined]
    return body


def parts(body: str) -> dict[str, tuple[str, float]]:
    """The priority parts the explanation lists: name -> (weights, points)."""
    found = [PART.match(line) for line in body.splitlines()]
    return {m["name"]: (m["weights"], float(m["points"])) for m in found if m}


async def test_question_mark_explains_category_and_each_part_with_its_weight(
        make_app: AppFactory, db: Path) -> None:
    """It should name the cue words and every part with its weights, adding up to the
    priority shown, until ? is pressed again."""
    insert(db, [COMPLAINT])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        body = await detail_text(app, pilot, "Refund still missing")
        assert "? shows the category's reason" in body and "= the sum" not in body
        await pilot.press("question_mark")
        body = await detail_text(app, pilot, "Why (? or Esc hides this)")
        assert "category complaint: 'still waiting'" in body
        assert "priority 112.0 = the sum of its parts:" in body
        shown = parts(body)
        assert shown["needs a reply"] == ("50 + 10 for a complaint", 60.0)
        assert shown["negative"] == ("20 + 20 × 0.60", 32.0)
        assert shown["fresh"] == ("20 × 1.00", 20.0)
        assert abs(sum(points for _, points in shown.values()) - 112.0) < 0.05
        await pilot.press("question_mark")
        body = await detail_text(app, pilot, "Why (? or Esc hides this)", present=False)
        assert "= the sum" not in body and "Refund still missing" in body


async def test_the_explanation_follows_the_cursor_and_escape_hides_it(
        make_app: AppFactory, db: Path) -> None:
    """It should explain each mention the cursor lands on, and Escape should hide it."""
    insert(db, [COMPLAINT, M(title="How do I descale?", text="How do I descale the grinder?",
                             category="question", priority=111.0, sort_at=T0 + 30)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await detail_text(app, pilot, "Refund still missing")
        await pilot.press("question_mark", "j")
        body = await detail_text(app, pilot, "How do I descale?")
        assert "category question: " in body
        assert parts(body)["needs a reply"] == ("50", 50.0)
        await pilot.press("escape")
        body = await detail_text(app, pilot, "Why (? or Esc hides this)", present=False)
        assert "How do I descale?" in body


async def test_the_explanation_names_the_rule_that_boosted_the_priority(
        make_app: AppFactory, db: Path) -> None:
    """It should show a rule's boost as a part of its own, named after the rule."""
    [mention_id] = insert(db, [M(**{**COMPLAINT.__dict__, "priority": 137.0})])
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO actions(at, actor, action, mention_id, before, after)"
                    " VALUES (?, 'rules', 'rules: vip', ?, '{\"priority\": 112.0}',"
                    " '{\"priority\": 137.0, \"rules\": [\"vip\"],"
                    " \"set_by\": {\"priority\": \"vip\"}}')", (T0 + 90, mention_id))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await detail_text(app, pilot, "Refund still missing")
        await pilot.press("question_mark")
        body = await detail_text(app, pilot, "rule boost")
        assert "  rule boost: +25 = +25.0 (rule 'vip')" in body
        assert abs(sum(points for _, points in parts(body).values()) - 137.0) < 0.05


async def test_help_is_on_f1_and_h(make_app: AppFactory) -> None:
    """It should open help with F1 and with h, and close it with either."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("f1", "h"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-text").render())
            assert "?" in text and "Why: the category's reason" in text
            assert "F1 h" in text
            await pilot.press(key)
            assert not isinstance(app.screen, HelpScreen)


async def test_the_explanation_shows_the_rising_part_from_the_last_two_snapshots(
        make_app: AppFactory, db: Path) -> None:
    """It should show rising with its weight (9 interactions in an hour: 10 x 0.50) among the
    parts, which still add up to the priority shown."""
    [mention_id] = insert(db, [M(**{**COMPLAINT.__dict__, "priority": 117.0})])
    with sqlite3.connect(db) as con:
        con.executemany("INSERT INTO engagement_snapshots(mention_id, at, replies, reshares,"
                        " likes) VALUES (?, ?, 0, 0, ?)",
                        [(mention_id, T0 + 60, 1), (mention_id, T0 + 3660, 10)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await detail_text(app, pilot, "Refund still missing")
        await pilot.press("question_mark")
        body = await detail_text(app, pilot, "  rising: ")
        assert "  rising: 10 × 0.50 = +5.0 (+9 interactions in 1 h, 9 an hour)" in body
        assert abs(sum(points for _, points in parts(body).values()) - 117.0) < 0.05
