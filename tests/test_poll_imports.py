"""What each process of a first poll loads: the memory and start-up CPU of a poll are mostly
imports, so each process imports only what it runs.

- The headless poller (``--poll-once``) fetches, stores and hands bodies to the workers: no
  Textual, no enrichment (language model, VADER, classifiers), no parser.
- A parse worker loads the pipeline and the fast parser up front and feedparser only when a
  feed falls back to it; never the UI, the HTTP client, the database or an event loop.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.model import Match
from core.polling.jobs import SpecFields, parse_and_enrich
from core.polling.preload import WORKER_PRELOAD, warm_up
from core.polling.workers import WorkerPool
from core.sources.base import ParseOptions
from core.sources.feed import parse_feed
from tests.worker_probe import loaded

ROOT = Path(__file__).resolve().parents[1]
NOW = 1_700_000_000
SPEC: SpecFields = (((Match("brand", "Acme"), ("acme",)),), False, "test feed")
OPTIONS = ParseOptions(source="test feed", kind="feed", url="http://example.com/feed.xml")
HEADERS = {"content-type": "application/rss+xml"}
ITEM = (b"<item><title>Acme is great</title><link>http://example.com/1</link><guid>1</guid>"
        b"<description>I love the new Acme phone</description></item>")
# A feed the fast path reads, and one it leaves to feedparser (<rss> without <channel>).
FAST_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + ITEM + (
    b"</channel></rss>")
FALLBACK_FEED = b'<?xml version="1.0"?><rss version="2.0">' + ITEM + b"</rss>"
# Never needed in a parse worker (the pool's own module, with its event loop and threads, stays
# in the parent).
NOT_IN_WORKERS = ("textual", "tui", "httpx", "aiosqlite", "sqlite3", "asyncio",
                  "core.polling.workers")
# Never needed in the headless poller's own process.
NOT_IN_POLLER = (
    "textual", "tui.app", "numpy", "lxml", "feedparser", "vaderSentiment", "py3langid",
    "core.analysis.enrich", "core.analysis.language", "core.analysis.sentiment",
    "core.analysis.classify", "core.polling.pipeline", "core.sources.fastparse",
)
POLL_AND_LIST = """
import sys
from tui.cli import main
code = main(["--demo", "--db", sys.argv[1], "--poll-once"])
print(code, *[name for name in sys.argv[2:] if name in sys.modules])
"""


async def test_a_parse_worker_imports_feedparser_only_for_a_feed_that_falls_back() -> None:
    """It should parse a feed the fast path reads without importing feedparser, import it for
    one that falls back, and never import the UI, HTTP client or database modules."""
    async with WorkerPool(1, preload=WORKER_PRELOAD, warmup=warm_up) as pool:
        fast = await pool.run(parse_and_enrich, parse_feed, FAST_FEED, HEADERS, OPTIONS, SPEC, NOW)
        assert [m.title for m in fast.mentions] == ["Acme is great"]
        assert await pool.run(loaded, ("feedparser", *NOT_IN_WORKERS)) == []
        slow = await pool.run(
            parse_and_enrich, parse_feed, FALLBACK_FEED, HEADERS, OPTIONS, SPEC, NOW
        )
        assert [m.title for m in slow.mentions] == ["Acme is great"]
        assert await pool.run(loaded, ("feedparser", *NOT_IN_WORKERS)) == ["feedparser"]


def test_a_headless_poll_imports_no_ui_enrichment_or_parser(tmp_path: Path) -> None:
    """It should poll the demo's feeds into the database (parsing and enriching their posts in
    the workers) with none of the UI, enrichment or parsing modules in its own process."""
    db = tmp_path / "poll.db"
    done = subprocess.run(
        [sys.executable, "-c", POLL_AND_LIST, str(db), *NOT_IN_POLLER], cwd=ROOT,
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.stdout.split() == ["0"], done.stderr
    assert "new mentions" in done.stderr and " 0 new mentions" not in done.stderr
