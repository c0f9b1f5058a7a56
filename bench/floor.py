"""Ingest against the floor: the bare libraries doing the same parse, score and insert.

The floor is the least any ingest must do with these libraries: feedparser (sanitising and URI
resolution off, since we make plain text ourselves), VADER on title and body, and one
``executemany`` and commit per feed into SQLite, with parsing and scoring in a pool of two
processes (this machine's cores) while the main process inserts. No app logic: no plain-text
cleaning, no matching, no language detection, no dedupe lookups, no FTS. listenpost's side
(bench/ingest_lp.py) pushes the same bytes through its real pipeline. Rates are mentions per
second from bytes in memory to committed rows, medians over alternated rounds.
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


def warm(pool: ProcessPoolExecutor, work: Callable[[bytes], object], body: bytes) -> None:
    """Start every worker and load its imports, so start-up is not counted as ingest."""
    list(pool.map(work, [body] * WORKERS * 2))


def run_floor(bodies: list[bytes], db: Path) -> float:
    """Ingest ``bodies`` the floor's way into a fresh SQLite file; mentions per second."""
    with ProcessPoolExecutor(WORKERS, initializer=_init_worker) as pool:
        warm(pool, floor_parse, bodies[0])
        conn = sqlite3.connect(db, isolation_level=None)
        conn.executescript(FLOOR_SCHEMA)
        start, count = time.perf_counter(), 0
        for rows in pool.map(floor_parse, bodies):
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
    """Floor and listenpost, alternated, for short posts and for 1 KB HTML entries."""
    from bench.ingest_lp import listenpost_ingest, unavailable

    reason = unavailable()
    rows = []
    for kind, label in KINDS:
        bodies = list(data.bodies(feeds, kind))
        ours: list[float] = []
        floor: list[float] = []
        with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
            for n in range(rounds):
                floor.append(run_floor(bodies, Path(tmp) / f"floor{n}.db"))
                if reason is None:
                    reason = _try(ours, listenpost_ingest, bodies, Path(tmp) / f"lp{n}.db")
        row = Row("floor", f"ingest {label}, {feeds * data.ENTRIES_PER_FEED} mentions",
                  "mentions/s", peer="floor", theirs=statistics.median(floor))
        row.ours = statistics.median(ours) if ours else None
        row.skipped = reason
        rows.append(row)
        log.append(f"ingest {kind}: floor runs {[round(r) for r in floor]}/s, "
                   f"listenpost runs {[round(r) for r in ours]}/s")
    return rows
