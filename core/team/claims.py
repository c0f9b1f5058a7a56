"""Claims on replying: "ana is replying (2 min)", so two people never answer one person twice.

Opening the reply editor on a mention claims it for ``[team] claim`` (three minutes unless set),
and typing renews the claim (at most every ``RENEW_EVERY``), so a claim lives as long as someone
is writing and lapses a few minutes after they stop, close the laptop or are killed. Closing or
sending releases it at once. Everyone else's list and detail pane show a live claim; the second
person to open the editor is warned and may take the claim over. The claimer is never warned
about their own claim (the same handle in two terminals is one person).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.store import Store

CLAIM_LENGTH = 180.0  # seconds: long enough to read a thread and think, short if abandoned
# Typing renews the claim at most this often: one small write per half-minute of typing,
# however fast someone types, while the claim (minutes long) never lapses under them.
RENEW_EVERY = 30

# Taking a claim keeps its start when the same person renews a live one ("replying (2 min)"
# counts from when they opened it), and restarts it for a new claimer or after a lapse.
_TAKE = """
INSERT INTO mention_claims (mention_id, person, claimed_at, expires_at)
VALUES (:id, :me, :now, :until)
ON CONFLICT (mention_id) DO UPDATE SET
    claimed_at = CASE WHEN person = excluded.person AND expires_at > :now THEN claimed_at
                      ELSE excluded.claimed_at END,
    person = excluded.person, expires_at = excluded.expires_at
"""
_RENEW = ("UPDATE mention_claims SET expires_at = :until"
          " WHERE mention_id = :id AND person = :me AND expires_at > :now")
_RELEASE = "DELETE FROM mention_claims WHERE mention_id = :id AND person = :me"
_LIVE = ("SELECT mention_id, person, claimed_at, expires_at FROM mention_claims"
         " WHERE mention_id IN (SELECT value FROM json_each(:ids)) AND expires_at > :now")
# A claim dead this long is deleted by the next claim anyone takes: the table stays small.
_PRUNE = "DELETE FROM mention_claims WHERE expires_at < :now - 86400"


@dataclass(frozen=True, slots=True)
class Claim:
    """A live claim: ``person`` has been replying to ``mention_id`` since ``claimed_at``."""

    mention_id: int
    person: str
    claimed_at: int
    expires_at: int

    def words(self, now: int) -> str:
        """``ana is replying (2 min)``: whole minutes since they opened the editor, at least 1."""
        minutes = max(1, (now - self.claimed_at) // 60)
        return f"{self.person} is replying ({minutes} min)"


class Claims:
    """One person's side of reply claims on a store."""

    def __init__(self, store: Store, me: str, *, length: float = CLAIM_LENGTH) -> None:
        self.store, self.me, self.length = store, me, length

    async def take(self, mention_id: int, *, now: int) -> None:
        """Claim the mention (or renew one's own claim), taking over anyone else's."""
        params = self._params(mention_id, now)
        async with self.store.transaction() as db:
            await db.execute(_TAKE, params)
            await db.execute(_PRUNE, params)

    async def renew(self, mention_id: int, *, now: int) -> bool:
        """Extend one's own live claim; False when it lapsed or someone took it over."""
        async with self.store.transaction() as db:
            cursor = await db.execute(_RENEW, self._params(mention_id, now))
            return cursor.rowcount > 0

    async def release(self, mention_id: int) -> None:
        """Give one's claim up (closing or sending); someone else's is left alone."""
        async with self.store.transaction() as db:
            await db.execute(_RELEASE, {"id": mention_id, "me": self.me})

    async def holder(self, mention_id: int, *, now: int) -> Claim | None:
        """The live claim on a mention, whoever holds it."""
        return (await self._live([mention_id], now)).get(mention_id)

    async def by_others(self, mention_ids: Iterable[int], *, now: int) -> dict[int, Claim]:
        """Live claims other people hold on these mentions (the rows on screen)."""
        live = await self._live(list(mention_ids), now)
        return {i: claim for i, claim in live.items() if claim.person != self.me}

    async def _live(self, ids: list[int], now: int) -> dict[int, Claim]:
        if not ids:
            return {}
        async with self.store.db.execute(_LIVE, {"ids": _json(ids), "now": now}) as cursor:
            rows = await cursor.fetchall()
        return {int(r[0]): Claim(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows}

    def _params(self, mention_id: int, now: int) -> dict[str, object]:
        return {"id": mention_id, "me": self.me, "now": now, "until": now + int(self.length)}


def _json(ids: list[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
