"""Feeds the tests write: RSS 2.0 documents from plain (title, text) items.

Text is XML-escaped but otherwise passed through untouched, so hostile strings reach the parser
exactly as a hostile server would send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formatdate
from xml.sax.saxutils import escape


@dataclass
class FeedItem:
    title: str
    text: str
    guid: str
    published: int = 1_763_800_000  # a fixed moment: 2025-11-22, so outputs are stable
    link: str | None = None
    author: str | None = None


def rss(items: list[FeedItem], *, title: str = "Test feed") -> bytes:
    """An RSS 2.0 document holding ``items``."""
    entries = "".join(_item(i) for i in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.com/</link>"
        f"<description>test</description>{entries}</channel></rss>\n"
    ).encode("utf-8", "surrogatepass")


def _item(item: FeedItem) -> str:
    link = f"<link>{escape(item.link)}</link>" if item.link else ""
    author = f"<author>{escape(item.author)}</author>" if item.author else ""
    return (
        f"<item><title>{escape(item.title)}</title>{link}{author}"
        f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<pubDate>{formatdate(item.published, usegmt=True)}</pubDate>"
        f"<description>{escape(item.text)}</description></item>"
    )


def pearson(xs: list[float], ys: list[float]) -> float:
    """Pearson's r of two equally long samples."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / (vx * vy) ** 0.5
