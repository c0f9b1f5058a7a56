"""What one inbox knows of its teammates: who is replying to what, who has what open.

The inbox asks three things of it, each cheap: the claims on the rows it shows (one indexed
read for the visible window), the line for the detail pane ("ana is replying (2 min) · also
here: bo", one mention), and whether to write its own heartbeat now (``Heartbeat`` decides, so
most calls write nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from core.store import Store
from core.team.changes import triage_stamp
from core.team.claims import CLAIM_LENGTH, Claims
from core.team.presence import Heartbeat, Presence, also_here


class TeamAwareness:
    """Claims and presence for one running inbox of person ``me``."""

    def __init__(self, store: Store, me: str, *, claim_length: float = CLAIM_LENGTH,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.claims = Claims(store, me, length=claim_length)
        self.presence = Presence(store, me, session=store.holder)
        self._heartbeat = Heartbeat()
        self._monotonic = monotonic

    async def triage_stamp(self) -> tuple[int, int, int]:
        """The stamp that moves with every change the counts could see (``core.team.changes``);
        a commit that leaves it as it was only touched presence or claims."""
        return await triage_stamp(self.claims.store.db)

    async def row_claims(self, mention_ids: Iterable[int], *, now: int) -> dict[int, str]:
        """``{mention id: "ana is replying (2 min)"}`` for the rows others are replying to."""
        claims = await self.claims.by_others(mention_ids, now=now)
        return {i: claim.words(now) for i, claim in claims.items()}

    async def note(self, mention_id: int, *, now: int) -> str:
        """The detail pane's team line for a mention; empty when nobody else is on it."""
        claim = (await self.claims.by_others([mention_id], now=now)).get(mention_id)
        here = await self.presence.others_on(mention_id, now=now)
        if claim is not None:
            here = [person for person in here if person != claim.person]
        parts = [claim.words(now) if claim else "", also_here(here)]
        return " · ".join(part for part in parts if part)

    async def beat(self, mention_id: int | None, *, now: int) -> bool:
        """Write this inbox's presence if the heartbeat is due; whether it wrote."""
        at = self._monotonic()
        if not self._heartbeat.due(mention_id, at):
            return False
        if not await self.presence.beat(mention_id, now=now):
            return False  # busy: the next tick tries again
        self._heartbeat.wrote(mention_id, at)
        return True
