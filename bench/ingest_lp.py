"""listenpost's side of the ingest benchmark: the real pipeline on the floor's bytes, in process.

Each feed body goes through ``core.polling.pipeline.parse_and_enrich`` with the real feed parser
(``core.sources.feed.parse_feed``: plain text, entity guard, matching, language, sentiment) in a
pool of two worker processes, and each page, a source of its own as in a poll, is stored into a
real store (migrations, dedupe lookups, authors, FTS triggers) through the poller's own group
commit, ``core.polling.ingest_queue.IngestQueue`` with its default batch (up to 40 feeds or
2,000 mentions per transaction, the next batch queueing while one is written). The pool is the
floor's; the batching is the app's (the floor keeps its one commit per feed), so the ratio is
the cost of the app's logic and its way of writing. The core modules are imported lazily: when
one is missing the rows say so instead of failing the run.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from bench.floor import WORKERS, warm
from bench.peers import config_toml

BENCH_URL = "http://127.0.0.1:9/bench.xml"  # never fetched: bodies come from memory
SOURCE_NAME = "feed {}"  # as bench.peers.config_toml names the sources
HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}


def unavailable() -> str | None:
    """Why the pipeline cannot be driven here (a core module still missing), or None."""
    try:
        import core.analysis.enrich
        import core.config
        import core.polling.ingest_queue
        import core.polling.pipeline
        import core.sources.feed
        import core.store  # noqa: F401
    except ImportError as error:
        return f"listenpost pipeline not importable yet ({error})"
    return None


def listenpost_ingest(bodies: list[bytes], db: Path) -> float:
    """Ingest ``bodies`` through listenpost's pipeline into a fresh store; mentions per second."""
    return asyncio.run(_ingest_all(bodies, db))


def _job() -> Any:
    """The worker's function with everything but the body bound: it pickles by reference."""
    from core.analysis.enrich import EnrichSpec
    from core.config import parse_config
    from core.polling.pipeline import parse_and_enrich
    from core.sources.base import ParseOptions
    from core.sources.feed import parse_feed

    config = parse_config(config_toml([BENCH_URL]))
    spec = EnrichSpec(sets=config.query_sets(), match_all=True)
    options = ParseOptions(source="feed 0", kind="feed", url=BENCH_URL)
    return partial(_parse, parse_and_enrich, parse_feed, options, spec, int(time.time()))


def _parse(pipeline: Any, parser: Any, options: Any, spec: Any, now: int, body: bytes) -> Any:
    return pipeline(parser, body, HEADERS, options, spec, now)


async def _ingest_all(bodies: list[bytes], db: Path) -> float:
    from core.config import parse_config
    from core.polling.ingest_queue import IngestQueue
    from core.store import Store

    config = parse_config(config_toml([f"{BENCH_URL}?feed={n}" for n in range(len(bodies))]))
    job = _job()
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(WORKERS) as pool:
        warm(pool, job, bodies[0])
        async with await Store.open(db) as store:
            ids = await store.sync_sources(config.sources)
            queue = IngestQueue(store)
            start = time.perf_counter()
            pages = [loop.run_in_executor(pool, job, body) for body in bodies]
            stored = await asyncio.gather(*(
                _store(queue, ids[SOURCE_NAME.format(n)], page) for n, page in enumerate(pages)))
            return sum(stored) / (time.perf_counter() - start)


async def _store(queue: Any, source_id: int, pending: asyncio.Future[Any]) -> int:
    """Store one parsed page through the queue, as the poller does; the mentions stored."""
    page = await pending
    await queue.ingest(source_id, page.mentions, int(time.time()))
    return len(page.mentions)
