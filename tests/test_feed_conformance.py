"""Conformance of the feed parser against third-party corpora (../shared/corpora).

feedparser stays the reference: on the same bytes, every entry it finds that has something to
read becomes a mention, with plain, inert text. Bombs and external entities from
malicious-inputs are refused before any parser expands or fetches them, and feedparser's known
pathologies are bounded by the worker pool's deadline.
"""

from __future__ import annotations

import ast
import html
import io
import re
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest

from core.analysis.text import html_to_text, sanitize
from core.polling.workers import ParseTimeout, WorkerPool
from core.sources.base import ParseOptions
from core.sources.feed import parse_feed, parse_feed_with_feedparser
from tests.loopback import LoopbackServer, Reply

pytestmark = pytest.mark.corpus

OPTIONS = ParseOptions(source="corpus", kind="feed", url="http://example.com/feed.xml",
                       options={"now": 4_102_444_800})  # 2100: the corpus's dates are all valid
HEADER_LINE = re.compile(rb"^Header:\s*([^:\r\n]+):\s*(.*?)\s*$", re.M)
TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Refused on purpose: it declares an internal entity. Feeds do not need them, and allowing
# "harmless" ones is exactly the opening quadratic blowup uses (see core.sources.feed).
REFUSED_BY_DESIGN = {"wellformed/rss/entity_in_doctype.xml"}
# Its content is literally a broken CDATA marker around a script tag, HTML-escaped twice; the
# text we keep ("<![CDATA[<script>]]>") is the inert remainder of that, not markup.
LITERAL_MARKUP = {"wellformed/sanitize/item_content_encoded_script_nested_cdata.xml"}
# defusedxml's samples: which are attacks (refused by the guard) and which are merely not feeds.
BOMBS = ["cyclic.xml", "external.xml", "external_file.xml", "quadratic.xml", "xmlbomb.xml",
         "xmlbomb2.xml"]
NOT_FEEDS = ["dtd.xml", "dtd_element.xml", "simple.xml"]


def headers_of(body: bytes) -> dict[str, str]:
    """The HTTP headers a feedparser test case asks for in its leading comment."""
    return {k.decode().strip().lower(): v.decode() for k, v in HEADER_LINE.findall(body[:3000])}


def reference(body: bytes, headers: dict[str, str]) -> Any:
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False,
                            resolve_relative_uris=False)


def has_substance(entry: Any) -> bool:
    """An oracle independent of core.analysis.text: does feedparser's entry hold anything to read or
    follow? (Entries holding only an author or a date are skipped by design.)"""
    values = [entry.get("title"), entry.get("summary"), entry.get("id")]
    values += [c.get("value") for c in entry.get("content") or []]
    crude = [html.unescape(re.sub(r"<[^>]*>", "", v)) for v in values if isinstance(v, str)]
    link = entry.get("link") or ""
    return any(v.strip() for v in crude) or link.startswith(("http://", "https://", "/"))


def html_fields(entry: Any) -> list[str]:
    """Which of our fields came from HTML in this entry (only those must be free of tags)."""
    fields = []
    if "html" in (entry.get("title_detail") or {}).get("type", ""):
        fields.append("title")
    details = [*(entry.get("content") or []), entry.get("summary_detail") or {}]
    if details and "html" in details[0].get("type", ""):
        fields.append("text")
    return fields


def check_case(path: Path, root: Path) -> list[str]:
    """Everything wrong with our parse of one well-formed case, as readable lines."""
    name = str(path.relative_to(root))
    body = path.read_bytes()
    ref = reference(body, headers_of(body))
    page = parse_feed(body, headers_of(body), OPTIONS)
    if name in REFUSED_BY_DESIGN:
        return [] if (page.error or "").startswith("refused:") else [f"{name}: not refused"]
    problems = []
    if ref.entries and page.error:
        problems.append(f"{name}: error {page.error!r}")
    expected = [e for e in ref.entries if has_substance(e)]
    if len(page.mentions) != len(expected):
        problems.append(f"{name}: {len(page.mentions)} mentions, expected {len(expected)}")
        return problems
    for entry, mention in zip(expected, page.mentions, strict=True):
        for field in ("title", "text", "author", "url"):
            if UNSAFE.search(getattr(mention, field) or ""):
                problems.append(f"{name}: control character in {field}")
        problems += [f"{name}: markup left in {f}" for f in html_fields(entry)
                     if markup_left(getattr(mention, f), body) and name not in LITERAL_MARKUP]
    return problems


def markup_left(text: str, body: bytes) -> bool:
    """A tag in our text that the source did not write as escaped text (&lt;tag>)."""
    source = body.decode("utf-8", "replace")
    return any(f"&lt;{tag[1:-1]}" not in source for tag in TAG.findall(text))


def test_every_wellformed_case_parses_like_feedparser(corpora: Path) -> None:
    """It should turn every well-formed feedparser case into as many clean mentions as
    feedparser finds entries with content, with no error where there are entries."""
    root = corpora / "feedparser-tests"
    cases = sorted((root / "wellformed").rglob("*.xml"))
    assert len(cases) > 1500
    problems = [line for case in cases for line in check_case(case, root)]
    assert problems == [], "\n".join(problems[:30])


def test_illformed_cases_keep_their_entries_with_a_warning(corpora: Path) -> None:
    """It should keep whatever entries parse from an ill-formed feed and warn, or fail
    clearly when nothing parses."""
    for path in sorted((corpora / "feedparser-tests/illformed").rglob("*.xml")):
        body = path.read_bytes()
        ref = reference(body, headers_of(body))
        page = parse_feed(body, headers_of(body), OPTIONS)
        if any(has_substance(e) for e in ref.entries):
            assert page.mentions, path.name
            assert page.warning or not ref.bozo, path.name
        elif not ref.entries and ref.bozo:
            # A known feed type whose only fault is its label (charset, media type) is an empty
            # feed, not an error; anything else with nothing parsed is an error.
            label_only = isinstance(ref.bozo_exception, LABEL_COMPLAINTS) and ref.version
            assert bool(page.error) != bool(label_only), path.name


LABEL_COMPLAINTS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
EXPECTED_TEXT = re.compile(
    r"entries\[0\](?:\['(description|summary)'\]|\.(summary)) == (u?'(?:[^'\\]|\\.)*')"
)


def test_encoding_cases_give_correct_unicode(corpora: Path) -> None:
    """It should decode every charset case to the text feedparser's own suite expects."""
    checked = 0
    for path in sorted((corpora / "feedparser-tests/encoding").rglob("*.xml")):
        body = path.read_bytes()
        ref = reference(body, headers_of(body))
        page = parse_feed(body, headers_of(body), OPTIONS)
        if ref.entries:
            assert page.error is None, (path.name, page.error)
        match = EXPECTED_TEXT.search(body[:3000].decode("latin-1"))
        if match is None or not page.mentions:
            continue
        literal = ast.literal_eval(match.group(3).lstrip("u"))
        is_html = "html" in ref.entries[0].get("summary_detail", {}).get("type", "")
        expected = html_to_text(literal) if is_html else sanitize(literal).strip()
        # Decoding is what is checked: the non-ASCII characters, in order. (Some expectations
        # assume feedparser's sanitiser ran, which we turn off.)
        assert non_ascii(page.mentions[0].text) == non_ascii(expected), path.name
        checked += 1
    assert checked >= 8


def non_ascii(text: str) -> str:
    return "".join(c for c in text if ord(c) > 127)


def test_no_w3c_validator_case_crashes_or_hangs(corpora: Path) -> None:
    """It should parse every W3C feed-validator case without an exception, each quickly."""
    cases = sorted((corpora / "w3c-feedvalidator-testcases").rglob("*.xml"))
    assert len(cases) > 1000
    slowest = 0.0
    for path in cases:
        started = time.perf_counter()
        page = parse_feed(path.read_bytes(), {}, OPTIONS)
        slowest = max(slowest, time.perf_counter() - started)
        assert page.error or page.mentions is not None
    assert slowest < 2.0


def test_newsboat_samples(corpora: Path) -> None:
    """It should give a clear error for the 0-byte file and keep items without titles."""
    root = corpora / "newsboat-testdata"
    empty = parse_feed((root / "empty.xml").read_bytes(), {}, OPTIONS)
    assert empty.error == "not a feed: the server sent an empty response"
    untitled = parse_feed((root / "items_without_titles.xml").read_bytes(), {}, OPTIONS)
    assert untitled.error is None and untitled.mentions
    assert all(m.text or m.url for m in untitled.mentions)
    assert any(m.title == "" for m in untitled.mentions)
    for path in sorted(root.glob("*.xml")):
        if path.name != "empty.xml":
            assert parse_feed(path.read_bytes(), {}, OPTIONS).error is None, path.name


# --- malicious inputs ----------------------------------------------------------------------------


def refused_quickly(body: bytes, headers: dict[str, str] | None = None) -> str:
    started = time.perf_counter()
    page = parse_feed(body, headers or {}, OPTIONS)
    assert time.perf_counter() - started < 0.5
    assert not page.mentions
    return page.error or ""


@pytest.mark.parametrize("name", BOMBS)
def test_defusedxml_bombs_are_refused_by_the_guard(corpora: Path, name: str) -> None:
    """It should refuse each entity bomb, also re-encoded as UTF-16, in well under a second."""
    text = (corpora / "malicious-inputs/defusedxml" / name).read_bytes().decode("utf-8")
    for body in (text.encode("utf-8"), text.encode("utf-16"), text.encode("utf-16-be")):
        assert refused_quickly(body).startswith("refused:"), name


@pytest.mark.parametrize("name", NOT_FEEDS)
def test_defusedxml_non_feeds_are_errors(corpora: Path, name: str) -> None:
    """It should report the DTD-bearing documents that are not feeds as errors, quickly."""
    body = (corpora / "malicious-inputs/defusedxml" / name).read_bytes()
    assert refused_quickly(body).startswith(("not a feed:", "refused:"))


def test_xxe_to_a_file_reads_nothing(corpora: Path, tmp_path: Path) -> None:
    """It should refuse a feed whose entity names a local file, and never show the file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    text = (corpora / "malicious-inputs/feedvalidator-xxe/system_entity.xml").read_text()
    hostile = re.sub(r'SYSTEM\s+"[^"]*"', f'SYSTEM "{secret.as_uri()}"', text)
    assert secret.as_uri() in hostile
    for body in (hostile.encode(), hostile.encode("utf-16")):
        error = refused_quickly(body)
        assert error.startswith("refused:") and "TOP-SECRET" not in error


def test_xxe_to_a_url_fetches_nothing(corpora: Path, loopback: LoopbackServer) -> None:
    """It should refuse a feed whose entity names a loopback URL; the server sees no request."""
    target = loopback.route("/xxe", Reply(200, b"FETCHED"))
    text = (corpora / "malicious-inputs/feedvalidator-xxe/system_entity_http.xml").read_text()
    hostile = re.sub(r'SYSTEM\s+"[^"]*"', f'SYSTEM "{target}"', text)
    assert target in hostile
    for body in (hostile.encode(), hostile.encode("utf-16")):
        assert refused_quickly(body).startswith("refused:")
    # An entity fetch would be made, and answered, while the parse still ran: no wait needed.
    assert loopback.hits("/xxe") == []


# --- feedparser pathologies, bounded by the worker pool -----------------------------------------


def rss_items(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"{items}</channel></rss>"
    ).encode()


async def test_a_32kb_author_is_killed_at_the_deadline() -> None:
    """It should kill feedparser stuck in its author regex and report a timeout."""
    body = rss_items(f"<item><title>x</title><author>{'a' * 32 * 1024}</author></item>")
    async with WorkerPool(1, preload=("core.sources.feed",)) as pool:
        assert len((await pool.run(parse_feed, rss_items("<item><title>w</title></item>"),
                                   {}, OPTIONS)).mentions) == 1  # warm: imports done
        started = time.monotonic()
        with pytest.raises(ParseTimeout):  # feedparser is what the deadline guards (the
            # fast path reads this feed without trouble), so it is asked directly
            await pool.run(parse_feed_with_feedparser, body, {}, OPTIONS, deadline=1.0)
        assert time.monotonic() - started < 2.5


@pytest.mark.slow
async def test_a_feed_with_74k_items_parses() -> None:
    """It should parse a 74,000-item feed (about 11 MB) in a worker and bring it all back."""
    items = "".join(
        f"<item><title>Item {i}</title><link>http://example.com/{i}</link>"
        f"<guid>g{i}</guid><description>short text {i}</description></item>"
        for i in range(74_000)
    )
    body = rss_items(items)
    assert len(body) < 15 * 1024 * 1024  # under the fetch client's byte cap
    async with WorkerPool(1) as pool:
        started = time.monotonic()
        page = await pool.run(parse_feed, body, {}, OPTIONS, deadline=55.0)
        elapsed = time.monotonic() - started
    assert page.error is None and len(page.mentions) == 74_000
    assert page.mentions[-1].guid == "g73999"
    print(f"\n74k-item feed ({len(body) / 1e6:.1f} MB): {elapsed:.1f} s in a worker")
