"""Keeping the stored people current: counts over their mentions, scores, stances.

Ingest marks a person dirty (a trigger in migrations/0008_people.sql) when a mention of theirs
arrives or its engagement changes. ``refresh`` claims the dirty people in one short write
(dirty 1 -> 2), then works through the claims a chunk at a time: one GROUP BY over the chunk's
mentions through the ``mentions_by_author`` index, read without holding the write lock,
scored in Python (``core.people.score``), and written back in a short transaction that clears
only claims, so a mention arriving meanwhile leaves its author dirty for the next pass. The
poller never waits long for the lock and the app's other queries interleave between chunks.
Everyone is rescored when the weights or niche terms change, or on a new day, since recency
ages every score.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from core.config.model import PeopleConfig
from core.people.score import DAY, Stats, Weights, score, stance
from core.store.migrate import Transaction

# Relevant: matched a listening query (brand, product, competitor) or names a niche term.
# Specific: names more than the brand alone. Owned posts are the brand itself: not counted.
_SPECIFIC_MATCH = "(m.matched LIKE '%product:%' OR m.matched LIKE '%competitor:%')"


@dataclass(frozen=True, slots=True)
class ScoreSettings:
    """What scores are computed with: ``[people]`` of the config."""

    weights: Weights = field(default_factory=Weights)
    niche: tuple[str, ...] = ()

    def signature(self) -> str:
        """A stable text naming these settings, stored beside the scores."""
        w = self.weights
        return json.dumps([w.relevance, w.engagement, w.consistency, w.reach,
                           sorted(t.lower() for t in self.niche)])


def settings_of(config: PeopleConfig) -> ScoreSettings:
    """What ``[people]`` of the config says scores are computed with."""
    weights = Weights(config.relevance, config.engagement, config.consistency, config.reach)
    return ScoreSettings(weights, config.niche)


def _niche_sql(niche: Sequence[str]) -> tuple[str, dict[str, object]]:
    """An SQL test for "names a niche term" (case-insensitive for ASCII, as SQLite's lower)."""
    if not niche:
        return "0", {}
    tests = [f"instr(lower(m.title || ' ' || m.text), :niche{i}) > 0" for i in range(len(niche))]
    return "(" + " OR ".join(tests) + ")", {f"niche{i}": t.lower() for i, t in enumerate(niche)}


def _aggregate_sql(niche: Sequence[str]) -> tuple[str, dict[str, object]]:
    named, params = _niche_sql(niche)
    relevant = f"(m.matched <> '' OR {named})"
    specific = f"({_SPECIFIC_MATCH} OR {named})"
    scored = f"({relevant} AND m.sentiment_method <> 'none')"
    chosen = " AND a.person_id IN (SELECT value FROM json_each(:ids))"
    sql = (
        f"SELECT a.person_id, count(*), sum({relevant}), sum({specific}),"
        " sum(coalesce(m.replies, 0) + coalesce(m.reshares, 0) + coalesce(m.likes, 0)),"
        f" count(DISTINCT m.sort_at / {DAY}), min(m.sort_at), max(m.sort_at),"
        f" sum({scored}), sum(CASE WHEN {scored} THEN m.sentiment ELSE 0 END)"
        " FROM authors a JOIN mentions m ON m.author_id = a.id"
        f" WHERE m.owned = 0{chosen} GROUP BY a.person_id"
    )
    return sql, params


_IDENTITIES = (
    "SELECT a.person_id, sum(a.followers), group_concat(DISTINCT a.platform),"
    " (SELECT coalesce(nullif(f.name, ''), f.handle) FROM authors f WHERE f.id = a.person_id)"
    " FROM authors a WHERE a.person_id IN (SELECT value FROM json_each(:ids))"
    " GROUP BY a.person_id"
)
# People per chunk: a chunk's read and write each take well under a second at 1M mentions.
CHUNK = 2000
_CLAIM = "UPDATE people SET dirty = 2 WHERE dirty != 0 AND dirty = 1"
_CLAIM_ALL = "UPDATE people SET dirty = 2"
_CLAIMED = "SELECT id FROM people WHERE dirty != 0 AND dirty = 2 AND id > ? ORDER BY id LIMIT ?"
_WRITE = """
UPDATE people SET dirty = CASE dirty WHEN 2 THEN 0 ELSE dirty END, name = :name,
    platforms = :platforms, posts = :posts,
    relevant = :relevant, specific = :specific, interactions = :interactions,
    per_post = :per_post, active_days = :active_days, first_seen = :first_seen,
    last_seen = :last_seen, followers = :followers, about_us = :about_us,
    sentiment_sum = :sentiment_sum, stance = :stance, score = :score, relevance = :relevance,
    engagement = :engagement, consistency = :consistency, reach = :reach
WHERE id = :id
"""


async def refresh(db: aiosqlite.Connection, transaction: Transaction, settings: ScoreSettings,
                  now: int) -> int:
    """Recount and rescore the people that need it; how many were written."""
    everyone = await _settings_changed(db, settings, now)
    async with transaction() as tx:
        async with tx.execute(_CLAIM_ALL if everyone else _CLAIM):
            pass
        if everyone:
            await _remember(tx, settings, now)
    written, last = 0, 0
    while ids := [r[0] for r in await _all(db, _CLAIMED, (last, CHUNK))]:
        rows = await _people_rows(db, settings, now, ids)
        async with transaction() as tx, tx.executemany(_WRITE, rows):
            pass
        written, last = written + len(rows), ids[-1]
    return written


async def _all(db: aiosqlite.Connection, sql: str, params: Any) -> list[Any]:
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def _settings_changed(db: aiosqlite.Connection, settings: ScoreSettings, now: int) -> bool:
    async with db.execute("SELECT key, value FROM people_meta") as cursor:
        meta = {str(k): str(v) for k, v in await cursor.fetchall()}
    return meta.get("settings") != settings.signature() or meta.get("day") != str(now // DAY)


async def _remember(db: aiosqlite.Connection, settings: ScoreSettings, now: int) -> None:
    async with db.executemany(
        "INSERT OR REPLACE INTO people_meta(key, value) VALUES (?, ?)",
        [("settings", settings.signature()), ("day", str(now // DAY))],
    ):
        pass


async def _people_rows(db: aiosqlite.Connection, settings: ScoreSettings, now: int,
                       ids: list[int]) -> list[dict[str, object]]:
    """One ``_WRITE`` parameter set per person in ``ids`` (people left with no identity or no
    post, after a merge, are written too: as empty, so they leave the table)."""
    sql, params = _aggregate_sql(settings.niche)
    chosen = json.dumps(ids)
    counts = {r[0]: r[1:] for r in await _all(db, sql, {**params, "ids": chosen})}
    identities = {r[0]: r[1:] for r in await _all(db, _IDENTITIES, {"ids": chosen})}
    return [_person_row(i, counts.get(i), identities.get(i), settings, now) for i in ids]


def _person_row(person_id: int, counts: tuple | None, identity: tuple | None,
                settings: ScoreSettings, now: int) -> dict[str, object]:
    posts, relevant, specific, interactions, days, first, last, about, feeling = (
        counts or (0, 0, 0, 0, 0, None, None, 0, 0.0))
    followers, platforms, name = identity or (None, "", "")
    stats = Stats(posts, relevant or 0, specific or 0, interactions or 0, days, last, followers,
                  about or 0, float(feeling or 0.0))
    result = score(stats, settings.weights, now)
    return {
        "id": person_id, "name": name or "", "platforms": ",".join(sorted(
            str(platforms or "").split(","))).strip(","), "posts": posts,
        "relevant": stats.relevant, "specific": stats.specific, "interactions": interactions or 0,
        "per_post": (interactions or 0) / posts if posts else 0.0, "active_days": days,
        "first_seen": first, "last_seen": last, "followers": followers, "about_us": stats.about_us,
        "sentiment_sum": stats.sentiment_sum, "stance": stance(stats), "score": result.total,
        **{part.name: part.points for part in result.parts},
    }

