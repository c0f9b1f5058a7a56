"""Batched ingest stores exactly what one-source-at-a-time ingest stores.

The poller writes a batch of sources per transaction and per call into the database thread
(core.polling.ingest_queue, ``Store.ingest_many``). These tests fill two real stores with the
demo's feeds and every feed in the corpora, one source per transaction and in batches, and
compare a canonical dump of mentions, authors, people, inbox and metrics counts and the search
index; then the same through the real poller over loopback.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.config import Config, parse_config
from core.demo.content import FAILING_PATH, build_demo_feeds
from core.headless import open_poller
from core.model import Mention, SourceConfig
from core.store import Store
from tests.ingest_dump import (
    NOW,
    Feed,
    canonical_dump,
    corpus_feeds,
    demo_feeds,
    distinct_keys,
)
from tests.loopback import LoopbackServer, Reply

pytestmark = pytest.mark.corpus


def _sources(feeds: list[Feed]) -> list[SourceConfig]:
    return [SourceConfig(name=name, kind="feed", url=f"http://feeds.example/{n}")
            for n, (name, _) in enumerate(feeds)]


def _more_engaged(mentions: list[Mention]) -> list[Mention]:
    """The same posts seen again later with one more like each (none reported: one like)."""
    return [dataclasses.replace(m, engagement=dataclasses.replace(
        m.engagement, likes=(m.engagement.likes or 0) + 1)) for m in mentions]


def _rounds(feeds: list[Feed]) -> list[list[Feed]]:
    """First sight, a repeat (all duplicates), then changed engagement."""
    return [feeds, feeds, [(name, _more_engaged(m)) for name, m in feeds]]


async def _one_at_a_time(path: Path, feeds: list[Feed]) -> dict[str, list[tuple[object, ...]]]:
    async with await Store.open(path) as store:
        ids = await store.sync_sources(_sources(feeds))
        for feeds_now in _rounds(feeds):
            for name, mentions in feeds_now:
                await store.ingest(ids[name], mentions, now=NOW)
        return await canonical_dump(store)


async def _batched(path: Path, feeds: list[Feed]) -> dict[str, list[tuple[object, ...]]]:
    async with await Store.open(path) as store:
        ids = await store.sync_sources(_sources(feeds))
        for feeds_now in _rounds(feeds):
            batch = [(ids[name], mentions, NOW) for name, mentions in feeds_now]
            for start in range(0, len(batch), 40):
                await store.ingest_many(batch[start : start + 40])
        return await canonical_dump(store)


async def test_batches_store_what_single_sources_store(tmp_path: Path, corpora: Path) -> None:
    """It should store identical rows, counts and search index batched or source by source."""
    feeds = demo_feeds() + corpus_feeds(corpora)
    assert sum(len(m) for _, m in feeds) > 1500  # the demo and the corpora, not an empty run
    single = await _one_at_a_time(tmp_path / "single.db", feeds)
    batched = await _batched(tmp_path / "batched.db", feeds)
    assert len(single["mentions"]) > 400 and single["counts"] and single["people"]
    for table, rows in single.items():
        assert batched[table] == rows, table


def _config(urls: dict[str, str]) -> Config:
    sources = "".join(f'[[sources]]\nkind = "feed"\nname = "{n}"\nurl = "{u}"\nmatch_all = true'
                      "\n\n" for n, u in urls.items())
    text = ('[brand]\nname = "Northwind"\n\n[network]\nallow_private_addresses = true\n\n'
            f"[poller]\njitter = 0\n\n{sources}")
    return parse_config(text, Path("test.toml"))


async def test_the_poller_stores_the_same_in_batches_as_one_by_one(
    tmp_path: Path, loopback: LoopbackServer, corpora: Path
) -> None:
    """It should store the same polling all sources at once (batched) as polling each alone."""
    files = (sorted((corpora / "newsboat-testdata").glob("*.xml"))
             + sorted((corpora / "feedparser-tests" / "wellformed" / "rss").glob("*.xml"))[:60])
    bodies = {f"{path.stem}-{n}": path.read_bytes() for n, path in enumerate(files)}
    bodies.update((f"demo{path}".replace("/", "-"), body)
                  for path, body in build_demo_feeds(NOW).items() if path != FAILING_PATH)
    urls = {name: loopback.route(f"/{name}.xml", Reply(200, body, headers={
        "Content-Type": "application/xml"})) for name, body in distinct_keys(bodies).items()}
    config = _config(urls)
    dumps = []
    for name, each_alone in (("alone.db", True), ("round.db", False)):
        async with await Store.open(tmp_path / name) as store, \
                open_poller(config, store, clock=lambda: float(NOW)) as poller:
            if each_alone:
                for source in config.sources:
                    await poller.poll_named(source.name)
            else:
                await poller.poll_once()
                batches = poller.ingest_batches
            dumps.append(await canonical_dump(store))
    alone, round_ = dumps
    assert len(alone["mentions"]) > 150 and alone["people"]
    # The round's sources waited for each other: a few transactions, not one per source.
    assert batches <= len(config.sources) // 12, (batches, len(config.sources))
    for table, rows in alone.items():
        assert round_[table] == rows, table
