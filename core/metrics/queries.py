"""The SQL behind the metrics: every figure is one aggregate over an index range of
``mentions.sort_at`` (or of owned posts by ``published_at``), so a period of a million mentions
is counted by SQLite, never walked row by row in Python.

Listening figures count what others said: the brand's own posts (``owned = 1``) are left out;
they are counted by the Kaushik rates instead. Functions take an open aiosqlite connection.
"""

from __future__ import annotations

from bisect import bisect_right
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
TEXT_SAMPLE = 500  # newest texts read for emerging terms per side: bounded work at any size
TEXT_CHARS = 400  # of each: a headline and its first lines carry the topic
AUTHOR_SAMPLE = 5_000  # newest mentions counted for top authors: bounded, like the terms

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


SLOT = 1800  # seconds: the rollups' slot (migration 0004); every local midnight and hour in a
# zone with a whole or half-hour offset is a slot edge, so buckets are whole slots.


def _aligned(*edges: int) -> None:
    bad = [t for t in edges if t % SLOT]
    if bad:
        raise ValueError(f"metrics ranges start and end on half hours; {bad[0]} does not")


async def series(db: aiosqlite.Connection, edges: Sequence[tuple[int, int]]) -> list[Bucket]:
    """Volume and sentiment per bucket, summed from the half-hour rollups (one index range)."""
    if not edges:
        return []
    first, last = edges[0][0], edges[-1][1]
    _aligned(first, last, *(lo for lo, _ in edges))
    sql = ("SELECT slot, sum(n), sum(n) FILTER (WHERE label = 'positive'),"
           " sum(n) FILTER (WHERE label = 'neutral'), sum(n) FILTER (WHERE label = 'negative'),"
           " total(score) FROM metrics_slots WHERE slot >= :start AND slot < :end AND n > 0"
           " GROUP BY slot")  # one row per slot (not per slot and label): half the CPU
    starts = [lo for lo, _ in edges]
    sums = [[0, 0, 0, 0, 0.0] for _ in edges]  # total, positive, neutral, negative, score
    for slot, *figures in await _all(db, sql, {"start": first, "end": last}):
        into = sums[bisect_right(starts, int(slot)) - 1]
        for k, value in enumerate(figures):
            into[k] += value or 0
    return [_bucket(lo, hi, int(n), int(pos), int(neu), int(neg), score)
            for (lo, hi), (n, pos, neu, neg, score) in zip(edges, sums, strict=True)]


def _bucket(start: int, end: int, n: int, positive: int, neutral: int, negative: int,
            score: float) -> Bucket:
    """A bucket of ``n`` mentions whose sentiment scores add up to ``score``."""
    return Bucket(start, end, n, positive, neutral, negative,
                  round(score / n, 4) if n else None)


async def hours(db: aiosqlite.Connection, start: int, count: int) -> list[Hour]:
    """``count`` consecutive hours from ``start``: volume and negatives, for spike finding."""
    edges = [(start + i * 3600, start + (i + 1) * 3600) for i in range(count)]
    return [Hour(b.start, b.total, b.negative) for b in await series(db, edges)]


@dataclass(frozen=True, slots=True)
class Facets:
    """A period's totals and its counts by source, language, category and voice (each empty
    when it was not asked for)."""

    totals: Bucket
    sources: Counter[str]
    languages: Counter[str]
    categories: Counter[str]
    voices: Counter[str]  # "brand:X" / "competitor:Y": mentions naming each (once per mention)

    def top(self, what: str, limit: int = TOP) -> list[tuple[str, int]]:
        """The most frequent sources, languages or categories (ties by name)."""
        counts: Counter[str] = getattr(self, what)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


FACETS = "slcm"  # source, language, category, matches (folded into voices)


async def totals(db: aiosqlite.Connection, start: int, end: int) -> Bucket:
    """A period's volume and sentiment in one bucket, summed by SQLite from the rollups."""
    _aligned(start, end)
    labels: Counter[str] = Counter()
    score = 0.0
    for label, n, summed in await _all(
            db, "SELECT label, sum(n), total(score) FROM metrics_slots WHERE slot >= :start"
                " AND slot < :end AND n > 0 GROUP BY label", {"start": start, "end": end}):
        labels[str(label)] += int(n)
        score += float(summed)
    return _bucket(start, end, sum(labels.values()), labels["positive"], labels["neutral"],
                   labels["negative"], score)


DAY = 86400  # seconds: the daily rollups' unit (migration 0012), whole UTC days


def whole_days(start: int, end: int) -> tuple[int, int]:
    """The whole UTC days inside ``start``-``end``, as a range (empty, at ``end``, when there
    is none); the partial days at either edge are counted from the half-hour slots."""
    first, last = -(-start // DAY) * DAY, end - end % DAY
    return (first, last) if first < last else (end, end)


async def facets(db: aiosqlite.Connection, start: int, end: int,
                 which: str = FACETS) -> Facets:
    """A period's totals and the facets named in ``which`` (letters of ``FACETS``): its whole
    UTC days summed from the daily rollups, the partial days at its edges (a zone not on UTC)
    from the half-hour ones. A month at 1M mentions is ~900 daily rows, where its slots are
    ~41,000 (most of them per source)."""
    _aligned(start, end)
    found: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    asked = [f for f in FACETS if f in which]
    first, last = whole_days(start, end)
    among = ", ".join(f":f{i}" for i in range(len(asked)))
    sql = ("SELECT facet, value, sum(n) FROM ("
           f"SELECT facet, value, n FROM metrics_facets WHERE slot >= :start AND slot < :first"
           f" AND facet IN ({among}) UNION ALL"
           f" SELECT facet, value, n FROM metrics_facets WHERE slot >= :last AND slot < :end"
           f" AND facet IN ({among}) UNION ALL"
           f" SELECT facet, value, n FROM metrics_facets_daily WHERE day >= :first"
           f" AND day < :last AND facet IN ({among}))"
           " GROUP BY facet, value HAVING sum(n) > 0")
    params: dict[str, object] = {"start": start, "end": end, "first": first, "last": last}
    params.update({f"f{i}": facet for i, facet in enumerate(asked)})
    for facet, value, n in await _all(db, sql, params) if asked else []:
        found[str(facet)][str(value)] += int(n)
    voices: Counter[str] = Counter()
    for matched, n in found["m"].items():
        for key in _voices_of(matched):
            voices[key] += n
    names = dict(await _all(db, "SELECT CAST(id AS TEXT), name FROM sources", {})) \
        if found["s"] else {}
    sources = Counter({str(names.get(i, i)): n for i, n in found["s"].items()})
    return Facets(await totals(db, start, end), sources, found["l"], found["c"], voices)


def _voices_of(matched: str) -> set[str]:
    return {f"{x.kind}:{x.name}" for x in parse_matched(matched)
            if x.kind in ("brand", "competitor")}


_TOP_COLUMNS = {
    "sources": "(SELECT name FROM sources WHERE id = m.source_id)",
    "authors": "m.author",
    "languages": "m.language",
    "categories": "coalesce(m.category, 'none')",
}


async def top(db: aiosqlite.Connection, what: str, start: int, end: int,
              limit: int = TOP, sample: int = AUTHOR_SAMPLE) -> list[tuple[str, int]]:
    """The most frequent sources, authors, languages or categories among the period's newest
    ``sample`` mentions (all of them in a period that holds fewer)."""
    column = _TOP_COLUMNS[what]
    empty = " AND m.author != ''" if what == "authors" else ""
    sql = (f"SELECT value, count(*) AS n FROM (SELECT {column} AS value FROM mentions m"
           f" WHERE {_LISTENING}{empty} ORDER BY m.sort_at DESC LIMIT :sample)"
           " GROUP BY value ORDER BY n DESC, value LIMIT :limit")
    rows = await _all(db, sql, {"start": start, "end": end, "limit": limit, "sample": sample})
    return [(str(name), int(n)) for name, n in rows]


async def texts(db: aiosqlite.Connection, start: int, end: int,
                limit: int = TEXT_SAMPLE) -> list[tuple[str, str]]:
    """The newest ``limit`` listening texts (title and body) of a period, with their authors."""
    sql = (f"SELECT substr(m.title || ' ' || m.text, 1, {TEXT_CHARS}), m.author FROM mentions m"
           f" WHERE {_LISTENING}"
           " ORDER BY m.sort_at DESC LIMIT :limit")
    rows = await _all(db, sql, {"start": start, "end": end, "limit": limit})
    return [(str(text), str(author)) for text, author in rows]


async def owned_posts(db: aiosqlite.Connection, start: int,
                      end: int) -> list[tuple[str, Engagement, int | None]]:
    """(platform, counts, followers) of each owned post published in the period: its counts as
    of the last snapshot before the period ended (live counts when it has none yet), and its
    account's followers as last reported (None where the platform does not say)."""
    sql = """
    SELECT m.platform,
           CASE WHEN s.at IS NULL THEN m.replies ELSE s.replies END,
           CASE WHEN s.at IS NULL THEN m.reshares ELSE s.reshares END,
           CASE WHEN s.at IS NULL THEN m.likes ELSE s.likes END,
           (SELECT followers FROM authors WHERE id = m.author_id)
    FROM mentions m LEFT JOIN engagement_snapshots s ON s.mention_id = m.id AND s.at = (
        SELECT max(at) FROM engagement_snapshots WHERE mention_id = m.id AND at < :end)
    WHERE m.owned = 1 AND m.published_at >= :start AND m.published_at < :end
    ORDER BY m.platform, m.id"""
    rows = await _all(db, sql, {"start": start, "end": end})
    return [(str(p), Engagement(r, a, c), f) for p, r, a, c, f in rows]


@dataclass(frozen=True, slots=True)
class Responses:
    """How the team answered a period's mentions: handled share and first-response times."""

    mentions: int
    handled: int
    median: float | None  # seconds from the mention to its first reply or "done"
    p90: float | None


async def responses(db: aiosqlite.Connection, start: int, end: int,
                    mentions: int) -> tuple[Responses, dict[str, Responses]]:
    """Overall (of the period's ``mentions``) and per person. A mention is handled when it was
    replied to or marked done (until replies are recorded, "done" is the response); the person
    is who did it first."""
    params = {"start": start, "end": end}
    first: dict[int, tuple[int, str]] = {}  # mention id -> (seconds to respond, who)
    for mention_id, seconds, who in await _all(db, _FIRST_DONE, params) + await _all(
            db, _REPLIED, params):
        key, took = int(mention_id), max(0, int(seconds))
        if key not in first or took < first[key][0]:
            first[key] = (took, str(who))
    times: dict[str, list[float]] = {}
    for took, who in first.values():
        times.setdefault(who, []).append(took)
    overall = _responses(mentions, [t for t, _ in first.values()])
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
                       limit: int = TOP, *, by_priority: bool = False) -> list[Brief]:
    """The highest-priority listening mentions of a kind in a period (newest first on ties).

    ``by_priority`` walks the priority index and keeps the period's rows, instead of sorting
    the period: far cheaper when the period holds a good share of the kind (a month of a
    million mentions), far dearer when it holds few; ``walk_priority_index`` decides."""
    index = " INDEXED BY mentions_by_priority" if by_priority else ""
    sql = (f"SELECT m.id, (SELECT name FROM sources WHERE id = m.source_id), m.author,"
           f" substr(CASE WHEN m.title != '' THEN m.title ELSE m.text END, 1, {BRIEF_CHARS}),"
           f" m.url, m.sentiment_label, m.sort_at FROM mentions m{index}"
           f" WHERE {_LISTENING}{_KINDS[kind]}"
           " ORDER BY m.priority DESC, m.sort_at DESC, m.id DESC LIMIT :limit")
    rows = await _all(db, sql, {"start": start, "end": end, "limit": limit})
    return [Brief(int(i), str(s or ""), str(a), " ".join(str(t).split()), u, str(lab), int(at))
            for i, s, a, t, u, lab, at in rows]


async def economic_value(db: aiosqlite.Connection, start: int, end: int) -> dict[str, float]:
    """The value of the outcomes recorded in a period, per kind (largest first)."""
    rows = await _all(db, "SELECT kind, total(value) AS v FROM outcomes WHERE at >= :start"
                          " AND at < :end GROUP BY kind ORDER BY v DESC, kind",
                      {"start": start, "end": end})
    return {str(kind): float(v) for kind, v in rows}


def walk_priority_index(wanted: int, of_kind: int, in_period: int, stored: int) -> bool:
    """Whether finding ``wanted`` mentions by walking the priority index (expected rows read:
    ``wanted`` x ``stored`` / ``of_kind``) beats sorting the ``in_period`` rows."""
    return of_kind > 0 and wanted * stored < of_kind * in_period


async def stored_mentions(db: aiosqlite.Connection) -> int:
    """Every stored mention, from the trigger-kept inbox counts (no scan)."""
    rows = await _all(db, "SELECT n FROM inbox_counts WHERE bucket = 'all'", {})
    return int(rows[0][0]) if rows else 0
