"""Ingest against the floor: the bare libraries doing the same parse, score and insert.

The floor is the least any ingest must do with these libraries: a parser, VADER on title and
body, and one ``executemany`` and commit per feed into SQLite, with parsing and scoring in a
pool of two processes (this machine's cores) while the main process inserts. Two floors: with
feedparser (sanitising and URI resolution off, since we make plain text ourselves), and with
the fast parser listenpost uses for plain RSS and Atom (lxml with the options of
core.sources.fastparse). No app logic: no plain-text cleaning, no matching, no language
detection, no dedupe lookups, no FTS. listenpost's side (bench/ingest_lp.py) pushes the same
bytes through its real pipeline. Rates are mentions per second from bytes in memory to committed
rows, medians over alternated rounds. The parse alone (fast path against feedparser, in one
process) is measured beside it, raw and through to mentions.
"""

from __future__ import annotations

import io
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench import data
from bench.report import Row

WORKERS = 2  # one per core on the 2-core machine the targets were set on
_analyzer: Any = None  # one VADER analyzer per worker process, made by _init_worker

FLOOR_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT, title TEXT, text TEXT,
    published TEXT, sentiment REAL
);
"""


def _init_worker() -> None:
    global _analyzer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _analyzer = SentimentIntensityAnalyzer()


def floor_parse(body: bytes) -> list[tuple[object, ...]]:
    """Parse one feed and score each entry: the floor's work in a worker process."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    rows: list[tuple[object, ...]] = []
    for e in parsed.entries:
        title, text = e.get("title", ""), e.get("summary", "")
        score = _analyzer.polarity_scores(f"{title}\n{text}")["compound"]
        rows.append((e.get("id") or e.get("link"), e.get("link"), title, text,
                     e.get("published"), score))
    return rows


def fast_floor_parse(body: bytes) -> list[tuple[object, ...]]:
    """``floor_parse`` with the fast parser: lxml, limits on, reading the same fields."""
    from lxml import etree

    from core.sources.fastparse import PARSER_OPTIONS

    channel = etree.fromstring(body, etree.XMLParser(**PARSER_OPTIONS)).find("channel")
    rows: list[tuple[object, ...]] = []
    for item in channel.iterfind("item"):
        title, text = item.findtext("title", ""), item.findtext("description", "")
        score = _analyzer.polarity_scores(f"{title}\n{text}")["compound"]
        link = item.findtext("link")
        rows.append((item.findtext("guid") or link, link, title, text, item.findtext("pubDate"),
                     score))
    return rows


def warm(pool: ProcessPoolExecutor, work: Callable[[bytes], object], body: bytes) -> None:
    """Start every worker and load its imports, so start-up is not counted as ingest."""
    list(pool.map(work, [body] * WORKERS * 2))


def run_floor(bodies: list[bytes], db: Path,
              work: Callable[[bytes], list[tuple[object, ...]]] = floor_parse) -> float:
    """Ingest ``bodies`` the floor's way (parsing with ``work``) into a fresh SQLite file;
    mentions per second."""
    with ProcessPoolExecutor(WORKERS, initializer=_init_worker) as pool:
        warm(pool, work, bodies[0])
        conn = sqlite3.connect(db, isolation_level=None)
        conn.executescript(FLOOR_SCHEMA)
        start, count = time.perf_counter(), 0
        for rows in pool.map(work, bodies):
            conn.execute("BEGIN")
            conn.executemany("INSERT OR IGNORE INTO mentions (key, url, title, text, published, "
                             "sentiment) VALUES (?, ?, ?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
            count += len(rows)
        rate = count / (time.perf_counter() - start)
        conn.close()
    return rate


def _try(rates: list[float], ingest: Callable[[list[bytes], Path], float],
         bodies: list[bytes], db: Path) -> str | None:
    """Run listenpost's side once; a failure becomes the row's reason, not a crashed run."""
    try:
        rates.append(ingest(bodies, db))
    except Exception as error:
        return f"pipeline failed: {type(error).__name__}: {str(error)[:160]}"
    return None


KINDS = (("post", "short posts (30 words)"), ("html", "1 KB HTML entries"))


def bench_floor(feeds: int, rounds: int, log: list[str]) -> list[Row]:
    """Both floors and listenpost, alternated, for short posts and for 1 KB HTML entries; then
    the parse alone, fast path against feedparser."""
    from bench.ingest_lp import listenpost_ingest, unavailable

    reason = unavailable()
    rows = []
    for kind, label in KINDS:
        bodies = list(data.bodies(feeds, kind))
        ours: list[float] = []
        floor: list[float] = []
        fast: list[float] = []
        with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
            for n in range(rounds):
                floor.append(run_floor(bodies, Path(tmp) / f"floor{n}.db"))
                fast.append(run_floor(bodies, Path(tmp) / f"fast{n}.db", fast_floor_parse))
                if reason is None:
                    reason = _try(ours, listenpost_ingest, bodies, Path(tmp) / f"lp{n}.db")
        mentions = f"{feeds * data.ENTRIES_PER_FEED} mentions"
        for floor_name, rates in (("", floor), (" vs the fast-parser floor", fast)):
            row = Row("floor", f"ingest {label}, {mentions}{floor_name}", "mentions/s",
                      peer="floor", theirs=statistics.median(rates))
            row.ours = statistics.median(ours) if ours else None
            row.skipped = reason
            rows.append(row)
        log.append(f"ingest {kind}: feedparser floor runs {[round(r) for r in floor]}/s, "
                   f"fast-parser floor runs {[round(r) for r in fast]}/s, "
                   f"listenpost runs {[round(r) for r in ours]}/s")
        rows += bench_parse(bodies, label, rounds, log)
    return rows


def bench_parse(bodies: list[bytes], label: str, rounds: int, log: list[str]) -> list[Row]:
    """Entries per second parsed in this process: the fast path against feedparser, raw (the
    parser's own result) and through to mentions (with our plain-text conversion)."""
    import feedparser

    from core.sources.base import ParseOptions
    from core.sources.fastparse import parse_fast
    from core.sources.feed import parse_feed, parse_feed_with_feedparser

    options = ParseOptions(source="bench", kind="feed", url="https://example.com/feed.xml")
    pairs = (
        ("raw parse", lambda b: parse_fast(b, {}),
         lambda b: feedparser.parse(io.BytesIO(b), sanitize_html=False,
                                    resolve_relative_uris=False)),
        ("parse to mentions", lambda b: parse_feed(b, {}, options),
         lambda b: parse_feed_with_feedparser(b, {}, options)),
    )
    entries = len(bodies) * data.ENTRIES_PER_FEED
    rows = []
    for name, fast, reference in pairs:
        fast(bodies[0]), reference(bodies[0])  # imports and caches outside the measure
        ours = statistics.median(_parse_rate(bodies, fast) for _ in range(rounds))
        theirs = statistics.median(_parse_rate(bodies, reference) for _ in range(rounds))
        rows.append(Row("floor", f"{name} {label}, {entries} entries, fast path", "entries/s",
                        ours=ours * data.ENTRIES_PER_FEED,
                        theirs=theirs * data.ENTRIES_PER_FEED, peer="feedparser"))
        log.append(f"{name} {label}: fast path {ours * data.ENTRIES_PER_FEED:,.0f} entries/s, "
                   f"feedparser {theirs * data.ENTRIES_PER_FEED:,.0f} entries/s")
    return rows


def _parse_rate(bodies: list[bytes], parse: Callable[[bytes], object]) -> float:
    """Feeds parsed per second, one process, bytes already in memory."""
    start = time.perf_counter()
    for body in bodies:
        parse(body)
    return len(bodies) / (time.perf_counter() - start)
