"""Every source at a glance: how its polls are going, and why one fails.

The Sources screen lists each configured source with its state in one word (ok, not modified,
warning, error, throttled, silent, or not polled yet), when it last polled well, the last error
in full, when it polls next, how far it has backed off, and what its last poll brought. It all
comes from the ``sources`` table (fetch state the poller keeps) and the ``polls`` history, in
one query (``sources_overview``). ``calm_health`` is what the status line says when no source
is failing, so it never claims "sources ok" before any source has been polled.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from core.model import FAILED_STATUSES, PollStatus

SILENT_AFTER = 86400  # a source with no successful poll for a day needs a person to look
NOT_POLLED = "not polled"
SILENT = "silent"


@dataclass(frozen=True, slots=True)
class LastPoll:
    """What the latest poll of a source brought."""

    at: int
    duration_ms: int
    new: int
    seen: int  # items the source returned: new, already stored, or updated


@dataclass(frozen=True, slots=True)
class LastError:
    """The latest failed poll the store still keeps: when, and the message in full."""

    at: int
    status: str
    message: str


@dataclass(frozen=True, slots=True)
class SourceOverview:
    """One row of the Sources screen."""

    id: int
    name: str
    kind: str
    url: str
    owned: bool
    status: str  # a PollStatus value, SILENT, or NOT_POLLED
    message: str  # what its latest poll said ("" when all went well)
    last_ok_at: int | None
    next_poll_at: int | None
    error_count: int  # consecutive failures
    backoff: int | None  # seconds the poller waits after the failures, None when healthy
    throttled_until: int | None
    last_poll: LastPoll | None
    last_error: LastError | None

    @property
    def failing(self) -> bool:
        """Its latest poll did not get through (error or throttled)."""
        return self.status in FAILED_STATUSES


# The last failure is read through the partial index polls_failed (migration 0004), whose
# condition is this very IN list; a test checks the planner uses it.
_FAILED = ", ".join(f"'{status.value}'" for status in sorted(FAILED_STATUSES))
OVERVIEW_QUERY = f"""
SELECT s.id, s.name, s.kind, s.url, s.owned, s.last_status, s.last_polled_at, s.last_ok_at,
       s.error_count, s.next_poll_at, s.throttled_until, coalesce(s.last_message, ''),
       p.started_at, p.duration_ms, p.new, p.new + p.duplicates + p.updated,
       e.started_at, e.status, e.message
FROM sources s
LEFT JOIN polls p ON p.id = (SELECT id FROM polls WHERE source_id = s.id
                             ORDER BY started_at DESC, id DESC LIMIT 1)
LEFT JOIN polls e ON e.id = (SELECT id FROM polls WHERE source_id = s.id
                             AND status IN ({_FAILED})
                             ORDER BY started_at DESC, id DESC LIMIT 1)
WHERE s.active = 1
ORDER BY s.name
"""


async def sources_overview(db: aiosqlite.Connection, *, now: int) -> list[SourceOverview]:
    """Every active source, by name, with its state and latest polls (``now`` decides silent)."""
    async with db.execute(OVERVIEW_QUERY) as cursor:
        rows = list(await cursor.fetchall())
    return [_overview(row, now) for row in rows]


def _overview(r: sqlite3.Row, now: int) -> SourceOverview:
    polled_at, ok_at, errors, next_at = r[6], r[7], int(r[8]), r[9]
    status = source_status(r[5], polled_at, ok_at, now)
    backoff = next_at - polled_at if errors and next_at and polled_at else None
    last_poll = LastPoll(int(r[12]), int(r[13]), int(r[14]), int(r[15])) if r[12] else None
    last_error = LastError(int(r[16]), str(r[17]), str(r[18])) if r[16] else None
    return SourceOverview(int(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4]), status,
                          str(r[11]), ok_at, next_at, errors, backoff, r[10], last_poll,
                          last_error)


def source_status(last_status: str | None, polled_at: int | None, ok_at: int | None,
                  now: int) -> str:  # the one definition of a source's state
    """A source's state in one word: its last poll's status, or silent when nothing has come
    through for SILENT_AFTER although it is polled, or NOT_POLLED before its first poll."""
    if polled_at is None:
        return NOT_POLLED
    if last_status in FAILED_STATUSES:
        return last_status
    if ok_at is None or now - ok_at > SILENT_AFTER:
        return SILENT
    return last_status or PollStatus.OK


STATUS_WORDS: dict[str, str] = {
    PollStatus.OK: "ok",
    PollStatus.NOT_MODIFIED: "not modified",
    PollStatus.WARNING: "warning",
    PollStatus.ERROR: "error",
    PollStatus.THROTTLED: "throttled",
    SILENT: "silent",
    NOT_POLLED: "not polled",
}


def calm_health(overview: list[SourceOverview]) -> str:
    """What to say about sources when none is failing: only "sources ok" once one has polled."""
    if not overview:
        return "no sources"
    if all(o.status == NOT_POLLED for o in overview):
        return "sources not polled yet"
    return "sources ok"
