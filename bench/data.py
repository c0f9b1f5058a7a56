"""Deterministic benchmark data, written by us: short social posts and 1 KB HTML blog entries.

Every figure in a run is measured on the same bytes, and two runs with the same sizes produce
the same bytes, so a ratio moves only when the code under test does. The vocabulary mixes
neutral words with words VADER scores, so sentiment scoring does real work.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

ENTRIES_PER_FEED = 20  # the feed shape: 20 entries each
POST_WORDS = 30  # a short social post
HTML_BYTES = 1024  # a blog entry's body, as markup
BASE_TIME = 1_700_000_000  # a fixed epoch so dates (and so bytes) never depend on today

NEUTRAL = (
    "the", "a", "our", "new", "app", "update", "release", "team", "today", "week", "store",
    "price", "support", "order", "phone", "screen", "battery", "feature", "version", "account",
    "login", "delivery", "shop", "customer", "service", "plan", "install", "settings", "night",
    "morning", "city", "friend", "family", "music", "photo", "video", "camera", "brand",
    "refund", "crash",  # the words bench_inbox.py searches for, so its search finds rows
)
POSITIVE = ("love", "great", "excellent", "amazing", "happy", "best", "fantastic", "helpful",
            "nice", "wonderful")
NEGATIVE = ("hate", "terrible", "awful", "broken", "slow", "worst", "annoying", "bad",
            "disappointed", "useless")
BRANDS = ("Acme", "Globex", "Initech", "#acme", "@acmehelp")


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item as we serve it."""

    guid: str
    title: str
    body: str  # plain words for posts; markup for HTML entries
    link: str
    published: int


def words(rng: random.Random, count: int) -> str:
    """``count`` words, about one in six carrying sentiment and one in ten naming a brand."""
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.choice(POSITIVE))
        elif roll < 0.16:
            out.append(rng.choice(NEGATIVE))
        elif roll < 0.26:
            out.append(rng.choice(BRANDS))
        else:
            out.append(rng.choice(NEUTRAL))
    return " ".join(out)


def html_body(rng: random.Random) -> str:
    """About ``HTML_BYTES`` of blog markup: paragraphs, a link, emphasis, an entity."""
    parts = [f"<p>{words(rng, 12)} &amp; <em>{words(rng, 3)}</em></p>"]
    while sum(map(len, parts)) < HTML_BYTES - 120:
        parts.append(f'<p>{words(rng, 14)} <a href="https://example.com/{rng.randrange(999)}">'
                     f"{words(rng, 2)}</a>.</p>")
    return "".join(parts)[:HTML_BYTES]


def entries(feed: int, kind: str = "post", count: int = ENTRIES_PER_FEED) -> list[Entry]:
    """The entries of feed number ``feed``; ``kind`` is "post" or "html"."""
    rng = random.Random(f"{kind}:{feed}")  # seeded per feed: any feed can be rebuilt alone
    out = []
    for i in range(count):
        body = words(rng, POST_WORDS) if kind == "post" else html_body(rng)
        out.append(Entry(
            guid=f"urn:bench:{kind}:{feed}:{i}",
            title=words(rng, 8),
            body=body,
            link=f"https://example.com/{kind}/{feed}/{i}",
            published=BASE_TIME - feed * 3600 - i * 60,
        ))
    return out


def rss(feed: int, kind: str = "post", count: int = ENTRIES_PER_FEED) -> bytes:
    """Feed number ``feed`` as RSS 2.0 bytes."""
    items = "".join(_item(e) for e in entries(feed, kind, count))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>https://example.com/{kind}/{feed}</link>"
        f"<description>Benchmark feed {feed}</description>{items}</channel></rss>\n"
    ).encode()


def _item(entry: Entry) -> str:
    date = format_datetime(datetime.fromtimestamp(entry.published, UTC))
    return (
        f"<item><title>{escape(entry.title)}</title><link>{entry.link}</link>"
        f'<guid isPermaLink="false">{entry.guid}</guid><pubDate>{date}</pubDate>'
        f"<description>{escape(entry.body)}</description></item>"
    )


def bodies(feeds: int, kind: str = "post") -> Iterator[bytes]:
    """The first ``feeds`` feeds of ``kind`` as RSS bytes."""
    for feed in range(feeds):
        yield rss(feed, kind)
