"""The feedback categories are defined once: the classifier, the sidebar's SQL and the exports
all name the same set (the inbox's picker is checked by tests/tui/test_category_picker.py)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from core.analysis.categories import CATEGORIES, CATEGORY_IDS, category, sql_list
from core.analysis.classify import categorize
from core.analysis.sentiment import score
from core.export import Report, render
from core.inbox.views import BUCKET_PREDICATES
from core.model import Match, Mention, SourceConfig
from core.store import Store

NOW = 1_763_800_000
QUOTED = re.compile(r"'([a-z_]+)'")


def test_ids_are_unique_and_labelled_in_both_languages() -> None:
    """It should give every category a unique id, an English and a Danish label."""
    assert len(set(CATEGORY_IDS)) == len(CATEGORIES) == 9
    assert all(c.english and c.danish for c in CATEGORIES)
    assert category("complaint").danish.startswith("Problem")
    assert category("complaint").english.startswith("Problem")
    assert sql_list(("question", "complaint")) == "('question', 'complaint')"


def test_sidebar_sql_names_only_known_categories() -> None:
    """It should name only defined categories in the views and in the migrations' triggers."""
    category_sql = [p for p in BUCKET_PREDICATES.values() if "category" in p]
    migrations = resources.files("core.store") / "migrations"
    category_sql += [f.read_text("utf-8") for f in migrations.iterdir() if f.name.endswith(".sql")]
    named = {word for sql in category_sql for word in QUOTED.findall(_category_clauses(sql))}
    assert named and named <= set(CATEGORY_IDS)


def _category_clauses(sql: str) -> str:
    """Only the parts of ``sql`` that compare a category (not statuses or labels)."""
    return " ".join(re.findall(r"category\s*(?:IN\s*\([^)]*\)|=\s*'[^']*')", sql))


def test_classifier_emits_only_known_categories() -> None:
    """It should file every mention, brand or competitor, under a defined category."""
    texts = ["How do I descale it?", "Refund still not here, #help", "Please add a timer",
             "Love it, best grinder ever!", "Vi mødtes på kontoret", "Hvordan rengør jeg den?",
             "Jeg savner en timer", "nothing much"]
    found = set()
    for text in texts:
        for matched in ([Match("brand", "Acme")], [Match("competitor", "Globex")]):
            m = Mention("feed", text=text, matched=matched, sentiment=score(text, "en"))
            found.add(categorize(m))
    assert found <= set(CATEGORY_IDS)
    assert {"question", "complaint", "idea", "praise", "competitor", "other"} <= found


async def test_exports_name_the_same_categories(tmp_path: Path) -> None:
    """It should write each stored category id unchanged into every export."""
    mentions = [Mention("feed", title=f"m {c}", guid=c, key=f"feed:guid:blog/{c}", category=c,
                        published_at=NOW, matched=[Match("brand", "Acme")]) for c in CATEGORY_IDS]
    source = SourceConfig(name="blog", kind="feed", url="https://blog.example/feed")
    async with await Store.open(tmp_path / "c.db") as store:
        ids = await store.sync_sources([source])
        await store.ingest(ids["blog"], mentions, now=NOW)
        report = Report(generated_at=NOW, mentions=await store.export_mentions(since=None),
                        sources=await store.sources(), brand="Acme")
    document = json.loads(render(report, "json"))
    assert {m["category"] for m in document["mentions"]} == set(CATEGORY_IDS)
    csv_text = render(report, "csv")
    assert all(f",{c}," in csv_text for c in CATEGORY_IDS)
