"""Tests for core.polling.pipeline: parse then enrich, as the worker process runs it."""

from __future__ import annotations

from collections.abc import Mapping

from core.analysis.enrich import EnrichSpec
from core.model import Match, Mention
from core.polling.pipeline import MAX_PER_BODY, parse_and_enrich
from core.sources.base import ParsedPage, ParseOptions

SPEC = EnrichSpec(sets=((Match("brand", "Northwind"), ("northwind",)),), source="test")
OPTIONS = ParseOptions(source="test", kind="feed", url="http://feed.example/")


def many_posts(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    count = int(body)
    posts = [Mention("feed", text=f"Northwind post {i}", guid=f"g{i}") for i in range(count)]
    return ParsedPage(mentions=posts, warning="feed had a stray tag")


def test_enrich_keeps_matching_mentions_and_fills_fields() -> None:
    """It should key, match and score what the parser yields, dropping non-matching items."""

    def two(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
        return ParsedPage([Mention("feed", text="I love Northwind"), Mention("feed", text="other")])

    page = parse_and_enrich(two, b"", {}, OPTIONS, SPEC, 1_700_000_000)
    assert [m.text for m in page.mentions] == ["I love Northwind"]
    mention = page.mentions[0]
    assert mention.key and mention.matched == [Match("brand", "Northwind")]
    assert mention.sentiment.label.value == "positive"


def test_owned_source_marks_its_posts_owned() -> None:
    """It should mark every item of an owned source as owned and keep it unmatched."""

    def one(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
        return ParsedPage([Mention("feed", text="Our new blend is out")])

    owned = ParseOptions(source="blog", kind="feed", url="http://blog.example/", owned=True)
    page = parse_and_enrich(one, b"", {}, owned, SPEC, 1_700_000_000)
    assert [m.owned for m in page.mentions] == [True]


def test_an_enormous_body_is_cut_with_a_warning() -> None:
    """It should keep the first MAX_PER_BODY items and say how many it dropped."""
    page = parse_and_enrich(many_posts, str(MAX_PER_BODY + 5).encode(), {}, OPTIONS, SPEC, 0)
    assert len(page.mentions) == MAX_PER_BODY
    assert page.warning is not None
    assert "feed had a stray tag" in page.warning and f"{MAX_PER_BODY + 5:,}" in page.warning
