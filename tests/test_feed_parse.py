"""Tests for the feed adapter's parser: feed bytes to clean mentions, and the entity guard."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from core.model import SourceConfig
from core.net.fetch import Fetcher, Response
from core.net.policy import NetworkPolicy
from core.polling.workers import WorkerPool
from core.sources.base import (
    ParsedPage,
    ParseOptions,
    Parser,
    PollResult,
    SourceError,
    SourceState,
)
from core.sources.feed import ADAPTER, AUTHOR_LIMIT, TEXT_LIMIT, TITLE_LIMIT, parse_feed
from tests.loopback import LoopbackServer, Reply, Request

NOW = 1_763_800_000
OPTIONS = ParseOptions(source="test", kind="feed", url="http://example.com/feed.xml",
                       options={"now": NOW})
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> bytes:
    return (
        f'{prolog}<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
        f"<channel><title>t</title><link>http://example.com/</link>{items}</channel></rss>"
    ).encode()


def item(title: str = "Hello", description: str = "Body", extra: str = "") -> str:
    return (
        f"<item><title>{escape(title)}</title><link>http://example.com/a</link>"
        f"<guid>id-1</guid><description>{escape(description)}</description>{extra}</item>"
    )


def test_an_rss_item_becomes_a_mention() -> None:
    """It should map title, text, link, guid, author, date and comment count."""
    extra = (
        f"<pubDate>{formatdate(NOW - 3600, usegmt=True)}</pubDate>"
        "<author>jo@example.com (Jo Doe)</author><slash:comments>17</slash:comments>"
    )
    page = parse_feed(rss(item("Acme &amp; co", "<p>I <b>love</b> it &#x1F600;</p>", extra)),
                      RSS_TYPE, OPTIONS)
    assert page.error is None and page.warning is None
    [m] = page.mentions
    assert (m.platform, m.title, m.text) == ("feed", "Acme & co", "I love it 😀")
    assert (m.url, m.guid, m.published_at) == ("http://example.com/a", "id-1", NOW - 3600)
    assert "Jo Doe" in m.author and m.engagement.replies == 17 and m.owned is False


def test_owned_comes_from_the_parse_options() -> None:
    """It should mark mentions from an owned source as owned."""
    owned = ParseOptions(source="ours", kind="feed", url="http://example.com/", owned=True)
    assert parse_feed(rss(item()), RSS_TYPE, owned).mentions[0].owned is True


def test_atom_content_is_preferred_over_summary() -> None:
    """It should take an Atom entry's full content over its summary, and the author's link."""
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>'
        b"<updated>2025-11-22T00:00:00Z</updated><entry><id>urn:e1</id><title>T</title>"
        b'<link href="/posts/1"/><updated>2025-11-21T10:00:00Z</updated>'
        b"<author><name>Ann</name><uri>https://ann.example/</uri></author>"
        b"<summary>short</summary>"
        b'<content type="html">&lt;p&gt;the &lt;em&gt;full&lt;/em&gt; text&lt;/p&gt;</content>'
        b"</entry></feed>"
    )
    [m] = parse_feed(body, {"Content-Type": "application/atom+xml"}, OPTIONS).mentions
    assert (m.text, m.author, m.author_url) == ("the full text", "Ann", "https://ann.example/")
    assert m.url == "http://example.com/posts/1"  # resolved against the feed's own URL
    assert m.published_at == 1_763_719_200


def test_a_plain_text_title_keeps_its_angle_brackets() -> None:
    """It should not strip '<div>' from a title the feed declares as plain text."""
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:e</id>'
        b'<title type="text">Why &lt;div&gt; soup hurts</title></entry></feed>'
    )
    assert parse_feed(body, {}, OPTIONS).mentions[0].title == "Why <div> soup hurts"


def test_control_characters_and_bidi_overrides_are_stripped() -> None:
    """It should deliver titles and texts with no escape sequences or bidi overrides."""
    page = parse_feed(rss(item("a\x1b]52;c;ZXZpbA==\x07b", "x &#x202E;y\u2066z")), RSS_TYPE,
                      OPTIONS)
    [m] = page.mentions
    assert (m.title, m.text) == ("ab", "x yz")


def test_absurd_dates_are_ignored() -> None:
    """It should drop dates far in the future or before feeds existed."""
    future = item(extra=f"<pubDate>{formatdate(NOW + 30 * 86400, usegmt=True)}</pubDate>")
    ancient = item(extra="<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>")
    for body in (future, ancient):
        assert parse_feed(rss(body), RSS_TYPE, OPTIONS).mentions[0].published_at is None


def test_unsafe_links_are_dropped() -> None:
    """It should keep only http(s) links, so no javascript: or file: URL reaches the screen."""
    body = rss(
        "<item><title>x</title><link>javascript:alert(1)</link></item>"
        "<item><title>y</title><link>file:///etc/passwd</link></item>"
    )
    assert [m.url for m in parse_feed(body, RSS_TYPE, OPTIONS).mentions] == [None, None]


def test_fields_are_bounded() -> None:
    """It should cut huge titles, authors and texts to their limits with an ellipsis."""
    words = "word " * 40_000
    extra = f"<author>{'n' * 5000}</author>"
    [m] = parse_feed(rss(item(words[:9000], words, extra)), RSS_TYPE, OPTIONS).mentions
    assert len(m.title) <= TITLE_LIMIT and m.title.endswith("…")
    assert len(m.text) <= TEXT_LIMIT and m.text.endswith("…")
    assert len(m.author) <= AUTHOR_LIMIT


def test_items_without_title_keep_their_text_and_empty_items_are_skipped() -> None:
    """It should keep a title-less item and skip one with nothing in it, saying so."""
    page = parse_feed(rss("<item><description>only text</description></item><item></item>"),
                      RSS_TYPE, OPTIONS)
    assert [(m.title, m.text) for m in page.mentions] == [("", "only text")]
    assert page.warning and "1 entries had no title" in page.warning


def test_an_empty_body_is_an_error() -> None:
    """It should report an empty or blank response as not a feed."""
    for body in (b"", b"  \n\t"):
        page = parse_feed(body, RSS_TYPE, OPTIONS)
        assert page.error and "empty" in page.error and not page.mentions


def test_an_html_page_is_named_as_such() -> None:
    """It should say the server sent an HTML page, whatever its Content-Type."""
    pages = [
        (b"<!DOCTYPE html><html><head><title>Shop</title></head><body>hi</body></html>", {}),
        (b"<html><body><p>Welcome</p></body></html>", {"content-type": "text/html"}),
        (b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
         b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>', {}),
        (b"<div>no root html</div><p>x", {"Content-Type": "text/html; charset=utf-8"}),
    ]
    for body, headers in pages:
        assert parse_feed(body, headers, OPTIONS).error == (
            "not a feed: the server sent an HTML page, not a feed (check the URL: the page may "
            'link to its feed in a <link rel="alternate"> tag)'
        )


def test_broken_xml_with_entries_keeps_them_with_a_warning() -> None:
    """It should keep what parses from a malformed feed and record a short warning."""
    body = rss(item()).replace(b"</channel>", b"<oops></channel>")
    page = parse_feed(body, RSS_TYPE, OPTIONS)
    assert page.error is None and len(page.mentions) == 1
    assert page.warning and page.warning.startswith("the document is not well-formed XML")


def test_garbage_without_entries_is_an_error() -> None:
    """It should report 'not a feed' with the reason when nothing parses."""
    page = parse_feed(b"this is not xml at all {", RSS_TYPE, OPTIONS)
    assert page.error and page.error.startswith("not a feed: ")


def test_xml_that_is_not_a_feed_is_an_error_but_an_empty_feed_is_fine() -> None:
    """It should reject well-formed XML of another kind and accept a feed with no items."""
    assert parse_feed(b"<root><a>1</a></root>", {}, OPTIONS).error == (
        "not a feed: no RSS, Atom or RDF document was found in the response"
    )
    empty = parse_feed(rss(""), RSS_TYPE, OPTIONS)
    assert empty.error is None and empty.mentions == []


def test_a_body_that_looks_like_a_path_or_file_url_is_never_read(tmp_path: Path) -> None:
    """It should treat a body naming a local feed file as bytes, never open the file."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(item("SECRET FROM DISK")))
    for body in (str(secret).encode(), secret.as_uri().encode(), b"/etc/passwd"):
        page = parse_feed(body, RSS_TYPE, OPTIONS)
        assert page.error and not page.mentions


# --- the entity guard ------------------------------------------------------------------------


def _refused(body: bytes, headers: dict[str, str] | None = None) -> bool:
    started = time.perf_counter()
    page = parse_feed(body, headers or {}, OPTIONS)
    assert time.perf_counter() - started < 0.5
    return bool(page.error and page.error.startswith("refused:")) and not page.mentions


def test_internal_entities_are_refused() -> None:
    """It should refuse any <!ENTITY>, however harmless it looks."""
    assert _refused(rss(item("&e;"), prolog='<!DOCTYPE rss [<!ENTITY e "x">]>\n'))


def test_a_quadratic_blowup_is_refused_quickly() -> None:
    """It should refuse a 100 KB entity referenced thousands of times before expanding it."""
    prolog = f'<!DOCTYPE rss [<!ENTITY a "{"B" * 100_000}">]>\n'
    assert _refused(rss(item("&a;" * 20_000), prolog=prolog))


def test_external_and_parameter_entities_and_dtds_are_refused() -> None:
    """It should refuse SYSTEM entities, parameter entities and external DTDs."""
    prologs = [
        '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
        '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">',
        "<!DOCTYPE rss PUBLIC '-//Evil//DTD//EN' 'http://127.0.0.1:9/rss.dtd'>",
        '<!-- a comment first --><!DOCTYPE rss [<!-- ] > --><!ENTITY x "y">]>',
    ]
    for prolog in prologs:
        assert _refused(rss(item(), prolog=prolog)), prolog


def test_the_netscape_rss_091_doctype_is_allowed() -> None:
    """It should accept the one external DTD real feeds carry (never fetched)."""
    prolog = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
    )
    page = parse_feed(rss(item(), prolog=prolog), RSS_TYPE, OPTIONS)
    assert page.error is None and len(page.mentions) == 1


def test_entity_text_after_the_root_is_not_a_declaration() -> None:
    """It should accept a post that talks about <!ENTITY> in its body."""
    page = parse_feed(rss(item("XXE explained", "<![CDATA[<!ENTITY x SYSTEM 'f'>]]>")),
                      RSS_TYPE, OPTIONS)
    assert page.error is None and len(page.mentions) == 1


def test_utf16_and_utf32_bombs_are_refused() -> None:
    """It should see an entity declaration in UTF-16 and UTF-32 with and without a BOM."""
    doc = '<?xml version="1.0" encoding="{}"?><!DOCTYPE rss [<!ENTITY a "x">]><rss>&a;</rss>'
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        label = encoding.split("-")[0] + "-" + encoding.split("-")[1]
        assert _refused(doc.format(label).encode(encoding)), encoding


def test_an_encoding_chosen_by_the_http_header_is_scanned_too() -> None:
    """It should decode the prolog with the HTTP charset (UTF-7 hides '<' from a byte scan)."""
    body = b'+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a +ACI-x+ACI-+AD4-+AF0-+AD4-+ADw-rss+AD4-&a;'
    assert body.decode("utf-7").startswith('<!DOCTYPE rss [<!ENTITY a "x">]><rss>')
    assert _refused(body, {"Content-Type": "application/xml; charset=utf-7"})


def test_a_long_leading_comment_does_not_hide_a_declaration() -> None:
    """It should find a DOCTYPE that comes after a prolog longer than the first peek."""
    prolog = "<!--" + "x" * 200_000 + '-->\n<!DOCTYPE rss [<!ENTITY a "x">]>\n'
    assert _refused(rss(item(), prolog=prolog))


# --- the adapter's poll, over real HTTP, parsing in a real worker --------------------------------


@dataclass
class LoopbackPollContext:
    """A small honest PollContext: the real Fetcher on loopback and a real WorkerPool."""

    source: SourceConfig
    state: SourceState
    fetcher: Fetcher
    pool: WorkerPool
    now: int = NOW
    processed: int = 0

    async def fetch(self, url: str, *, headers: Mapping[str, str] | None = None,
                    conditional: bool = False, accept: tuple[int, ...] = (200,)) -> Response:
        response = await self.fetcher.get(
            url, headers=headers, etag=self.state.etag if conditional else None,
            last_modified=self.state.last_modified if conditional else None,
        )
        if response.status in accept or (conditional and response.status == 304):
            return response
        raise SourceError(f"HTTP {response.status}")

    async def post_json(self, url: str, payload: Mapping[str, object], *,
                        accept: tuple[int, ...] = (200,)) -> Response:
        raise SourceError("the feed adapter never posts")

    async def process(self, parser: Parser, response: Response) -> ParsedPage:
        self.processed += 1
        options = ParseOptions(source=self.source.name, kind="feed", url=response.url,
                               options={"now": self.now})
        return await self.pool.run(parser, response.body, response.headers, options)

    def secret(self) -> str | None:
        return None

    def keep_secret(self, value: str) -> None:
        raise AssertionError("the feed adapter has no session to keep secret")


def _etag_route(body: bytes, etag: str | None) -> Callable[[Request], Reply]:
    def reply(request: Request) -> Reply:
        if etag and request.headers.get("if-none-match") == etag:
            return Reply(304)
        headers = {"Content-Type": "application/rss+xml"} | ({"ETag": etag} if etag else {})
        return Reply(200, body, headers)

    return reply


async def _poll(loopback: LoopbackServer, body: bytes, etag: str | None,
                state: SourceState) -> tuple[PollResult, LoopbackPollContext]:
    url = loopback.route("/feed.xml", _etag_route(body, etag))
    policy = NetworkPolicy(allow_private_addresses=True)
    async with Fetcher(policy) as fetcher, WorkerPool(1) as pool:
        ctx = LoopbackPollContext(SourceConfig(name="blog", kind="feed", url=url), state,
                                  fetcher, pool)
        return await ADAPTER.poll(ctx), ctx


async def test_poll_fetches_parses_and_keeps_validators(loopback: LoopbackServer) -> None:
    """It should return the mentions and a state with the ETag and the body's hash."""
    result, _ = await _poll(loopback, rss(item()), '"v1"', SourceState())
    assert [m.title for m in result.mentions] == ["Hello"]
    assert result.state and result.state.etag == '"v1"' and result.state.body_hash


async def test_poll_reports_not_modified_on_304(loopback: LoopbackServer) -> None:
    """It should send the stored ETag and report a 304 as not modified, parsing nothing."""
    result, ctx = await _poll(loopback, rss(item()), '"v1"', SourceState(etag='"v1"'))
    assert result.not_modified and ctx.processed == 0
    assert loopback.hits("/feed.xml")[0].headers["if-none-match"] == '"v1"'


async def test_poll_skips_an_unchanged_body_without_parsing(loopback: LoopbackServer) -> None:
    """It should not parse a body whose hash matches the last one, even without validators."""
    first, _ = await _poll(loopback, rss(item()), None, SourceState())
    assert first.state is not None
    again, ctx = await _poll(loopback, rss(item()), None, first.state)
    assert again.not_modified and ctx.processed == 0


async def test_poll_raises_a_source_error_for_an_html_page(loopback: LoopbackServer) -> None:
    """It should turn a parse error (an HTML page) into a SourceError with the message."""
    with pytest.raises(SourceError, match="the server sent an HTML page"):
        await _poll(loopback, b"<!DOCTYPE html><html><body>shop</body></html>", None,
                    SourceState())
