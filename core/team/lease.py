"""The polling lease: one row in the database saying which process polls it, until when.

Source claims (``core.polling.claims``) already stop two processes fetching one source at once;
the lease goes further so that a team's server runs one poller however many people have the
inbox open. The holder renews its row every third of the lease length; anyone else reads the
row to say who polls ("the daemon on HOST (pid N) polls this database") and takes the lease
over once it has expired, which is how a holder killed with SIGKILL is replaced. A daemon also
takes the lease from an inbox that polls for itself: the daemon is the one meant to poll.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from core.store import Store

LeaseKind = Literal["daemon", "inbox"]
LEASE_NAME = "poller"

# Taking or renewing is one statement: the row is ours afterwards when nobody held it, we held
# it already, it had expired, or a daemon takes it from an inbox. RETURNING says which happened.
_TAKE = """
INSERT INTO lease (name, holder, kind, host, pid, heartbeat, expires_at)
VALUES (:name, :holder, :kind, :host, :pid, :now, :until)
ON CONFLICT (name) DO UPDATE SET
    holder = excluded.holder, kind = excluded.kind, host = excluded.host, pid = excluded.pid,
    heartbeat = excluded.heartbeat, expires_at = excluded.expires_at
WHERE lease.holder = excluded.holder OR lease.expires_at <= excluded.heartbeat
   OR (excluded.kind = 'daemon' AND lease.kind = 'inbox')
RETURNING holder
"""
_READ = "SELECT holder, kind, host, pid, heartbeat, expires_at FROM lease WHERE name = ?"
_RELEASE = "DELETE FROM lease WHERE name = ? AND holder = ?"


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    """Who holds the lease, as its row says."""

    holder: str
    kind: str
    host: str
    pid: int
    heartbeat: float
    expires_at: float

    def describe(self) -> str:
        """``the daemon on HOST (pid N)``, for messages and logs."""
        who = "daemon" if self.kind == "daemon" else "listenpost inbox"
        return f"the {who} on {self.host} (pid {self.pid})"


class PolledElsewhere(Exception):
    """This process did not poll: another holds the lease."""

    def __init__(self, holder: LeaseHolder) -> None:
        self.holder = holder
        super().__init__(f"{holder.describe()} polls this database")


class Lease:
    """This store's side of the lease: ``take`` (also renews), ``current`` and ``release``."""

    def __init__(self, store: Store, *, kind: LeaseKind, length: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.kind, self.length, self.clock = store, kind, length, clock

    @property
    def renew_every(self) -> float:
        """Seconds between renewals: a third of the length, so two missed beats do no harm."""
        return self.length / 3

    async def take(self) -> LeaseHolder | None:
        """Take or renew the lease in one short transaction: None when this store holds it now,
        else the live holder that kept it."""
        now = self.clock()
        params = {"name": LEASE_NAME, "holder": self.store.holder, "kind": self.kind,
                  "host": socket.gethostname(), "pid": os.getpid(), "now": now,
                  "until": now + self.length}
        async with self.store.transaction() as db:
            async with db.execute(_TAKE, params) as cursor:
                if await cursor.fetchone() is not None:
                    return None
            async with db.execute(_READ, (LEASE_NAME,)) as cursor:
                row = await cursor.fetchone()
        assert row is not None  # the conflict that refused us is this row
        return LeaseHolder(str(row[0]), str(row[1]), str(row[2]), int(row[3]), float(row[4]),
                           float(row[5]))

    async def release(self) -> None:
        """Give the lease up (if this store holds it), so another process takes over at once."""
        async with self.store.transaction() as db, db.execute(
            _RELEASE, (LEASE_NAME, self.store.holder)
        ):
            pass
