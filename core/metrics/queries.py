"""The SQL behind the metrics: every figure is one aggregate over an index range of
``mentions.sort_at`` (or of owned posts by ``published_at``), so a period of a million mentions
is counted by SQLite, never walked row by row in Python.

Listening figures count what others said: the brand's own posts (``owned = 1``) are left out;
they are counted by the Kaushik rates instead. Functions take an open aiosqlite connection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from core.metrics.spikes import Hour
from core.metrics.stats import percentile
from core.model import Engagement
from core.store.rows import parse_matched

TOP = 5  # rows in each "top" table: a glance, not a listing
TEXT_SAMPLE = 2000  # newest texts read for emerging terms per side: bounded work at any size

_LISTENING = "m.owned = 0 AND m.sort_at >= :start AND m.sort_at < :end"


@dataclass(frozen=True, slots=True)
class Bucket:
    """Listening in one chart bucket: volume, sentiment mix and mean sentiment."""

    start: int
    end: int
    total: int
    positive: int
    neutral: int
    negative: int
    sentiment: float | None  # mean score, None when the bucket is empty


async def _all(db: aiosqlite.Connection, sql: str, params: Any) -> list[tuple[Any, ...]]:
    async with db.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


def _edges_cte(edges: Sequence[tuple[int, int]]) -> tuple[str, list[int]]:
    rows = ", ".join("(?, ?, ?)" for _ in edges)
    params = [x for i, (lo, hi) in enumerate(edges) for x in (i, lo, hi)]
    return f"WITH b(i, lo, hi) AS (VALUES {rows})", params


async def series(db: aiosqlite.Connection, edges: Sequence[tuple[int, int]]) -> list[Bucket]:
    """Volume and sentiment per bucket, one range scan of the time index per bucket."""
    if not edges:
        return []
    cte, params = _edges_cte(edges)
    sql = (f"{cte} SELECT b.i, count(m.id), sum(m.sentiment_label = 'positive'),"
           " sum(m.sentiment_label = 'neutral'), sum(m.sentiment_label = 'negative'),"
           " avg(m.sentiment) FROM b LEFT JOIN mentions m"
           " ON m.sort_at >= b.lo AND m.sort_at < b.hi AND m.owned = 0"
           " GROUP BY b.i ORDER BY b.i")
    found = {int(r[0]): r for r in await _all(db, sql, params)}
    out = []
    for i, (lo, hi) in enumerate(edges):
        _, n, pos, neu, neg, avg = found[i]
        out.append(Bucket(lo, hi, int(n or 0), int(pos or 0), int(neu or 0), int(neg or 0),
                          None if avg is None else round(float(avg), 4)))
    return out


async def hours(db: aiosqlite.Connection, start: int, count: int) -> list[Hour]:
    """``count`` consecutive hours from ``start``: volume and negatives, for spike finding."""
    edges = [(start + i * 3600, start + (i + 1) * 3600) for i in range(count)]
    return [Hour(b.start, b.total, b.negative) for b in await series(db, edges)]


async def voices(db: aiosqlite.Connection, start: int, end: int) -> Counter[str]:
    """Mentions naming the brand and each competitor ("brand:X", "competitor:Y"); a mention
    naming one twice counts once. Grouped by the stored ``matched`` text, which takes few
    distinct values, so the Python side sees groups, not rows."""
    sql = (f"SELECT m.matched, count(*) FROM mentions m WHERE {_LISTENING}"
           " AND m.matched != '' GROUP BY m.matched")
    counts: Counter[str] = Counter()
    for matched, n in await _all(db, sql, {"start": start, "end": end}):
        named = {f"{x.kind}:{x.name}" for x in parse_matched(str(matched))
                 if x.kind in ("brand", "competitor")}
        for key in named:
            counts[key] += int(n)
    return counts


_TOP_COLUMNS = {
    "sources": "(SELECT name FROM sources WHERE id = m.source_id)",
    "authors": "m.author",
    "languages": "m.language",
    "categories": "coalesce(m.category, 'none')",
}


async def top(db: aiosqlite.Connection, what: str, start: int, end: int,
              limit: int = TOP) -> list[tuple[str, int]]:
    """The most frequent sources, authors, languages or categories in a period."""
    column = _TOP_COLUMNS[what]
    empty = " AND m.author != ''" if what == "authors" else ""
    group = "m.source_id" if what == "sources" else column
    sql = (f"SELECT {column}, count(*) AS n FROM mentions m WHERE {_LISTENING}{empty}"
           f" GROUP BY {group} ORDER BY n DESC, 1 LIMIT :limit")
    rows = await _all(db, sql, {"start": start, "end": end, "limit": limit})
    return [(str(name), int(n)) for name, n in rows]


async def texts(db: aiosqlite.Connection, start: int, end: int,
                limit: int = TEXT_SAMPLE) -> list[str]:
    """The newest ``limit`` listening texts (title and body) of a period."""
    sql = (f"SELECT m.title || ' ' || m.text FROM mentions m WHERE {_LISTENING}"
           " ORDER BY m.sort_at DESC LIMIT :limit")
    return [str(r[0]) for r in await _all(db, sql, {"start": start, "end": end, "limit": limit})]


async def owned_posts(db: aiosqlite.Connection, start: int,
                      end: int) -> list[tuple[str, Engagement]]:
    """(platform, counts) of each owned post published in the period, its counts as of the
    last snapshot before the period ended (live counts when it has none yet)."""
    sql = """
    SELECT m.platform,
           CASE WHEN s.at IS NULL THEN m.replies ELSE s.replies END,
           CASE WHEN s.at IS NULL THEN m.reshares ELSE s.reshares END,
           CASE WHEN s.at IS NULL THEN m.likes ELSE s.likes END
    FROM mentions m LEFT JOIN engagement_snapshots s ON s.mention_id = m.id AND s.at = (
        SELECT max(at) FROM engagement_snapshots WHERE mention_id = m.id AND at < :end)
    WHERE m.owned = 1 AND m.published_at >= :start AND m.published_at < :end
    ORDER BY m.platform, m.id"""
    rows = await _all(db, sql, {"start": start, "end": end})
    return [(str(p), Engagement(r, a, c)) for p, r, a, c in rows]


@dataclass(frozen=True, slots=True)
class Responses:
    """How the team answered a period's mentions: handled share and first-response times."""

    mentions: int
    handled: int
    median: float | None  # seconds from the mention to its first reply or "done"
    p90: float | None


async def responses(db: aiosqlite.Connection, start: int,
                    end: int) -> tuple[Responses, dict[str, Responses]]:
    """Overall and per person. A mention is handled when it was replied to or marked done
    (until replies are recorded, "done" is the response); the person is who did it first."""
    params = {"start": start, "end": end}
    total = await _all(db, f"SELECT count(*) FROM mentions m WHERE {_LISTENING}", params)
    first: dict[int, tuple[int, str]] = {}  # mention id -> (seconds to respond, who)
    for mention_id, seconds, who in await _all(db, _FIRST_DONE, params) + await _all(
            db, _REPLIED, params):
        key, took = int(mention_id), max(0, int(seconds))
        if key not in first or took < first[key][0]:
            first[key] = (took, str(who))
    times: dict[str, list[float]] = {}
    for took, who in first.values():
        times.setdefault(who, []).append(took)
    overall = _responses(int(total[0][0]), [t for t, _ in first.values()])
    return overall, {who: _responses(len(ts), ts) for who, ts in sorted(times.items())}


# The first "done" of each mention of the period that is still in force (not undone); SQLite
# gives the bare column ``actor`` from the row that holds min(at).
_FIRST_DONE = f"""
SELECT m.id, min(a.at) - m.sort_at, a.actor FROM actions a JOIN mentions m ON m.id = a.mention_id
WHERE a.action = 'done' AND a.undone = 0 AND {_LISTENING} GROUP BY m.id"""
_REPLIED = f"""
SELECT m.id, m.replied_at - m.sort_at, coalesce(m.assignee, 'someone') FROM mentions m
WHERE {_LISTENING} AND m.replied_at IS NOT NULL"""


def _responses(mentions: int, times: list[float]) -> Responses:
    return Responses(mentions, len(times), percentile(times, 50), percentile(times, 90))


@dataclass(frozen=True, slots=True)
class Brief:
    """A mention as a report line: who, where, what (shortened), its link and sentiment."""

    id: int
    source: str
    author: str
    text: str
    url: str | None
    label: str
    at: int


BRIEF_CHARS = 200  # enough for a report line; the inbox holds the full text
_KINDS = {
    "negative": " AND m.sentiment_label = 'negative'",
    "idea": " AND m.category = 'idea'",
    "any": "",
}


async def top_mentions(db: aiosqlite.Connection, kind: str, start: int, end: int,
                       limit: int = TOP) -> list[Brief]:
    """The highest-priority listening mentions of a kind in a period (newest first on ties)."""
    sql = (f"SELECT m.id, (SELECT name FROM sources WHERE id = m.source_id), m.author,"
           f" substr(CASE WHEN m.title != '' THEN m.title ELSE m.text END, 1, {BRIEF_CHARS}),"
           f" m.url, m.sentiment_label, m.sort_at FROM mentions m WHERE {_LISTENING}{_KINDS[kind]}"
           " ORDER BY m.priority DESC, m.sort_at DESC, m.id DESC LIMIT :limit")
    rows = await _all(db, sql, {"start": start, "end": end, "limit": limit})
    return [Brief(int(i), str(s or ""), str(a), " ".join(str(t).split()), u, str(lab), int(at))
            for i, s, a, t, u, lab, at in rows]
