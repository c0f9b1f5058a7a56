"""The poller's ingest queue: sources that arrive together are written in one transaction."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from pathlib import Path

from core.model import Mention, SourceConfig
from core.polling.ingest_queue import IngestQueue
from core.store import IngestResult, Store
from tests.test_store import NOW, mention


async def _store_with_sources(path: Path, count: int) -> tuple[Store, list[int]]:
    store = await Store.open(path)
    names = [f"s{n}" for n in range(count)]
    ids = await store.sync_sources(
        [SourceConfig(name, "mastodon", f"https://m{n}.example") for n, name in enumerate(names)]
    )
    return store, [ids[name] for name in names]


def _posts(source: int) -> list[Mention]:
    return [mention(source * 10 + i) for i in range(3)]


async def test_sources_queued_together_share_one_transaction(tmp_path: Path) -> None:
    """It should write ten sources that arrive together as one batch, each with its result."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 10)
    queue = IngestQueue(store)
    results = await asyncio.gather(*(queue.ingest(s, _posts(n), NOW) for n, s in enumerate(ids)))
    assert queue.batches == 1
    assert [r.new for r in results] == [3] * 10
    assert await store.count_mentions() == 30
    await store.close()


async def test_batches_are_capped_by_sources_and_mentions(tmp_path: Path) -> None:
    """It should split a queue of ten sources into batches of at most four sources, or of at
    most seven mentions (a source is never split)."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 10)
    by_sources = IngestQueue(store, max_sources=4)
    await asyncio.gather(*(by_sources.ingest(s, _posts(n), NOW) for n, s in enumerate(ids)))
    assert by_sources.batches == 3  # 4 + 4 + 2
    by_mentions = IngestQueue(store, max_mentions=7)
    results = await asyncio.gather(
        *(by_mentions.ingest(s, _posts(n), NOW + 1) for n, s in enumerate(ids))
    )
    assert by_mentions.batches == 5  # two sources of three mentions each
    assert [r.duplicates for r in results] == [3] * 10
    await store.close()


async def test_a_cancelled_source_is_not_written(tmp_path: Path) -> None:
    """It should drop a queued source whose poll was stopped before its batch was written."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 2)
    queue = IngestQueue(store)
    kept = asyncio.ensure_future(queue.ingest(ids[0], _posts(0), NOW))
    dropped = asyncio.ensure_future(queue.ingest(ids[1], _posts(1), NOW))
    await asyncio.sleep(0)  # both queued; the writer has not run yet
    dropped.cancel()
    assert (await kept).new == 3
    assert await store.count_mentions() == 3
    await store.close()


async def test_stopping_rolls_the_batch_back_whole(tmp_path: Path) -> None:
    """It should leave nothing of a batch stopped while it waits for the write lock."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 3)
    queue = IngestQueue(store)
    async with store.transaction():  # holds this store's write turn: the batch must wait
        waiting = [asyncio.ensure_future(queue.ingest(s, _posts(n), NOW))
                   for n, s in enumerate(ids)]
        while queue.queued < len(ids):  # until all three have joined the queue
            await asyncio.sleep(0)
        while queue.queued:  # until the writer has taken them and waits for its turn
            await asyncio.sleep(0)
        await queue.stop()
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes), outcomes
    assert await store.count_mentions() == 0
    await store.close()


async def test_room_waits_while_the_store_is_behind(tmp_path: Path) -> None:
    """It should say there is no room while the mentions waiting for a batch reach the bound
    (the poller then fetches nothing more), and make room once the writer takes them."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 3)
    queue = IngestQueue(store, max_waiting=6)
    await queue.room()  # an empty queue has room
    async with store.transaction():  # the store is busy: the writer waits for its turn
        first = asyncio.ensure_future(queue.ingest(ids[0], _posts(0), NOW))
        while queue.queued < 1:
            await asyncio.sleep(0)
        while queue.queued:  # until the writer has taken the first source and waits
            await asyncio.sleep(0)
        behind = [asyncio.ensure_future(queue.ingest(s, _posts(n + 1), NOW))
                  for n, s in enumerate(ids[1:])]
        while queue.queued < 2:
            await asyncio.sleep(0)
        assert queue.full  # six mentions wait behind the batch being written
        room = asyncio.ensure_future(queue.room())
        await asyncio.sleep(0)
        assert not room.done()
    await room  # the first batch written, the next one taken: room again
    assert not queue.full
    results = await asyncio.gather(first, *behind)
    assert [r.new for r in results] == [3, 3, 3]
    assert await store.count_mentions() == 9
    await store.close()


async def test_the_batch_waits_for_sources_still_being_fetched(tmp_path: Path) -> None:
    """It should hold a queued source back while others are still being fetched, and write
    the three in one transaction once the last has arrived."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 3)
    queue = IngestQueue(store, linger=3600.0)  # no deadline: only the arrivals end the wait
    fetching = [ExitStack() for _ in ids]
    for stack in fetching:
        stack.enter_context(queue.expecting())

    async def fetched(n: int) -> IngestResult:
        fetching[n].close()  # this source's fetch is done; its mentions join the queue at once
        return await queue.ingest(ids[n], _posts(n), NOW)

    results = []
    for n in range(len(ids) - 1):
        results.append(asyncio.ensure_future(fetched(n)))
        for _ in range(5):  # turns of the loop: a writer that did not wait would take it now
            await asyncio.sleep(0)
        assert queue.queued == n + 1  # held back: another source is still being fetched
    results.append(asyncio.ensure_future(fetched(len(ids) - 1)))
    assert [r.new for r in await asyncio.gather(*results)] == [3, 3, 3]
    assert queue.batches == 1
    await store.close()


async def test_a_source_is_written_once_no_other_is_being_fetched(tmp_path: Path) -> None:
    """It should write at once when the other sources being fetched end without mentions (a
    304, an error): nothing is left to wait for."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 2)
    queue = IngestQueue(store, linger=3600.0)
    with ExitStack() as unchanged:
        unchanged.enter_context(queue.expecting())  # a source whose server will answer 304
        with queue.expecting():  # the source with mentions: fetched, then queued
            pass
        stored = asyncio.ensure_future(queue.ingest(ids[0], _posts(0), NOW))
        for _ in range(5):
            await asyncio.sleep(0)
        assert queue.queued == 1  # not taken: the other source may still bring mentions
    async with asyncio.timeout(60):  # generous: without the wake-up it would wait an hour
        assert (await stored).new == 3
    await store.close()


async def test_the_wait_for_company_is_bounded(tmp_path: Path) -> None:
    """It should write a queued source after ``linger`` (a second) even while another fetch
    goes on."""
    store, ids = await _store_with_sources(tmp_path / "q.db", 1)
    queue = IngestQueue(store)
    with queue.expecting():  # a slow source that is still being fetched throughout
        async with asyncio.timeout(60):
            assert (await queue.ingest(ids[0], _posts(0), NOW)).new == 3
    assert queue.batches == 1
    await store.close()
