"""A poll round's claims on its sources, taken a few at a time just ahead of polling them.

A process must hold a source's claim (``Store.claim_sources``) before it fetches the source, so
several processes (pollers, ``--poll-once`` runs, inboxes) never poll one source at once, and a
source one of them has just polled is not polled again by the others. Claiming each source in a
transaction of its own cost about as much as the rest of a round of unchanged feeds (half a
millisecond each, a thousand per round), so the round claims a chunk at a time: the sources
next in the round's order, in one transaction. And it claims ``AHEAD`` chunks before they are
needed: a claim waits for the store's write turn, and while the mentions of 40 feeds were
written (a quarter of a second) a claim taken only when a source's turn came stopped every
fetch slot behind it.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping

from core.store import Store

AHEAD = 4  # chunks claimed, or being claimed, beyond the sources being polled


class RoundClaims:
    """Claims for one round: ``take(id)`` before fetching; ``release_unpolled()`` at the end."""

    def __init__(
        self,
        store: Store,
        seen: Mapping[int, int | None],
        *,
        due_only: bool,
        clock: Callable[[], float],
        chunk: int,
    ) -> None:
        self._store = store
        self._undecided = dict(seen)  # source id -> last_polled_at as read; in round order
        self._granted: set[int] = set()
        self._polled: set[int] = set()
        self._claiming: dict[int, asyncio.Task[None]] = {}  # source id -> its chunk's claim
        self._due_only, self._clock, self._chunk = due_only, clock, max(1, chunk)

    async def take(self, source_id: int) -> bool:
        """True when this process holds the claim on ``source_id`` and should poll it now."""
        if source_id in self._undecided:
            self._claim_chunk(first=source_id)
        self._claim_ahead()
        claim = self._claiming.get(source_id)
        if claim is not None:
            await asyncio.shield(claim)  # a stopped source must not undo the others' claims
        if source_id not in self._granted:
            return False
        self._polled.add(source_id)  # its outcome, once recorded, releases the claim
        return True

    def _claim_ahead(self) -> None:
        """Start claiming the next chunks while fewer than ``AHEAD`` are claimed or being
        claimed beyond the sources already being polled."""
        while self._undecided and (
            len(self._granted - self._polled) + len(self._claiming) < AHEAD * self._chunk
        ):
            self._claim_chunk()

    def _claim_chunk(self, first: int | None = None) -> None:
        """Start claiming ``first`` (when given) and the next undecided sources: one chunk."""
        ids = [] if first is None else [first]
        others = (i for i in self._undecided if i != first)
        ids += itertools.islice(others, self._chunk - len(ids))
        seen = {i: self._undecided.pop(i) for i in ids}
        claim = asyncio.ensure_future(self._claim(seen))
        self._claiming.update(dict.fromkeys(ids, claim))

    async def _claim(self, seen: dict[int, int | None]) -> None:
        try:
            now = int(self._clock())
            self._granted |= await self._store.claim_sources(
                seen, now=now, due_only=self._due_only)
        finally:
            for source_id in seen:
                self._claiming.pop(source_id, None)

    async def release_unpolled(self) -> None:
        """Give back claims taken ahead for sources this round did not poll (it was stopped,
        or a claimed source turned out not to need a fetch)."""
        await self.settle()
        if self._granted - self._polled:
            await self._store.release_claims()

    async def settle(self) -> None:
        """Wait for the claims being taken; their errors were the polls' to hear."""
        pending = set(self._claiming.values())
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def stop(self) -> None:
        """Stop taking claims (the round was stopped, or the store failed): a claim being taken
        is rolled back, and nothing more is claimed."""
        self._undecided.clear()
        for claim in set(self._claiming.values()):
            claim.cancel()
        await self.settle()
