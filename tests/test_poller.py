"""The poll loop against a real loopback server, a real worker pool and a real database."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.config import Config, parse_config
from core.headless import open_poller
from core.model import PollOutcome, PollStatus, SourceConfig
from core.net.fetch import Fetcher, Response
from core.net.policy import NetworkPolicy
from core.polling.context import SourceContext
from core.polling.workers import WorkerPool
from core.sources.base import SourceError, SourceState
from core.store import LockPatience, Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.loopback import Request as Hit

FEED = rss([FeedItem("Northwind rocks", "Northwind is great", "n1", link="https://b.example/1")])


def config_for(urls: dict[str, str], *, timeout: int = 30) -> Config:
    sources = "".join(
        f'[[sources]]\nkind = "feed"\nname = "{n}"\nurl = "{u}"\ninterval = "5m"\n\n'
        for n, u in urls.items()
    )
    text = (
        '[brand]\nname = "Northwind"\n\n[network]\nallow_private_addresses = true\n'
        f"timeout = {timeout}\n\n[poller]\njitter = 0\n\n{sources}"
    )
    return parse_config(text, Path("test.toml"))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "poll.db") as opened:
        yield opened


async def test_a_hanging_source_does_not_delay_the_others(
    loopback: LoopbackServer, store: Store
) -> None:
    """It should finish the healthy source long before the stalled one times out."""
    stall = Reply(200, (b"<rss>" if i == 0 else b" " for i in range(100)), chunk_delay=1.0)
    urls = {
        "stalled": loopback.route("/stall.xml", stall),
        "fine": loopback.route("/fine.xml", Reply(200, FEED)),
    }
    config = config_for(urls, timeout=4)
    finished: dict[str, float] = {}
    started = time.monotonic()

    def note(outcome: PollOutcome) -> None:
        finished[outcome.source] = time.monotonic() - started

    async with open_poller(config, store) as poller:
        outcomes = {o.source: o for o in await poller.poll_once(on_outcome=note)}
    assert outcomes["fine"].status is PollStatus.OK and outcomes["fine"].new == 1
    assert outcomes["stalled"].status is PollStatus.ERROR
    assert finished["fine"] < finished["stalled"]


async def test_failures_count_up_and_push_the_next_poll_back(
    loopback: LoopbackServer, store: Store
) -> None:
    """It should store each failure, count them, and back off; success resets the count."""
    replies = [Reply(500, b"down"), Reply(500, b"down"), Reply(200, FEED)]
    loopback.route("/flaky.xml", lambda request: replies.pop(0))
    config = config_for({"flaky": loopback.url("/flaky.xml")})
    delays, messages = [], []
    async with open_poller(config, store) as poller:
        for _ in range(3):
            before = int(time.time())
            await poller.poll_once()
            took = int(time.time()) + 1 - before  # the poll's own time, on a loaded machine too
            row = (await store.sources())[0]
            delays.append((row.error_count, (row.next_poll_at or 0) - before, took))
            messages.append(row.last_message or "")
    assert [count for count, _, _ in delays] == [1, 2, 0]
    assert delays[1][1] >= 2 * 300 - 2  # doubled after the second failure
    assert 300 - 2 <= delays[2][1] <= 300 + 2 + delays[2][2]  # back to the interval once healthy
    assert "HTTP 500" in messages[0] and messages[2] == ""


async def test_only_due_sources_are_polled(loopback: LoopbackServer, store: Store) -> None:
    """It should skip a source whose next poll is in the future when asked for due ones."""
    url = loopback.route("/feed.xml", Reply(200, FEED))
    config = config_for({"feed": url})
    async with open_poller(config, store) as poller:
        await poller.poll_once()
        assert await poller.poll_once(due_only=True) == []
    assert len(loopback.hits("/feed.xml")) == 1


async def test_cancelling_during_ingest_leaves_no_half_written_batch(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    """It should store nothing of a batch whose ingest is cancelled (Ctrl-C) while it writes.

    Another connection takes the write lock while the body is still arriving, so the poll is
    stopped inside its ingest transaction, waiting for the lock, and not before it."""

    def slow(request: object) -> Reply:
        chunks = (FEED[i : i + 64] for i in range(0, len(FEED), 64))
        return Reply(200, chunks, chunk_delay=0.2)

    url = loopback.route("/slow.xml", slow)
    config = config_for({"slow": url})
    path = tmp_path / "ingest.db"
    waiting = asyncio.Event()
    patience = LockPatience(on_wait=lambda seconds: waiting.set())
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    async with await Store.open(path, busy_timeout_ms=100, patience=patience) as store, \
            open_poller(config, store) as poller:
        task = asyncio.create_task(poller.poll_once())
        while not loopback.hits("/slow.xml"):  # the claim is written; the body is arriving
            await asyncio.sleep(0.01)
        holder.execute("BEGIN IMMEDIATE")
        await asyncio.wait_for(waiting.wait(), timeout=60)  # the ingest waits for the lock
        task.cancel()
        holder.execute("COMMIT")  # stopping writes the finished outcomes: it needs the lock
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await store.count_mentions() == 0
    holder.close()
    async with await Store.open(path) as store, open_poller(config, store) as poller:
        outcomes = await poller.poll_once()
        assert outcomes[0].new == 1 and await store.count_mentions() == 1


def conditional(request: Hit) -> Reply:
    """A feed that answers 304 to the ETag it gave out."""
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(304)
    return Reply(200, FEED, headers={"ETag": '"v1"'})


async def test_a_second_round_asks_every_source_conditionally(
    loopback: LoopbackServer, store: Store
) -> None:
    """It should send every source its stored validator and record each 304 before returning."""
    urls = {f"feed {i}": loopback.route(f"/c{i}.xml", conditional) for i in range(12)}
    async with open_poller(config_for(urls), store) as poller:
        await poller.poll_once()
        second = await poller.poll_once()
    assert {o.status for o in second} == {PollStatus.NOT_MODIFIED}
    rows = await store.sources()
    assert [r.last_status for r in rows] == ["not_modified"] * 12
    async with store.db.execute("SELECT count(*) FROM polls") as cursor:
        assert await cursor.fetchone() == (24,)


SECOND_POLL = """
import asyncio, sys
from pathlib import Path
from core.config import load_config
from core.headless import open_poller
from core.store import Store

async def main() -> None:
    config = load_config(Path(sys.argv[1]))
    async with await Store.open(sys.argv[2]) as store, open_poller(config, store) as poller:
        outcomes = await poller.poll_once()
    heavy = ("core.analysis.enrich", "core.analysis.sentiment", "core.analysis.language",
             "vaderSentiment", "py3langid")
    print([o.status.value for o in outcomes], [m for m in heavy if m in sys.modules])

asyncio.run(main())
"""


async def test_a_round_of_unchanged_feeds_loads_no_enrichment(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    """It should poll unchanged feeds without importing sentiment or language code at all."""
    url = loopback.route("/same.xml", conditional)
    text = (f'[brand]\nname = "Northwind"\n\n[network]\nallow_private_addresses = true\n\n'
            f'[[sources]]\nkind = "feed"\nname = "same"\nurl = "{url}"\n')
    (tmp_path / "lp.toml").write_text(text)
    async with await Store.open(tmp_path / "lp.db") as first, open_poller(
        config_for({"same": url}), first
    ) as poller:
        assert (await poller.poll_once())[0].status is PollStatus.OK
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", SECOND_POLL, str(tmp_path / "lp.toml"), str(tmp_path / "lp.db")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.stdout.strip() == "['not_modified'] []", done.stderr[-2000:]


def memory_hog(body: bytes, headers: object, options: object) -> object:
    """A parser that needs far more memory than a worker may have."""
    return ["x" * (1 << 20) for _ in range(2048)]  # 2 GiB of text


async def test_a_parser_out_of_memory_is_that_sources_error() -> None:
    """It should report a worker that runs out of memory as a clear source error."""
    source = SourceConfig(name="hog", kind="feed", url="http://127.0.0.1/hog.xml")
    async with WorkerPool(1, memory_limit=768 * 1024 * 1024) as pool:
        fetcher = Fetcher(NetworkPolicy(allow_private_addresses=True))
        context = SourceContext(source, SourceState(), 0, fetcher, pool, ((), False, ""), 20.0)
        response = Response("http://127.0.0.1/hog.xml", 200, {}, b"", 0.0)
        with pytest.raises(SourceError, match="more memory than a worker may use"):
            await context.process(memory_hog, response)  # type: ignore[arg-type]
        await fetcher.aclose()
