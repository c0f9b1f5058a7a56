"""The fast feed path is safe on hostile bytes: libxml2's limits on, nothing fetched or expanded.

``core.sources.fastparse`` parses with lxml before any other check sees the document's entries,
so these tests hand it attacks directly, without the entity guard in ``core.sources.feed`` in
front: each must be declined (sent to feedparser, where the guard and the worker deadline
apply) with its reason, never expanded, fetched or read past libxml2's limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.sources.base import ParseOptions
from core.sources.fastparse import parse_fast
from core.sources.feed import AUTHOR_LIMIT, parse_feed
from tests.loopback import LoopbackServer, Reply

OPTIONS = ParseOptions(source="s", kind="feed", url="http://example.com/feed.xml",
                       options={"now": 1_800_000_000})
ITEM = "<item><title>Northwind</title><guid>g1</guid><description>fine</description></item>"


def rss(items: str = ITEM, prolog: str = "", inside_channel: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
            f"<title>t</title>{inside_channel}{items}</channel></rss>").encode()


def test_a_plain_feed_takes_the_fast_path() -> None:
    """It should read a plain RSS 2.0 feed itself (the baseline the other tests depart from)."""
    result = parse_fast(rss(), {})
    assert result.reason == "" and result.entries is not None
    assert [e["title"] for e in result.entries] == ["Northwind"]


def test_it_takes_only_bytes() -> None:
    """It should refuse a str, which a parser could take for a path or a URL."""
    with pytest.raises(TypeError):
        parse_fast(rss().decode(), {})  # type: ignore[arg-type]


def test_a_body_that_looks_like_a_url_is_not_fetched(loopback: LoopbackServer) -> None:
    """It should treat a body spelling a URL as text: the server named in it sees no request."""
    target = loopback.route("/feed.xml", Reply(200, rss()))
    for body in (target.encode(), f"  {target}\n".encode()):
        assert parse_fast(body, {}).entries is None
        assert parse_feed(body, {}, OPTIONS).error
    assert loopback.hits("/feed.xml") == []


def test_an_entity_bomb_is_declined_unexpanded() -> None:
    """It should decline a billion-laughs document without expanding it."""
    lol = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    item = "<item><title>&j;</title></item>"
    result = parse_fast(rss(item, prolog=f"<!DOCTYPE rss [{lol}]>"), {})
    assert result.entries is None  # libxml2 stops the amplification, or the DOCTYPE gate
    assert "lol" not in result.reason


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    """It should decline a document whose entity names a local file, and read nothing of it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    prolog = f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    result = parse_fast(rss("<item><title>&x;</title></item>", prolog=prolog), {})
    assert result.entries is None and "TOP-SECRET" not in result.reason


def test_an_external_dtd_is_never_loaded(tmp_path: Path) -> None:
    """It should decline a document with an external DTD that would define its entities."""
    dtd = tmp_path / "rss-0.91.dtd"
    dtd.write_text('<!ENTITY secret "TOP-SECRET-CONTENT">')
    body = rss("<item><title>a &secret; b</title></item>",
               prolog=f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">')
    result = parse_fast(body, {})
    assert result.entries is None and "TOP-SECRET" not in result.reason


def test_deep_nesting_hits_libxml2s_depth_limit() -> None:
    """It should keep libxml2's depth limit (no huge_tree): 5,000 nested elements are refused
    by the parser itself."""
    deep = "<x>" * 5000 + "</x>" * 5000
    result = parse_fast(rss(inside_channel=deep), {})
    assert result.entries is None and result.reason.startswith("lxml:")
    assert "depth" in result.reason.lower()


def test_a_huge_text_node_hits_libxml2s_size_limit() -> None:
    """It should keep libxml2's 10 MB text-node limit (no huge_tree)."""
    huge = f"<item><title>t</title><description>{'x' * 11_000_000}</description></item>"
    result = parse_fast(rss(huge), {})
    assert result.entries is None and result.reason.startswith("lxml:")


def test_a_32kb_author_is_read_at_once() -> None:
    """It should read the author that sends feedparser's author regex into minutes of work,
    bounded like any author."""
    body = rss(f"<item><title>x</title><author>{'a' * 32 * 1024}</author></item>")
    assert parse_fast(body, {}).entries is not None
    [mention] = parse_feed(body, {}, OPTIONS).mentions
    assert mention.author.startswith("a" * 1000) and len(mention.author) == AUTHOR_LIMIT


@pytest.mark.parametrize(("headers", "reason"), [
    ({"content-type": "text/html"}, "not an XML feed type"),
    ({"content-type": "application/rss+xml; charset=iso-8859-1"}, "not UTF-8"),
    ({"content-location": "http://example.com/"}, "Content-Location"),
])
def test_headers_feedparser_reads_differently_send_the_feed_to_it(
        headers: dict[str, str], reason: str) -> None:
    """It should leave to feedparser a feed whose headers change how feedparser reads it."""
    assert reason in parse_fast(rss(), headers).reason


def test_text_xml_without_a_charset_is_fast_only_for_an_ascii_body() -> None:
    """It should read an ASCII body served as text/xml without a charset (US-ASCII to
    feedparser, so the same text) and leave a non-ASCII one to feedparser, which warns."""
    text_xml = {"content-type": "text/xml"}
    assert parse_fast(rss(), text_xml).reason == ""
    assert "US-ASCII" in parse_fast(rss(ITEM.replace("fine", "café")), text_xml).reason
