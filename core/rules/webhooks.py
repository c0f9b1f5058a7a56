"""Webhooks per team: each arriving mention of a team's categories is POSTed as JSON to the
team's URL (``[webhooks] support = "https://…"``) through the hardened client.

Nothing is lost and nothing is sent twice: a delivery is written to ``deliveries`` when its
mention arrives, stays ``pending`` until the endpoint answers 2xx, and is then marked ``sent``
in the same transaction that records the answer; a failure (an error status, a refused
address, a timeout) is retried at a growing interval (``BACKOFF`` doubling to
``MAX_BACKOFF``). The payload's ``delivery_id`` lets an endpoint drop the one repeat a crash
between its answer and our commit could cause. ``listenpost --deliveries`` shows the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.net.fetch import Fetcher, FetchError
from core.rules.routing import teams
from core.store import Store
from core.store.rows import SELECT_MENTIONS, StoredMention, stored_mention

BACKOFF = 60  # seconds before the first retry: a restarting endpoint is back within a minute
MAX_BACKOFF = 6 * 3600  # retry at least four times a day, however long it has been failing
BATCH = 100  # deliveries per round: a backlog drains over rounds, no round runs long
TEXT_CHARS = 2000  # of the mention's text in a payload: a chat message, not an archive


@dataclass(frozen=True, slots=True)
class DeliveryState:
    """One team's deliveries: how many sent, how many waiting, and the latest error."""

    team: str
    sent: int
    pending: int
    last_error: str | None


def webhook_urls(webhooks: Mapping[str, object]) -> dict[str, str]:
    """Team (lower-cased, as routing names it) -> URL."""
    return {team.lower(): str(url) for team, url in webhooks.items() if url}


async def enqueue(store: Store, routing: Mapping[str, object], urls: Mapping[str, str], *,
                  after_id: int, now: int) -> int:
    """Queue a delivery for each mention above ``after_id`` whose category's team has a
    webhook; the number queued (a mention already queued for a team is not queued again)."""
    owners = teams(routing)
    async with store.db.execute(
            "SELECT id, category FROM mentions WHERE id > ? AND owned = 0"
            " AND category IS NOT NULL", (after_id,)) as cur:
        rows = [(i, owners.get(c)) for i, c in await cur.fetchall()]
    wanted = [(i, team) for i, team in rows if team in urls]
    async with store.transaction() as db:
        before = db.total_changes
        await db.executemany(
            "INSERT OR IGNORE INTO deliveries(mention_id, team, next_attempt_at) VALUES (?, ?, ?)",
            [(i, team, now) for i, team in wanted])
        return db.total_changes - before


async def deliver(store: Store, fetcher: Fetcher, urls: Mapping[str, str], *, now: int) -> int:
    """POST every due delivery once; the number the endpoints accepted."""
    async with store.db.execute(
            "SELECT mention_id, team, attempts FROM deliveries WHERE status = 'pending'"
            " AND next_attempt_at <= ? ORDER BY next_attempt_at, mention_id LIMIT ?",
            (now, BATCH)) as cur:
        due = list(await cur.fetchall())
    accepted = 0
    for mention_id, team, attempts in due:
        error = await _post(store, fetcher, urls.get(team), int(mention_id), team)
        await _record(store, int(mention_id), team, int(attempts) + 1, error, now)
        accepted += error is None
    return accepted


async def states(store: Store) -> list[DeliveryState]:
    """Each team's delivery state, by team."""
    async with store.db.execute(
            "SELECT team, sum(status = 'sent'), sum(status = 'pending'),"
            " (SELECT last_error FROM deliveries e WHERE e.team = d.team AND e.status = 'pending'"
            "  AND e.last_error IS NOT NULL ORDER BY e.next_attempt_at DESC LIMIT 1)"
            " FROM deliveries d GROUP BY team ORDER BY team") as cur:
        return [DeliveryState(t, int(s), int(p), e) for t, s, p, e in await cur.fetchall()]


def backoff(attempts: int) -> int:
    """Seconds until the next try after ``attempts`` failed ones."""
    return int(min(MAX_BACKOFF, BACKOFF * 2 ** max(0, attempts - 1)))


async def _post(store: Store, fetcher: Fetcher, url: str | None, mention_id: int,
                team: str) -> str | None:
    """None when the endpoint accepted the mention, else what went wrong."""
    if url is None:
        return f"no webhook for team {team!r} in [webhooks]"
    mention = await _mention(store, mention_id)
    if mention is None:
        return None  # the mention is gone (its row will cascade away): nothing to deliver
    try:
        response = await fetcher.post_json(url, payload(mention, team))
    except FetchError as error:
        return str(error)
    if 200 <= response.status < 300:
        return None
    return f"HTTP {response.status} from the {team} webhook"


async def _mention(store: Store, mention_id: int) -> StoredMention | None:
    sql = f"{SELECT_MENTIONS} WHERE m.id = ?"
    async with store.db.execute(sql, (mention_id,)) as cur:
        row = await cur.fetchone()
    return stored_mention(row) if row else None


def payload(m: StoredMention, team: str) -> dict[str, object]:
    """The JSON a team's endpoint receives for one mention."""
    return {
        "delivery_id": f"{m.id}:{team}", "team": team, "category": m.category,
        "priority": round(m.priority, 2), "sentiment": m.sentiment.compound,
        "source": m.source, "author": m.author, "title": m.title,
        "text": m.text[:TEXT_CHARS], "url": m.url, "published_at": m.published_at,
    }


async def _record(store: Store, mention_id: int, team: str, attempts: int, error: str | None,
                  now: int) -> None:
    async with store.transaction() as db:
        if error is None:
            await db.execute(
                "UPDATE deliveries SET status = 'sent', attempts = ?, sent_at = ?,"
                " last_error = NULL WHERE mention_id = ? AND team = ?",
                (attempts, now, mention_id, team))
        else:
            await db.execute(
                "UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?"
                " WHERE mention_id = ? AND team = ?",
                (attempts, now + backoff(attempts), error[:500], mention_id, team))
