"""A poll round's claims on its sources, taken a few at a time just ahead of polling them.

A process must hold a source's claim (``Store.claim_sources``) before it fetches the source, so
several processes (pollers, ``--poll-once`` runs, inboxes) never poll one source at once, and a
source one of them has just polled is not polled again by the others. Claiming each source in a
transaction of its own cost about as much as the rest of a round of unchanged feeds (half a
millisecond each, a thousand per round), so the round claims a chunk at a time: the source a
poll task is about to fetch plus the next ones in the round's order, in one transaction.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping

from core.store import Store


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
        self._due_only, self._clock, self._chunk = due_only, clock, max(1, chunk)
        self._lock = asyncio.Lock()

    async def take(self, source_id: int) -> bool:
        """True when this process holds the claim on ``source_id`` and should poll it now."""
        async with self._lock:
            if source_id in self._undecided:
                await self._claim_chunk(source_id)
        if source_id not in self._granted:
            return False
        self._polled.add(source_id)  # its outcome, once recorded, releases the claim
        return True

    async def _claim_chunk(self, first: int) -> None:
        others = (i for i in self._undecided if i != first)
        ids = [first, *itertools.islice(others, self._chunk - 1)]
        seen = {i: self._undecided.pop(i) for i in ids}
        now = int(self._clock())
        self._granted |= await self._store.claim_sources(seen, now=now, due_only=self._due_only)

    async def release_unpolled(self) -> None:
        """Give back claims taken ahead for sources this round did not poll (it was stopped,
        or a claimed source turned out not to need a fetch)."""
        if self._granted - self._polled:
            await self._store.release_claims()
