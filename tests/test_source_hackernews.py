"""The hackernews adapter against recorded hn.algolia.com responses, replayed on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.analysis.text import html_to_text, sanitize
from core.model import SourceConfig
from core.sources import hackernews
from core.sources.base import ParseOptions, SourceError, SourceState
from core.sources.feed import parse_feed
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import ReplayContext, hn_fixtures, options_for

pytestmark = pytest.mark.corpus


def _searches(corpora: Path) -> list:
    return [r for r in hn_fixtures(corpora / "hn-algolia" / "fixtures.json") if "/search" in r.url]


def _source(url: str, **options: object) -> SourceConfig:
    return SourceConfig(name="hn", kind="hackernews", url=url, options=options or {"query": "x"})


def test_every_recorded_search_parses(corpora: Path) -> None:
    """It should turn every recorded hit into a mention with its text, author and counts."""
    searches = _searches(corpora)
    assert len(searches) >= 20
    for rec in searches:
        options = options_for(_source(rec.url), rec.url)
        page = hackernews.parse_search(rec.body, rec.headers, options)
        hits = json.loads(rec.body)["hits"]
        assert page.error is None and len(page.mentions) == len(hits)
        for mention, hit in zip(page.mentions, hits, strict=True):
            comment = "comment" in hit["_tags"]
            assert mention.platform_id == hit["objectID"]
            assert mention.published_at == hit["created_at_i"]
            assert mention.engagement.replies == hit.get("num_comments")
            assert mention.engagement.likes == hit.get("points")
            assert mention.engagement.reshares is None
            assert mention.author == hit["author"]
            item = f"https://news.ycombinator.com/item?id={hit['objectID']}"
            if comment:
                assert mention.title == ""  # the comment's own words lead in the list
                assert mention.text.startswith(html_to_text(hit["comment_text"]))
                if hit.get("story_title"):
                    assert mention.text.endswith(f"(on \u201c{hit['story_title']}\u201d)")
                assert mention.url == item and mention.in_reply_to == str(hit["parent_id"])
            else:
                assert mention.title == sanitize(hit["title"])
                assert mention.url == (hit.get("url") or item)


def test_comment_html_becomes_text(corpora: Path) -> None:
    """It should decode the entities and tags of comment_text into plain text."""
    rec = next(r for r in _searches(corpora) if "tags=(comment)" in r.url)
    page = hackernews.parse_search(rec.body, rec.headers, options_for(_source(rec.url), rec.url))
    text = page.mentions[0].text
    assert "&#x27;" not in text and "<p>" not in text and "it'll" in text


def test_hnrss_comment_rows_show_the_comment() -> None:
    """It should give an hnrss comment no title, its words first and the story as context."""
    item = FeedItem('New comment by oatflatwhite in "Show HN: A grinder timer"',
                    "<p>The Northwind app crashes on reorder.</p>", "c1",
                    link="https://news.ycombinator.com/item?id=1")
    options = ParseOptions(source="hn", kind="feed", url="https://hnrss.org/newcomments")
    [mention] = parse_feed(rss([item]), {"Content-Type": "application/rss+xml"},
                           options).mentions
    assert mention.title == ""
    assert mention.text == ("The Northwind app crashes on reorder.\n\n"
                            "(on \u201cShow HN: A grinder timer\u201d)")


def test_a_story_titled_like_a_comment_only_when_it_is_one() -> None:
    """It should leave other titles alone."""
    assert hackernews.hnrss_comment("New comment on the grinder", "x") is None
    assert hackernews.comment_fields("", "just words") == ("", "just words")


def test_next_page_from_nbpages(corpora: Path) -> None:
    """It should ask for page+1 while Algolia reports more pages."""
    rec = _searches(corpora)[1]
    document = json.loads(rec.body)
    page = hackernews.parse_search(rec.body, rec.headers, options_for(_source(rec.url), rec.url))
    more = document["page"] + 1 < document["nbPages"]
    assert (page.next_url is not None) == more
    if more:
        assert parse_qs(urlsplit(page.next_url or "").query)["page"] == [str(document["page"] + 1)]


async def test_poll_filters_since_last_and_pages(corpora: Path, loopback: LoopbackServer) -> None:
    """It should send created_at_i>=last, follow pages, and keep the newest time as cursor."""
    hits = [h for r in _searches(corpora) if "search_by_date" in r.url
            for h in json.loads(r.body)["hits"]]

    def search(request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        number = int(query.get("page", ["0"])[0])
        body = {"hits": hits[number * 3:number * 3 + 3], "page": number,
                "nbPages": (len(hits) + 2) // 3}
        return Reply(200, json.dumps(body).encode(), {"content-type": "application/json"})

    loopback.route("/api/v1/search_by_date", search)
    state = SourceState(cursor=json.dumps({"last": 1_300_000_000}))
    result = await hackernews.ADAPTER.poll(ReplayContext(_source(loopback.url("")), state=state))
    requests = loopback.hits("/api/v1/search_by_date")
    first = parse_qs(urlsplit(requests[0].path).query)
    assert first["numericFilters"] == ["created_at_i>=1300000000"]
    assert first["tags"] == ["(story,comment)"] and first["query"] == ["x"]
    assert {m.platform_id for m in result.mentions} == {h["objectID"] for h in hits}
    newest = max(h["created_at_i"] for h in hits)
    assert json.loads(result.state.cursor or "{}")["last"] == newest


async def test_error_body_is_reported(loopback: LoopbackServer) -> None:
    """It should report Algolia's JSON error body as a per-source error."""
    body = json.dumps({"message": "Invalid syntax for numeric condition", "status": 400})
    loopback.route("/api/v1/search_by_date", Reply(200, body.encode(),
                                                   {"content-type": "application/json"}))
    with pytest.raises(SourceError, match="Invalid syntax for numeric condition"):
        await hackernews.ADAPTER.poll(ReplayContext(_source(loopback.url(""))))


def test_needs_query() -> None:
    """It should refuse a source without a query, saying so."""
    with pytest.raises(SourceError, match="needs a query"):
        hackernews.search_url("", {}, None)
