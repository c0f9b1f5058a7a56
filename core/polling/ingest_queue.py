"""Sources' mentions written to the store a batch of sources at a time (group commit).

A first poll of a thousand feeds committed a thousand times, each ingest a dozen trips into the
database thread. Here each source that has mentions to store joins a queue and awaits its own
result; one writer task at a time takes everything queued (at most ``MAX_SOURCES`` sources or
``MAX_MENTIONS`` mentions, so one transaction stays short and a live inbox reading the same file
waits for at most one of them) and stores it with ``Store.ingest_many``: one transaction and one
call into the database thread. While it writes, the next sources queue up, so batches grow with
the load. Each transaction also costs the same whatever its size (its pages written to the WAL,
the full-text index's new segment: about 2.8 ms, 140 µs per mention of a feed of 20 posts), and
a first poll's pages arrive about one every 9 ms, so the writer was mostly idle when a page came
and wrote batches of one to three feeds. So while other sources are still being fetched
(``expecting``), the writer waits up to ``LINGER`` for the batch to fill before it writes; a
source nobody else is fetching beside is written at once. When the store
falls behind (a slow disk, a colleague's long write), the poller stops fetching once
``MAX_WAITING`` mentions wait here (``room``), so parsed pages never pile up for the rest of a
round: what a poll holds in flight is this bound plus one page per fetch slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from core.model import Mention
from core.store import IngestResult, Store

# Sources per transaction: a first poll's feeds of 20 posts make a batch of about 1,000
# mentions, written in well under 100 ms; the mention cap keeps a batch of big feeds as short.
MAX_SOURCES = 40
MAX_MENTIONS = 2000
# Mentions waiting for a batch before the poller fetches no more: two batches' worth, so the
# writer always has its next batch ready and never waits for a fetch.
MAX_WAITING = 2 * MAX_MENTIONS
# The longest the writer waits for company while sources are still being fetched: a mention
# reaches a live inbox at most this much later, and a first poll's batches fill to
# ``MAX_SOURCES`` (about 0.35 s of fetching and parsing 40 feeds here) even on a slower machine.
LINGER = 1.0  # seconds


@dataclass(slots=True)
class _Waiting:
    source_id: int
    mentions: Sequence[Mention]
    now: int
    result: asyncio.Future[IngestResult]


class IngestQueue:
    """``await queue.ingest(...)`` is ``Store.ingest`` shared with the other sources queued."""

    def __init__(
        self,
        store: Store,
        *,
        max_sources: int = MAX_SOURCES,
        max_mentions: int = MAX_MENTIONS,
        max_waiting: int = MAX_WAITING,
        linger: float = LINGER,
    ) -> None:
        self.store = store
        self.max_sources = max_sources
        self.max_mentions = max_mentions
        self.max_waiting = max_waiting
        self.linger = linger
        self.batches = 0  # transactions written, for the bench and tests
        self._waiting: list[_Waiting] = []
        self._waiting_mentions = 0
        self._room = asyncio.Event()
        self._room.set()
        self._writer: asyncio.Task[None] | None = None
        self._fetching = 0  # sources being fetched and parsed, whose mentions may join a batch
        self._changed = asyncio.Event()  # a source joined the queue or finished fetching

    @property
    def queued(self) -> int:
        """Sources waiting for a batch (not yet being written)."""
        return len(self._waiting)

    @property
    def full(self) -> bool:
        """Whether ``max_waiting`` mentions or more wait for a batch."""
        return self._waiting_mentions >= self.max_waiting

    @contextmanager
    def expecting(self) -> Iterator[None]:
        """Around one source's fetch and parse: while any is inside, the writer lingers (up to
        ``linger``) for its mentions to join the batch."""
        self._fetching += 1
        try:
            yield
        finally:
            self._fetching -= 1
            self._changed.set()

    async def room(self) -> None:
        """Return once fewer than ``max_waiting`` mentions wait for a batch (at once when so)."""
        while self.full:
            self._room.clear()
            await self._room.wait()

    async def ingest(self, source_id: int, mentions: Sequence[Mention], now: int) -> IngestResult:
        """Store one source's mentions in the next batch; its result, or the store's error."""
        result: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(source_id, mentions, now, result))
        self._waiting_mentions += len(mentions)
        self._changed.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_all())
        return await result  # cancelled: dropped from the queue unless already being written

    async def stop(self) -> None:
        """Stop writing (the round was stopped): the batch being written is rolled back whole,
        like a cancelled ``Store.ingest``, and nothing queued is written."""
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        for waiting in self._waiting:
            waiting.result.cancel()
        self._waiting.clear()
        self._taken(self._waiting_mentions)

    async def _write_all(self) -> None:
        while True:
            await self._gather()
            if not (batch := self._next_batch()):
                return
            try:
                results = await self.store.ingest_many(
                    [(w.source_id, w.mentions, w.now) for w in batch]
                )
            except Exception as error:  # noqa: BLE001 -- each waiting source raises it
                for waiting in batch:
                    if not waiting.result.done():
                        waiting.result.set_exception(error)
                continue
            except BaseException:  # stopped: nobody is left to hear of this batch
                for waiting in batch:
                    waiting.result.cancel()
                raise
            self.batches += 1
            for waiting, result in zip(batch, results, strict=True):
                if not waiting.result.done():
                    waiting.result.set_result(result)

    async def _gather(self) -> None:
        """Wait, up to ``linger``, until the batch is full or no other source is being fetched."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.linger
        while self._fetching and not self._batch_full():
            self._changed.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._changed.wait()
            except TimeoutError:
                return

    def _batch_full(self) -> bool:
        return (len(self._waiting) >= self.max_sources
                or self._waiting_mentions >= self.max_mentions)

    def _next_batch(self) -> list[_Waiting]:
        """The oldest live entries, up to the caps (always at least one)."""
        batch: list[_Waiting] = []
        mentions = 0
        while self._waiting and len(batch) < self.max_sources:
            waiting = self._waiting[0]
            if waiting.result.done():  # its source was stopped while it waited
                self._taken(len(self._waiting.pop(0).mentions))
                continue
            if batch and mentions + len(waiting.mentions) > self.max_mentions:
                break
            batch.append(self._waiting.pop(0))
            mentions += len(waiting.mentions)
        self._taken(mentions)
        return batch

    def _taken(self, mentions: int) -> None:
        """``mentions`` left the queue (written, or dropped): make room for fetching again."""
        self._waiting_mentions -= mentions
        if not self.full:
            self._room.set()
