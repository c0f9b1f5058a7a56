"""Why a stored mention has its category and priority: asked of a real store, as the detail
pane asks it, before and after a person corrects the category."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.analysis.enrich import EnrichSpec, enrich
from core.inbox.triage import Ids, Inbox
from core.inbox.why import why
from core.model import Match, Mention, SourceConfig
from core.store import Store

NOW = 1_763_800_000
SPEC = EnrichSpec(((Match("brand", "Northwind"), ("northwind",)),), source="blog")


async def store_one(path: Path, mention: Mention) -> int:
    async with await Store.open(path) as store:
        ids = await store.sync_sources([SourceConfig(name="blog", kind="feed",
                                                     url="https://blog.example/feed")])
        await store.ingest(ids["blog"], enrich([mention], SPEC, now=NOW), now=NOW)
    with sqlite3.connect(path) as con:
        return int(con.execute("SELECT id FROM mentions").fetchone()[0])


async def test_why_names_the_cues_and_the_parts_of_the_stored_priority(tmp_path: Path) -> None:
    """It should give the category's cues and priority parts that add up to the stored one."""
    text = "@northwind I returned my grinder 11 weeks ago and I am still waiting for the refund."
    mention_id = await store_one(tmp_path / "w.db", Mention(
        "feed", title="Refund", text=text, guid="g1", published_at=NOW - 3600))
    async with await Store.open(tmp_path / "w.db") as store:
        detail = await Inbox(store.db, store.transaction, me="ana").detail(mention_id)
    assert detail is not None
    reasons = why(detail)
    assert reasons.category.startswith("complaint: ")
    assert "'still waiting'" in reasons.category and "'11 weeks ago'" in reasons.category
    assert reasons.priority[0] == "needs a reply: a complaint: +60"
    assert reasons.priority[2] == "addressed to us: names a handle: +8"
    assert reasons.priority[3] == "fresh: published 1 h ago: +18"
    points = sum(float(line.rsplit(": ", 1)[1]) for line in reasons.priority)
    assert abs(points - detail.row.priority) <= len(reasons.priority) * 0.5  # shown rounded


async def test_why_shows_a_category_set_by_hand_as_the_persons(tmp_path: Path) -> None:
    """It should say who set the category and what the rules would have said."""
    mention_id = await store_one(tmp_path / "h.db", Mention(
        "feed", text="Northwind, please add a decaf option to the subscription.", guid="g2"))
    async with await Store.open(tmp_path / "h.db") as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        before = await inbox.detail(mention_id)
        await inbox.set_category(Ids((mention_id,)), "question", actor="ana", now=NOW)
        after = await inbox.detail(mention_id)
    assert before is not None and after is not None
    assert why(before).category.startswith("idea: 'please add'")
    assert why(after).category.startswith("question, set by ana (the classifier says idea: ")


async def test_why_names_the_rule_that_set_the_category(tmp_path: Path) -> None:
    """It should name the rule that set the category, and what the classifier says."""
    from core.analysis.match import compile_query
    from core.rules.model import Actions, Conditions, Rule
    from core.rules.stored import apply

    mention_id = await store_one(tmp_path / "r.db", Mention(
        "feed", text="Northwind, please add a decaf option.", guid="g3"))
    rule = Rule("decaf", Conditions(query=compile_query("decaf")), Actions(category="question"))
    async with await Store.open(tmp_path / "r.db") as store:
        await apply(store, (rule,), now=NOW)
        detail = await Inbox(store.db, store.transaction, me="ana").detail(mention_id)
    assert detail is not None
    assert why(detail).category.startswith("question, set by rule 'decaf' (the classifier "
                                           "says idea: ")
