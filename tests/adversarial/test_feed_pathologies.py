"""Item 2: feedparser's pathological inputs, through the poller and the real command line.

- The long-``<author>`` regex slowdown: a 32 KB author name costs feedparser about 4 s, under
  the default 20 s parse deadline, so to prove the kill the poller is driven in-process with
  ``PollerLimits(parse_deadline=1.0)`` (the CLI has no flag for it; a 128 KB author would
  exceed the default deadline but hold the test for 20 s). The kill itself is unit-tested in
  tests/test_feed_conformance.py::test_a_32kb_author_is_killed_at_the_deadline.
- A 50 MB feed, with and without a Content-Length: refused by the default 15 MiB byte cap.
- A 74,000-item feed: kept to the first 10,000 items (core.polling.pipeline.MAX_PER_BODY) with a
  warning; driven through the poller with a 60 s parse deadline (see the test for why).
- Bodies that look like a file path or a ``file://`` URL: never opened (feedparser gets bytes).
"""

from __future__ import annotations

import asyncio
import resource
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.config import load_config
from core.headless import WORKER_MEMORY_LIMIT
from core.model import PollOutcome, PollStatus
from core.net.fetch import Fetcher
from core.polling.poller import Poller, PollerLimits
from core.polling.workers import WorkerPool
from core.store import Store
from tests.adversarial.harness import (
    HEALTHY_TITLES,
    MIB,
    Src,
    assert_survivors,
    export_document,
    healthy_source,
    report,
    run_cli,
    seed,
    sources_of,
    write_config,
)
from tests.loopback import LoopbackServer, Reply

CHANNEL = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
           "<link>http://example.com/</link><description>d</description>")


def feed(items: str) -> bytes:
    return (CHANNEL + items + "</channel></rss>").encode()


async def poll_in_process(tmp: Path, sources: list[Src], parse_deadline: float
                          ) -> tuple[dict[str, PollOutcome], set[str], float]:
    """Poll ``sources`` once with the real poller, its workers warmed first (imports and
    models load outside the measured poll); the outcomes, stored titles and seconds taken."""
    config = load_config(write_config(tmp / "c.toml", sources))
    twin = replace(sources[0], name="warm", url=sources[0].url + "?warm")  # a distinct target
    warm = load_config(write_config(tmp / "warm.toml", [sources[0], twin]))
    fetcher = Fetcher(config.network)
    pool = WorkerPool(2, memory_limit=WORKER_MEMORY_LIMIT)  # as in production
    try:
        async with await Store.open(tmp / "warm.db") as store:  # both workers run one parse
            await Poller(warm, store, fetcher, pool, limits=PollerLimits(per_host=8)).poll_once()
        async with await Store.open(tmp / "lp.db") as store:
            limits = PollerLimits(per_host=8, parse_deadline=parse_deadline)
            started = time.monotonic()
            outcomes = await Poller(config, store, fetcher, pool, limits=limits).poll_once()
            elapsed = time.monotonic() - started
            titles = {m.title for m in await store.export_mentions()}
    finally:
        await pool.aclose()
        await fetcher.aclose()
    return {o.source: o for o in outcomes}, titles, elapsed


def children_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


async def test_a_32kb_author_is_killed_and_the_other_source_polls(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should stop the author regex at the parse deadline as a source error, others fine."""
    # &nbsp; is undefined in XML, so feedparser (whose regex this is) reads the feed, not the
    # fast path (core.sources.fastparse), which reads such an author at once.
    body = feed(f"<item><title>North&nbsp;wind</title><author>{'a' * 32 * 1024}</author></item>")
    hostile = Src("author-32kb", loopback.route("/author.xml", Reply(200, body)))
    by_name, titles, elapsed = await poll_in_process(
        tmp_path, [healthy_source(loopback), hostile], parse_deadline=1.0)
    report("32 KB author, parse deadline 1 s", elapsed, children_peak_mib())
    assert by_name["author-32kb"].status is PollStatus.ERROR
    assert "parsing took longer than 1 s" in by_name["author-32kb"].message
    assert by_name["healthy"].status is PollStatus.OK and set(HEALTHY_TITLES) <= titles
    assert elapsed < 8  # the 1 s deadline and a worker restart; unkilled: ~4 s per such item
    assert children_peak_mib() < 1024


def fifty_megabytes() -> bytes:
    return feed("<item><title>Northwind</title><description>" + "x" * (50 * 1000 * 1000)
                + "</description></item>")


def test_a_50mb_feed_is_refused_by_the_byte_cap(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should refuse 50 MB with and without Content-Length, quickly and in little memory."""
    big = fifty_megabytes()
    declared = Src("50mb-declared", loopback.route("/big1.xml", Reply(200, big)))
    streamed = Src("50mb-streamed", loopback.route(
        "/big2.xml", Reply(200, (big[i:i + MIB] for i in range(0, len(big), MIB)))))
    config = write_config(tmp_path / "c.toml", [healthy_source(loopback), declared, streamed])
    db, out = tmp_path / "lp.db", tmp_path / "out.json"
    asyncio.run(seed(db))
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out))
    report("50 MB feeds", run.seconds, run.peak_mib)
    document = export_document(out)
    for name in ("50mb-declared", "50mb-streamed"):
        entry = sources_of(document)[name]
        assert entry["status"] == "error" and "larger than 15 MiB" in str(entry["error"]), entry
    assert_survivors(document)
    assert run.returncode == 1 and run.seconds < 30
    assert run.peak_mib < 200  # the cap holds 15 MiB at most; 50 MB in memory would show


@pytest.mark.slow
async def test_a_74k_item_feed_is_kept_to_10000_with_a_warning(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should store the first 10,000 of 74,000 items with a warning, in bounded time."""
    items = "".join(f"<item><title>Northwind item {i}</title><guid>g{i}</guid>"
                    f"<description>short text {i}</description></item>" for i in range(74_000))
    hostile = Src("74k-items", loopback.route("/74k.xml", Reply(200, feed(items))))
    # feedparser reads 74k items in ~11 s on an idle core, near the 20 s default deadline on a
    # loaded one (where the CLI then reports a parse timeout, also bounded); 60 s keeps this
    # test about the item cap, not about the machine's load.
    by_name, titles, elapsed = await poll_in_process(
        tmp_path, [healthy_source(loopback), hostile], parse_deadline=60.0)
    report("74k-item feed", elapsed, children_peak_mib())
    outcome = by_name["74k-items"]
    assert outcome.status is PollStatus.WARNING, outcome
    assert "kept the first 10,000 of 74,000 items" in outcome.message
    assert outcome.new == 10_000 and "Northwind item 9999" in titles
    assert by_name["healthy"].status is PollStatus.OK
    assert elapsed < 60 and children_peak_mib() < 1024


def test_a_body_that_is_a_path_or_file_url_is_never_read(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should treat a body naming a local file as text that is not a feed, reading nothing."""
    canary = tmp_path / "canary.xml"
    canary.write_text(feed("<item><title>CANARY-FILE-READ</title></item>").decode(), "utf-8")
    bodies = {"path": str(canary), "file-url": canary.as_uri(), "etc-passwd": "/etc/passwd"}
    hostile = [Src(name, loopback.route(f"/{name}", Reply(200, body.encode())))
               for name, body in bodies.items()]
    config = write_config(tmp_path / "c.toml", [healthy_source(loopback), *hostile])
    db, out = tmp_path / "lp.db", tmp_path / "out.json"
    asyncio.run(seed(db))
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out))
    report("path-like bodies", run.seconds, run.peak_mib)
    document = export_document(out)
    for name in bodies:
        entry = sources_of(document)[name]
        assert entry["status"] == "error" and "not a feed" in str(entry["error"]), entry
    assert "CANARY-FILE-READ" not in out.read_text(encoding="utf-8")
    assert "root:" not in out.read_text(encoding="utf-8")
    assert_survivors(document)
    assert run.seconds < 30 and run.peak_mib < 300
