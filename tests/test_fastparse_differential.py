"""The fast feed path gives exactly the mentions feedparser's path gives, on every feed we have.

Every feed file in ../shared/corpora, the demo's feeds, the bench's feeds and the 516 hostile
strings (as RSS and Atom titles, bodies and authors) are parsed twice: by ``parse_feed`` (the
fast path where ``core.sources.fastparse`` accepts the document) and by
``parse_feed_with_feedparser``. The mentions must be equal field by field (count, ids, links,
titles, text after cleaning, dates, authors, engagement), and so must the error and warning.
Each file's path (fast, or the reason it went to feedparser) is printed (``pytest -s``); a floor
on the fast share keeps the comparison from passing because nothing took the fast path.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bench import data
from core.analysis.enrich import EnrichSpec
from core.demo.content import FAILING_PATH, build_demo_feeds, content_type
from core.model import Mention
from core.polling.pipeline import parse_and_enrich
from core.sources.base import ParsedPage, ParseOptions, Parser
from core.sources.fastparse import parse_fast
from core.sources.feed import parse_feed, parse_feed_with_feedparser
from tests.test_store import open_with_source

OPTIONS = ParseOptions(source="corpus", kind="feed", url="http://example.com/feed.xml",
                       options={"now": 4_102_444_800})  # 2100: every corpus date counts
FEED_FOLDERS = ("feedparser-tests", "w3c-feedvalidator-testcases", "newsboat-testdata",
                "miniflux-testdata", "malicious-inputs")
FEED_SUFFIXES = (".xml", ".atom", ".rss", ".rdf")
HEADER_LINE = re.compile(rb"^Header:\s*([^:\r\n]+):\s*(.*?)\s*$", re.M)
DEMO_NOWS = (1_767_225_600, 1_790_000_000)
# The demo feeds the fast path must read: all but the failing path, which serves an HTML page.
DEMO_FAST = {"/alerts/northwind.atom", "/journal/rss.xml", "/reddit/search.rss",
             "/mastodon/tags/northwindcoffee.rss", "/hnrss/newest.rss", "/youtube/videos.xml"}
# The corpora are mostly one-feature test cases (CDF, RSS 0.9x, Atom 0.3, xhtml, entities,
# encodings...), so under half take the fast path; fewer than this means the gate broke.
CORPUS_FAST_FLOOR = 1500

Case = tuple[str, bytes, dict[str, str]]


def headers_of(body: bytes) -> dict[str, str]:
    """The HTTP headers a feedparser test case asks for in its leading comment."""
    return {k.decode().strip().lower(): v.decode() for k, v in HEADER_LINE.findall(body[:3000])}


def corpus_cases(corpora: Path) -> Iterator[Case]:
    for folder in FEED_FOLDERS:
        for path in sorted((corpora / folder).rglob("*")):
            if path.suffix in FEED_SUFFIXES:
                body = path.read_bytes()
                headers = headers_of(body) if folder == "feedparser-tests" else {}
                yield str(path.relative_to(corpora)), body, headers


def demo_cases() -> Iterator[Case]:
    for now in DEMO_NOWS:
        for path, body in build_demo_feeds(now).items():
            yield f"demo@{now}{path}", body, {"Content-Type": content_type(path)}


def bench_cases() -> Iterator[Case]:
    headers = {"Content-Type": "application/rss+xml; charset=utf-8"}  # as bench/server.py
    for kind in ("post", "html"):
        for number, body in enumerate(data.bodies(10, kind)):
            yield f"bench/{kind}/{number}", body, headers


def label_cases() -> Iterator[Case]:
    """One bench feed, ASCII and not, under the Content-Types servers send."""
    ascii_body = next(iter(data.bodies(1, "post")))
    accented = ascii_body.replace(b"<title>", "<title>café ".encode(), 1)
    for label in ("text/xml", "text/xml; charset=utf-8", "application/xml", "text/html",
                  "application/rss+xml; charset=iso-8859-1", "text/plain"):
        for name, body in (("ascii", ascii_body), ("accented", accented)):
            yield f"label/{label}/{name}", body, {"Content-Type": label}


def hostile_cases(corpora: Path) -> Iterator[Case]:
    raw = json.loads((corpora / "malicious-inputs/blns/blns.base64.json").read_text())
    for number, encoded in enumerate(raw):
        text = xml_text(base64.b64decode(encoded).decode("utf-8", "replace"))
        yield f"blns/rss/{number}", rss_with(text, number), {}
        for kind in ("text", "html"):
            yield f"blns/atom-{kind}/{number}", atom_with(text, number, kind), {}


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry, escaped."""
    allowed = (c for c in text if c in "\t\n\r" or (
        ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff"))
    return escape("".join(allowed))


def rss_with(text: str, number: int) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
        f"<title>{text}</title><link>http://example.com/{number}</link><guid>g{number}</guid>"
        f"<description>{text}</description><dc:creator>{text}</dc:creator></item></channel></rss>"
    ).encode()


def atom_with(text: str, number: int, kind: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<entry><id>urn:x:{number}</id><title type="{kind}">{text}</title>'
        f'<content type="{kind}">{text}</content>'
        f"<author><name>{text}</name><uri>http://example.com/{text}</uri></author></entry></feed>"
    ).encode()


YOUTUBE_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/">'
    "<title>Channel</title>{entry}</feed>"
)
# Shapes of a YouTube entry, written here: each reads like feedparser, on whichever path.
YOUTUBE_ENTRIES = {
    "plain": "<entry><id>yt:video:a</id><yt:videoId>a</yt:videoId><title>Review</title>"
             '<link rel="alternate" href="https://video.example/a"/><author><name>Sofie</name>'
             "<uri>https://video.example/@sofie</uri></author>"
             "<published>2026-11-30T10:00:00+00:00</published><media:group>"
             "<media:title>Review</media:title>"
             '<media:content url="https://video.example/v/a" type="application/x-shockwave-flash"/>'
             '<media:thumbnail url="https://i.example/a.jpg" width="480" height="360"/>'
             "<media:description>Still &lt;b&gt;waiting&lt;/b&gt; for my refund</media:description>"
             '<media:community><media:starRating count="3" average="4.6" min="1" max="5"/>'
             '<media:statistics views="111"/></media:community></media:group></entry>',
    "media title first": "<entry><id>b</id><media:group><media:title>Media</media:title>"
                         "</media:group><title>Atom</title></entry>",
    "no atom title": "<entry><id>c</id><media:group><media:title>Only media</media:title>"
                     "<media:description>text</media:description></media:group></entry>",
    "empty atom title": "<entry><id>d</id><title> </title><media:group>"
                        "<media:title>Media</media:title></media:group></entry>",
    "summary too": "<entry><id>e</id><title>t</title><summary>Atom summary</summary>"
                   "<media:group><media:description>media</media:description></media:group>"
                   "</entry>",
    "two groups": "<entry><id>f</id><title>t</title><media:group><media:description>one"
                  "</media:description></media:group><media:group><media:description>two"
                  "</media:description></media:group></entry>",
}


def shape_cases() -> Iterator[Case]:
    for name, entry in YOUTUBE_ENTRIES.items():
        yield f"youtube/{name}", YOUTUBE_FEED.format(entry=entry).encode(), {}


def path_taken(body: bytes, headers: dict[str, str]) -> str:
    """"fast", or why the document went to feedparser."""
    lowered = {k.lower(): v for k, v in headers.items()}
    return parse_fast(body, lowered).reason or "fast"


def differences(reference: ParsedPage, fast: ParsedPage) -> list[str]:
    """Every field in which the two pages differ, readably."""
    found = [f"{name}: {getattr(reference, name)!r} != {getattr(fast, name)!r}"
             for name in ("error", "warning") if getattr(reference, name) != getattr(fast, name)]
    if len(reference.mentions) != len(fast.mentions):
        return [*found, f"{len(reference.mentions)} mentions != {len(fast.mentions)}"]
    for number, (ours, theirs) in enumerate(zip(reference.mentions, fast.mentions, strict=True)):
        found += [f"mention {number} {name}: {getattr(ours, name)!r:.80} != "
                  f"{getattr(theirs, name)!r:.80}"
                  for name in ours.__dataclass_fields__
                  if getattr(ours, name) != getattr(theirs, name)]
    return found


def compare(cases: Iterator[Case]) -> tuple[Counter[str], list[str]]:
    """The paths taken, by reason, and every difference, each line naming its file."""
    paths: Counter[str] = Counter()
    problems: list[str] = []
    for name, body, headers in cases:
        taken = path_taken(body, headers)
        paths["fast" if taken == "fast" else "feedparser"] += 1
        print(f"{name}\t{taken}")
        reference = parse_feed_with_feedparser(body, headers, OPTIONS)
        problems += [f"{name}: {line}"
                     for line in differences(reference, parse_feed(body, headers, OPTIONS))]
    return paths, problems


@pytest.mark.corpus
def test_every_corpus_feed_gives_feedparsers_mentions(corpora: Path) -> None:
    """It should give, for every feed file in the corpora, exactly feedparser's mentions."""
    paths, problems = compare(corpus_cases(corpora))
    print(f"corpora: {paths['fast']} fast, {paths['feedparser']} feedparser")
    assert problems == [], "\n".join(problems[:40])
    assert paths["fast"] >= CORPUS_FAST_FLOOR


@pytest.mark.corpus
def test_hostile_strings_read_the_same_on_both_paths(corpora: Path) -> None:
    """It should read every hostile string, as RSS and as Atom text and HTML, like feedparser."""
    paths, problems = compare(hostile_cases(corpora))
    assert problems == [], "\n".join(problems[:40])
    assert paths["fast"] > 0.9 * (paths["fast"] + paths["feedparser"])


def test_demo_and_bench_feeds_give_feedparsers_mentions() -> None:
    """It should read the demo's and the bench's feeds, and YouTube-shaped entries, like
    feedparser, through the fast path for every demo feed but the HTML page and every bench
    feed."""
    paths, problems = compare(bench_cases())
    assert problems == [], "\n".join(problems)
    assert paths == Counter(fast=20)
    paths, problems = compare(demo_cases())
    assert problems == [], "\n".join(problems)
    paths, problems = compare(shape_cases())
    assert problems == [], "\n".join(problems)
    paths, problems = compare(label_cases())
    assert problems == [], "\n".join(problems)
    assert paths == Counter(fast=5, feedparser=7)
    assert path_taken(YOUTUBE_FEED.format(entry=YOUTUBE_ENTRIES["plain"]).encode(), {}) == "fast"
    for now in DEMO_NOWS:
        fast = {path for path, body in build_demo_feeds(now).items()
                if path_taken(body, {"Content-Type": content_type(path)}) == "fast"}
        assert fast == DEMO_FAST, now
    assert FAILING_PATH not in DEMO_FAST


def enriched(cases: list[Case], parse: Parser, now: int) -> list[Mention]:
    """The mentions a worker hands the store for ``cases`` (keys, language, sentiment...)."""
    spec = EnrichSpec(sets=(), match_all=True, source="s")
    return [m for _, body, headers in cases
            for m in parse_and_enrich(parse, body, headers, OPTIONS, spec, now).mentions]


async def stored_rows(db: Path, mentions: list[Mention], now: int) -> list[tuple[object, ...]]:
    """Every column of every mention row, after one ingest into a fresh store."""
    store, source = await open_with_source(db)
    assert (await store.ingest(source, mentions, now=now)).skipped == []
    await store.close()
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT * FROM mentions ORDER BY id").fetchall()


async def test_a_store_filled_by_feedparser_gets_no_duplicates_from_the_fast_path(
        tmp_path: Path) -> None:
    """It should key every fast-path mention as feedparser's path keyed it: re-polling a
    store ingested the old way (the worker's parse-and-enrich, then the store) adds nothing."""
    now = max(DEMO_NOWS) + 3600
    cases = [*demo_cases(), *bench_cases()]
    old = enriched(cases, parse_feed_with_feedparser, now)
    new = enriched(cases, parse_feed, now)
    assert [m.key for m in new] == [m.key for m in old]
    store, source = await open_with_source(tmp_path / "lp.db")
    first = await store.ingest(source, old, now=now)
    again = await store.ingest(source, new, now=now + 60)
    assert first.new > 400 and first.skipped == []
    assert (again.new, again.updated, again.skipped) == (0, 0, [])
    assert await store.count_mentions() == first.new
    await store.close()


@pytest.mark.corpus
async def test_both_paths_store_identical_rows(corpora: Path, tmp_path: Path) -> None:
    """It should store, column for column, the same rows from either path, for the demo and
    for every corpus feed the fast path reads."""
    now = max(DEMO_NOWS) + 3600
    fast = [case for case in corpus_cases(corpora) if path_taken(case[1], case[2]) == "fast"]
    cases = [*demo_cases(), *fast]
    old = await stored_rows(tmp_path / "old.db", enriched(cases, parse_feed_with_feedparser,
                                                          now), now)
    new = await stored_rows(tmp_path / "new.db", enriched(cases, parse_feed, now), now)
    assert len(old) > 400  # corpus cases share ids ("http://example.com/1"), so keys collapse
    assert new == old
