"""Rules over the store: what a rule set would change on the stored mentions (the dry run of
``listenpost --rules-check``), and applying it (``--rules-apply``).

Applying changes each mention in one transaction with the rest: the triage columns, the tags
and the priority; each change is logged in the action log as done by ``rules`` (so history
shows who changed what), and each rule's hit count and last firing are kept in
``rule_stats``. What a person set by hand (any action not by ``rules`` and not undone) is
never overwritten. The brand's own posts are not triaged, so rules leave them alone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from core.rules.engine import run
from core.rules.model import Outcome, Rule, Subject
from core.rules.narrowing import EVERYTHING, Narrowing
from core.store import Store
from core.store.rows import parse_matched

RULES_ACTOR = "rules"
APPLIED_BY = "applied_by"  # the key in a rule change's logged ``after``: who applied the rules
PAGE = 1000  # mentions read per round trip: bounded memory at a million stored
_COLUMNS = (
    "m.id, m.title, m.text, s.name, m.platform, m.language, m.sentiment, m.matched,"
    " m.author, m.category, m.priority, m.assignee, m.status,"
    " (SELECT group_concat(tag, char(10)) FROM tags WHERE mention_id = m.id)"
)
# Actions that still stand on some mentions (an undo's own entry restores, it sets nothing by
# hand).
_DONE = ("SELECT mention_id, actor, after FROM actions WHERE undone = 0 AND action != 'undo'"
         " AND mention_id IN (SELECT value FROM json_each(:ids))")


@dataclass
class Summary:
    """A rule run over the store: per rule how many mentions it fired on, how many mentions
    would change (or changed), and the first ``shown`` outcomes that change something."""

    hits: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    kept: int = 0  # mentions where a person's own setting was kept
    outcomes: list[Outcome] = field(default_factory=list)
    batch: int | None = None  # the action log's batch of an apply that undo can take back


async def check(store: Store, rules: tuple[Rule, ...], *, shown: int = 50) -> Summary:
    """What ``rules`` would change on the stored mentions; nothing is written."""
    summary = Summary()
    async for outcome in outcomes(store.db, rules):
        _count(summary, outcome, shown)
    return summary


async def apply(store: Store, rules: tuple[Rule, ...], *, now: int, shown: int = 50,
                after_id: int = 0, narrow: Narrowing = EVERYTHING,
                undoable: bool = False, by: str | None = None) -> Summary:
    """Apply ``rules`` to the stored mentions with an id above ``after_id`` (all by default;
    only ``narrow``'s candidates when given) in one transaction; the summary of what changed.
    ``undoable``: the changes share one batch in the action log, which ``undo_apply`` takes
    back as a whole. ``by``: the person applying, logged with each change (the rules remain
    its actor, so a person's own settings stay theirs); only they can undo it."""
    summary = Summary()
    async with store.transaction() as db:
        if undoable:
            summary.batch = await next_batch(db)
        found = [o async for o in outcomes(db, rules, after_id=after_id, narrow=narrow)]
        for outcome in found:
            _count(summary, outcome, shown)
            if outcome.changes:
                await _write(db, outcome, now, summary.batch, by)
        for name, hits in summary.hits.items():
            await db.execute(
                "INSERT INTO rule_stats(name, hits, last_fired) VALUES (:n, :h, :at)"
                " ON CONFLICT(name) DO UPDATE SET hits = hits + :h, last_fired = :at",
                {"n": name, "h": hits, "at": now})
    return summary


async def last_id(store: Store) -> int:
    """The id of the newest stored mention (0 when there is none)."""
    async with store.db.execute("SELECT coalesce(max(id), 0) FROM mentions") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def rule_stats(store: Store) -> dict[str, tuple[int, int | None]]:
    """Each rule's hit count and last firing, by name."""
    async with store.db.execute("SELECT name, hits, last_fired FROM rule_stats") as cur:
        return {name: (hits, last) for name, hits, last in await cur.fetchall()}


async def outcomes(db: aiosqlite.Connection, rules: tuple[Rule, ...], *,
                   after_id: int = 0, narrow: Narrowing = EVERYTHING) -> AsyncIterator[Outcome]:
    """The outcome of ``rules`` on every stored mention above ``after_id`` that is not the
    brand's own (only ``narrow``'s candidates when given), in id order."""
    sql = (f"SELECT {_COLUMNS} FROM {narrow.source} WHERE {narrow.where}"
           f" AND {narrow.id_column} > :after ORDER BY {narrow.id_column} LIMIT :n")
    after = after_id
    while True:
        async with db.execute(sql, {**narrow.params, "after": after, "n": PAGE}) as cur:
            rows = list(await cur.fetchall())
        if not rows:
            return
        for outcome in await _run_on(db, rules, rows):
            yield outcome
        after = rows[-1][0]


async def newest_outcomes(db: aiosqlite.Connection, rules: tuple[Rule, ...], narrow: Narrowing,
                          *, limit: int) -> list[Outcome]:
    """The outcome of ``rules`` on the newest ``limit`` of ``narrow``'s candidates, newest
    first (a window: a preview never reads more)."""
    sql = (f"SELECT {_COLUMNS} FROM {narrow.source} WHERE {narrow.where}"
           f" ORDER BY {narrow.id_column} DESC LIMIT :n")
    async with db.execute(sql, {**narrow.params, "n": limit}) as cur:
        rows = list(await cur.fetchall())
    return await _run_on(db, rules, rows)


async def count_candidates(db: aiosqlite.Connection, narrow: Narrowing) -> int:
    """How many stored mentions ``narrow`` selects, counted in SQL."""
    async with db.execute(f"SELECT count(*) FROM {narrow.source} WHERE {narrow.where}",
                          narrow.params) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _run_on(db: aiosqlite.Connection, rules: tuple[Rule, ...],
                  rows: list[Any]) -> list[Outcome]:
    by_hand, fired = await _history(db, [int(row[0]) for row in rows])
    return [run(rules, _subject(row, by_hand.get(row[0], frozenset()),
                                fired.get(row[0], frozenset()))) for row in rows]


def _count(summary: Summary, outcome: Outcome, shown: int) -> None:
    summary.hits.update(outcome.subject.first_firing(outcome.fired))
    summary.kept += bool(outcome.kept)
    if outcome.changes:
        summary.changed += 1
        if len(summary.outcomes) < shown:
            summary.outcomes.append(outcome)


async def _history(db: aiosqlite.Connection, ids: list[int],
                   ) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]]:
    """Per mention of ``ids``: the fields people set by hand, and the rules that already fired
    on it."""
    by_hand: dict[int, set[str]] = {}
    fired: dict[int, set[str]] = {}
    async with db.execute(_DONE, {"ids": json.dumps(ids)}) as cur:
        for mention_id, actor, after in await cur.fetchall():
            changed = json.loads(after) if after else {}
            if not isinstance(changed, dict):
                continue
            if actor == RULES_ACTOR:
                fired.setdefault(mention_id, set()).update(changed.get("rules", ()))
            else:
                by_hand.setdefault(mention_id, set()).update(changed)
    return ({k: frozenset(v) for k, v in by_hand.items()},
            {k: frozenset(v) for k, v in fired.items()})


def _subject(row: Sequence[Any], by_hand: frozenset[str], fired: frozenset[str]) -> Subject:
    tags = str(row[13] or "")
    return Subject(
        id=int(row[0]), title=str(row[1]), text=str(row[2]), source=str(row[3]).lower(),
        platform=str(row[4]).lower(), language=str(row[5]), sentiment=float(row[6]),
        matched=tuple((m.kind, m.name) for m in parse_matched(str(row[7] or ""))),
        author=str(row[8]), category=None if row[9] is None else str(row[9]),
        tags=frozenset(t for t in tags.split("\n") if t), priority=float(row[10]),
        assignee=None if row[11] is None else str(row[11]), status=str(row[12]),
        by_hand=by_hand, fired_before=fired,
    )


async def _write(db: aiosqlite.Connection, outcome: Outcome, now: int,
                 batch: int | None, by: str | None) -> None:
    columns = {n: after for n, (_, after) in outcome.changes.items() if n != "tags"}
    if columns:
        sets = ", ".join(f"{name} = :{name}" for name in columns)  # names from RULE_FIELDS
        await db.execute(f"UPDATE mentions SET {sets} WHERE id = :id",
                         {**columns, "id": outcome.subject.id})
    if "tags" in outcome.changes:
        before, after = outcome.changes["tags"]
        for tag in sorted(set(after) - set(before)):  # type: ignore[call-overload]
            await db.execute("INSERT OR IGNORE INTO tags(mention_id, tag) VALUES (?, ?)",
                             (outcome.subject.id, tag))
    logged = {n: (sorted(v) if isinstance(v, frozenset) else v)
              for n, (_, v) in outcome.changes.items()}
    logged["rules"] = list(outcome.fired)  # what the next apply reads as "fired before"
    logged["set_by"] = outcome.set_by  # which rule set each field (the overrides report)
    if by is not None:
        logged[APPLIED_BY] = by  # whose apply this was (undo takes back only one's own)
    before = {n: (sorted(v) if isinstance(v, frozenset) else v)
              for n, (v, _) in outcome.changes.items()}
    await db.execute(
        "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now, RULES_ACTOR, "rules: " + ", ".join(outcome.fired), outcome.subject.id, batch,
         json.dumps(before), json.dumps(logged)))


async def next_batch(db: aiosqlite.Connection) -> int:
    """A new batch id for the action log; inside a write transaction, so no other writer can
    take the same number."""
    async with db.execute("SELECT coalesce(max(batch), 0) + 1 FROM actions") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 1
