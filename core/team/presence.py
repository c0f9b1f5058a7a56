"""Presence: who else has this mention open ("also here: bo").

Each running inbox keeps one row saying which mention its cursor is on, renewed by a heartbeat.
Writes are cheap by design: a ``Heartbeat`` lets an inbox write when its cursor settles on
another mention (at most every ``MIN_GAP``) and otherwise every ``BEAT``, so a person moving
quickly through the list costs one small write per two seconds, and one sitting still one per
five. Each write is one statement committed on its own (``Store.write_now``), never waiting
for the lock: a heartbeat that finds the database busy is simply skipped. Reads ask only about
the mention shown in the detail pane. A row not renewed for ``LIVE`` seconds (an inbox that was
killed) counts for nobody; an inbox that closes deletes its own, and rows of inboxes killed long
ago go with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.store import Store

BEAT = 5.0  # seconds between heartbeats while the cursor stays on one mention
MIN_GAP = 2.0  # seconds at least between two writes, however fast the cursor moves
LIVE = 15  # seconds a heartbeat counts: three missed beats and the person has gone
# A session row this stale is a killed inbox's; the next inbox to close deletes it.
_FORGET_AFTER = 3600

_BEAT = """
INSERT INTO presence (session, person, mention_id, seen_at) VALUES (:session, :me, :id, :now)
ON CONFLICT (session) DO UPDATE SET
    person = excluded.person, mention_id = excluded.mention_id, seen_at = excluded.seen_at
"""
_LEAVE = "DELETE FROM presence WHERE session = :session OR seen_at < :now - :forget"
_OTHERS = ("SELECT DISTINCT person FROM presence WHERE mention_id = :id AND person != :me"
           " AND seen_at > :now - :live ORDER BY person")


class Presence:
    """One inbox's presence (``session``: one per running inbox) on a store."""

    def __init__(self, store: Store, me: str, *, session: str) -> None:
        self.store, self.me, self.session = store, me, session

    async def beat(self, mention_id: int | None, *, now: int) -> bool:
        """Say that this inbox has ``mention_id`` open (None: no mention), as of ``now``;
        False when the database was busy and the beat skipped."""
        params = {"session": self.session, "me": self.me, "id": mention_id, "now": now}
        return await self.store.write_now(_BEAT, params)

    async def leave(self, *, now: int) -> None:
        """This inbox is closing: nobody should read it as here any more."""
        params = {"session": self.session, "now": now, "forget": _FORGET_AFTER}
        await self.store.write_now(_LEAVE, params)

    async def others_on(self, mention_id: int, *, now: int) -> list[str]:
        """The other people (by handle, sorted) who have this mention open now."""
        params = {"id": mention_id, "me": self.me, "now": now, "live": LIVE}
        async with self.store.db.execute(_OTHERS, params) as cursor:
            return [str(row[0]) for row in await cursor.fetchall()]


def also_here(people: list[str]) -> str:
    """``also here: bo, cy`` for the detail pane; empty when nobody else is."""
    return f"also here: {', '.join(people)}" if people else ""


@dataclass(slots=True)
class Heartbeat:
    """When an inbox should write its presence: pure, given the time (monotonic seconds)."""

    beat: float = BEAT
    gap: float = MIN_GAP
    _last_at: float | None = None
    _last_id: int | None = None

    def due(self, mention_id: int | None, at: float) -> bool:
        """Write now? After ``beat`` always; sooner when the open mention changed, but never
        within ``gap`` of the last write."""
        if self._last_at is None:
            return True
        elapsed = at - self._last_at
        return elapsed >= self.beat or (mention_id != self._last_id and elapsed >= self.gap)

    def wrote(self, mention_id: int | None, at: float) -> None:
        """The write happened: count the next interval from here."""
        self._last_at, self._last_id = at, mention_id
