"""Real mentions from the demo and the corpora, and a canonical dump of what a store holds.

Shared by the ingest equivalence test and the one-off comparison made when the ingest path
changes: the dump names rows by their dedupe key and authors by (platform, handle), never by
rowid, so two stores that hold the same things dump the same text whatever order wrote them.
"""

from __future__ import annotations

from pathlib import Path

from core.analysis.enrich import EnrichSpec, enrich
from core.demo.content import build_demo_feeds
from core.model import Mention
from core.sources.base import ParseOptions
from core.sources.feed import parse_feed
from core.store import Store
from core.store.rows import handle_of

# Fixed so both stores see the same clock (fetched_at, sort_at of undated entries).
NOW = 1_790_000_000
FEED_FOLDERS = ("feedparser-tests/wellformed", "newsboat-testdata", "w3c-feedvalidator-testcases",
                "miniflux-testdata")
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}

# (source name, mentions) per feed body, in a fixed order.
Feed = tuple[str, list[Mention]]


def demo_feeds() -> list[Feed]:
    return [parsed(f"demo{path}", body) for path, body in sorted(build_demo_feeds(NOW).items())
            if path.endswith(".xml")]


def corpus_feeds(corpora: Path) -> list[Feed]:
    feeds = []
    for folder in FEED_FOLDERS:
        for path in sorted((corpora / folder).rglob("*")):
            if path.suffix in FEED_SUFFIXES and path.is_file():
                feeds.append(parsed(str(path.relative_to(corpora)), path.read_bytes()))
    return [feed for feed in feeds if feed[1]]


def parsed(name: str, body: bytes) -> Feed:
    """The enriched mentions of one feed body (none when it does not parse)."""
    options = ParseOptions(source=name, kind="feed", url=f"http://feeds.example/{name}")
    try:
        page = parse_feed(body, {"content-type": "application/xml"}, options)
    except Exception:
        return name, []
    spec = EnrichSpec(sets=(), match_all=True, source=name)
    return name, enrich(page.mentions, spec, now=NOW)


def distinct_keys(bodies: dict[str, bytes]) -> dict[str, bytes]:
    """The bodies (by source name) whose mentions' keys and authors no earlier body has: which
    source stores a key, or names an author, first depends on which poll finishes first, so
    comparisons avoid sharing."""
    kept: dict[str, bytes] = {}
    seen: set[str] = set()
    for name, body in bodies.items():
        mentions = parsed(name, body)[1]
        authors = {repr(handle) for handle, _ in map(handle_of, mentions) if handle is not None}
        keys = {m.key for m in mentions} | authors
        if keys.isdisjoint(seen):
            kept[name] = body
            seen |= keys
    return kept


_DUMPS = {
    "mentions": """
        SELECT m.key, s.name, a.platform, a.handle, m.platform, m.platform_id, m.guid, m.url,
               m.title, m.text, m.author, m.published_at, m.fetched_at, m.sort_at, m.language,
               m.sentiment, m.sentiment_label, m.sentiment_method, m.sentiment_drivers,
               m.matched, m.category, m.priority, m.replies, m.reshares, m.likes,
               m.in_reply_to, m.owned, m.status, m.starred, m.snoozed_until, m.assignee,
               m.replied_at
        FROM mentions m JOIN sources s ON s.id = m.source_id
        LEFT JOIN authors a ON a.id = m.author_id ORDER BY m.key""",
    "authors": """
        SELECT platform, handle, by_name, name, url, followers, first_seen, last_seen, mentions,
               notes, person_id IS NOT NULL FROM authors ORDER BY platform, handle""",
    "people": """
        SELECT a.platform, a.handle, p.name, p.platforms, p.posts, p.last_seen, p.dirty
        FROM people p JOIN authors a ON a.person_id = p.id ORDER BY a.platform, a.handle""",
    "counts": "SELECT bucket, n FROM inbox_counts ORDER BY bucket",
    "metrics": "SELECT slot, label, n, round(score, 9) FROM metrics_slots ORDER BY slot, label",
    "facets": "SELECT slot, facet, value, n FROM metrics_facets ORDER BY slot, facet, value",
    "facets_daily": "SELECT day, facet, value, n FROM metrics_facets_daily"
                    " ORDER BY day, facet, value",
    "search": """
        SELECT m.key FROM mentions_fts f JOIN mentions m ON m.id = f.rowid
        WHERE mentions_fts MATCH 'coffee OR feed OR example OR the' ORDER BY m.key""",
}


async def canonical_dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every table ingest writes, as sorted tuples without rowids."""
    dump = {}
    for name, sql in _DUMPS.items():
        async with store.db.execute(sql) as cursor:
            dump[name] = [tuple(row) for row in await cursor.fetchall()]
    return dump
