"""Tests of the demo feeds, the demo config and the demo server (over real loopback HTTP)."""

from __future__ import annotations

import calendar
import html
import io
import re
import time
from collections import Counter
from email.utils import formatdate
from pathlib import Path
from typing import Any

import feedparser
import httpx
import py3langid
import pytest

from core.analysis import match
from core.config import parse_config
from core.demo.content import FAILING_PATH, FEEDS, WINDOW, build_demo_feeds, demo_config_text
from core.demo.server import DemoServer

NOW = 1_767_225_600  # a fixed "now" so every run sees the same posts
SPEC_BY_PATH = {spec.path: spec for spec in FEEDS}


def parsed(body: bytes) -> Any:
    return feedparser.parse(io.BytesIO(body))


def entry_text(entry: Any) -> str:
    """Title and body as plain text, the way a reader would see them."""
    marked = f"{entry.get('title', '')} {entry.get('summary', '')}"
    return " ".join(
        html.unescape(re.sub(r"</?(p|div|br|hr)\b[^>]*>|<[^>]+>", tag_gap, marked)).split()
    )


def tag_gap(found: re.Match[str]) -> str:
    return " " if found.group(1) else ""  # block tags separate words; inline ones do not


@pytest.fixture(scope="module")
def feeds() -> dict[str, bytes]:
    return build_demo_feeds(NOW)


@pytest.fixture(scope="module")
def entries(feeds: dict[str, bytes]) -> dict[str, list[Any]]:
    return {path: parsed(body).entries for path, body in feeds.items() if path != FAILING_PATH}


def test_every_feed_parses_to_its_count(feeds: dict[str, bytes]) -> None:
    """It should give feedparser well-formed feeds with the number of entries each declares."""
    for path, spec in SPEC_BY_PATH.items():
        result = parsed(feeds[path])
        assert not result.bozo, f"{path}: {result.get('bozo_exception')}"
        assert len(result.entries) == spec.count, path
    total = sum(spec.count for spec in FEEDS)
    assert 250 <= total <= 350  # "a few hundred mentions"


def test_entry_ids_are_unique(entries: dict[str, list[Any]]) -> None:
    """It should give every entry its own id, so dedupe keeps them all."""
    for path, items in entries.items():
        ids = [e.id for e in items]
        assert len(set(ids)) == len(ids), path


def test_feed_formats_cover_atom_and_rss(feeds: dict[str, bytes]) -> None:
    """It should serve both Atom and RSS 2.0, as the real sources do."""
    versions = {parsed(feeds[path]).version for path in SPEC_BY_PATH}
    assert {"atom10", "rss20"} <= versions


def test_failing_path_is_an_html_page(feeds: dict[str, bytes]) -> None:
    """It should include one path whose body is an HTML error page, not a feed."""
    result = parsed(feeds[FAILING_PATH])
    assert result.entries == []
    assert b"<html>" in feeds[FAILING_PATH]


def test_deterministic_for_now_and_seed() -> None:
    """It should give the same bytes for the same now and seed, and others for another seed."""
    assert build_demo_feeds(NOW, seed=3) == build_demo_feeds(NOW, seed=3)
    assert build_demo_feeds(NOW, seed=3) != build_demo_feeds(NOW, seed=4)


def test_dates_span_the_week_and_lean_recent(entries: dict[str, list[Any]]) -> None:
    """It should date every entry within the last week, most of them in its second half."""
    stamps = [calendar.timegm(e.published_parsed) for items in entries.values() for e in items]
    ages = [NOW - stamp for stamp in stamps]
    assert all(0 <= age <= WINDOW for age in ages)
    recent = sum(age < WINDOW / 2 for age in ages) / len(ages)
    assert recent > 0.6  # uniform dates would give 0.5
    assert max(ages) > WINDOW * 0.7  # and the week is really spanned


def test_about_a_tenth_is_danish(entries: dict[str, list[Any]]) -> None:
    """It should write roughly one entry in ten in Danish, detected as such."""
    texts = [entry_text(e) for items in entries.values() for e in items]
    languages = Counter(py3langid.classify(text)[0] for text in texts)
    share = languages["da"] / len(texts)
    assert 0.05 <= share <= 0.2, languages


def test_danish_has_praise_and_complaints(entries: dict[str, list[Any]]) -> None:
    """It should include both positive and negative Danish posts."""
    danish = " ".join(
        entry_text(e)
        for items in entries.values()
        for e in items
        if py3langid.classify(entry_text(e))[0] == "da"
    )
    assert re.search(r"fantastisk|tusind tak|anbefales|elsker", danish)
    assert re.search(r"irriterende|dårlig|skuffende", danish)


def test_markup_and_entities_decode(entries: dict[str, list[Any]]) -> None:
    """It should carry HTML markup and entities that decode to real characters."""
    summaries = [e.get("summary", "") for items in entries.values() for e in items]
    assert any("<b>" in s or "<i>" in s for s in summaries)
    assert any("\u2019" in html.unescape(s) for s in summaries)  # from &#8217;


def test_mix_of_what_people_say(entries: dict[str, list[Any]]) -> None:
    """It should hold praise, complaints, questions, ideas, competitor talk and tips."""
    text = " ".join(entry_text(e) for items in entries.values() for e in items).lower()
    for marker in (
        "outage",
        "refund",
        "broken",
        "?",
        "feature request",
        "copperpot",
        "beanwise",
        "tip",
        "thank you",
    ):
        assert marker in text, marker


def test_demo_config_loads_and_points_at_the_feeds(tmp_path: Path) -> None:
    """It should write a config the loader accepts, with every feed and the broken source."""
    base = "http://127.0.0.1:8123"
    config = parse_config(demo_config_text(base), tmp_path / "demo.toml")
    urls = {source.url for source in config.sources}
    assert urls == {base + path for path in (*SPEC_BY_PATH, FAILING_PATH)}
    assert config.network.allow_private_addresses
    assert any(source.owned for source in config.sources)
    assert config.brand.name and config.competitors


def test_demo_queries_match_the_listening_content(entries: dict[str, list[Any]]) -> None:
    """It should match every listening entry to a brand, product or competitor, bar namesakes."""
    config = parse_config(demo_config_text("http://127.0.0.1:1"))
    matcher = match.Matcher(config.query_sets())
    owned = {s.url.removeprefix("http://127.0.0.1:1") for s in config.sources if s.owned}
    unmatched = [
        entry_text(e)
        for path, items in entries.items()
        if path not in owned
        for e in items
        if not matcher.match(entry_text(e))
    ]
    assert unmatched and all("Northwind Traders" in text for text in unmatched)
    kinds = {
        m.kind for items in entries.values() for e in items for m in matcher.match(entry_text(e))
    }
    assert kinds == {"brand", "product", "competitor"}


# --- the server ------------------------------------------------------------------------------


@pytest.fixture
def server() -> Any:
    demo = DemoServer(now=NOW)
    demo.start()
    yield demo
    demo.stop()


def test_server_serves_feeds_with_validators(server: DemoServer) -> None:
    """It should serve each feed over loopback with its content type, ETag and Last-Modified."""
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        for path, spec in SPEC_BY_PATH.items():
            reply = client.get(path)
            assert reply.status_code == 200
            assert reply.headers["content-type"] == spec.content_type
            assert reply.headers["etag"] and reply.headers["last-modified"]
            assert len(parsed(reply.content).entries) == spec.count


def test_server_answers_conditional_gets_with_304(server: DemoServer) -> None:
    """It should answer a matching If-None-Match or If-Modified-Since with an empty 304."""
    path = FEEDS[0].path
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        first = client.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_etag = client.get(path, headers={"If-None-Match": etag})
        by_date = client.get(path, headers={"If-Modified-Since": modified})
        stale = client.get(path, headers={"If-None-Match": '"something-else"'})
        older = client.get(
            path, headers={"If-Modified-Since": formatdate(NOW - 30 * 86400, usegmt=True)}
        )
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_date.status_code == 304
    assert stale.status_code == 200 and older.status_code == 200


def test_server_fails_the_broken_source(server: DemoServer) -> None:
    """It should answer the broken source with a 500 HTML page, and unknown paths with 404."""
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        broken = client.get(FAILING_PATH)
        missing = client.get("/nothing-here.xml")
    assert broken.status_code == 500 and broken.headers["content-type"].startswith("text/html")
    assert missing.status_code == 404


def test_fresh_posts_change_the_feed_and_its_etag(server: DemoServer) -> None:
    """It should publish fresh posts so an old ETag no longer gets a 304."""
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        before = {spec.path: client.get(spec.path) for spec in FEEDS}
        changed = server.add_fresh(3, now=NOW + 60)
        assert changed
        for path in changed:
            old = before[path]
            again = client.get(path, headers={"If-None-Match": old.headers["etag"]})
            assert again.status_code == 200
            grown = len(parsed(again.content).entries) - len(parsed(old.content).entries)
            assert grown >= 1


def test_live_mode_adds_posts_by_itself() -> None:
    """It should add posts in the background when live, and stop when asked."""
    demo = DemoServer(now=NOW, live=True, every=0.05, per_tick=1)
    demo.start()
    try:
        total = sum(spec.count for spec in FEEDS)
        deadline = time.monotonic() + 5
        served = total
        while served == total and time.monotonic() < deadline:
            time.sleep(0.05)
            with httpx.Client(base_url=demo.base_url, timeout=5) as client:
                served = sum(len(parsed(client.get(s.path).content).entries) for s in FEEDS)
        assert served > total
    finally:
        demo.stop()
