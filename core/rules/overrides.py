"""Learning from corrections: how often people override a category, by what set it, and to
what (``listenpost --rules-report``).

Every triage action is logged with the columns it changed (``actions``), so a person's
category change is on record with the category it replaced. What set that category is the
latest rules action on the mention that changed it (its ``set_by`` names the rule), else the
classifier. A rule or a classifier cue that people keep overriding the same way is one to
change.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import aiosqlite

from core.rules.stored import RULES_ACTOR

CLASSIFIER = "classifier"
_CATEGORY_CHANGES = (
    "SELECT mention_id, actor, before, after FROM actions WHERE undone = 0"
    " AND action != 'undo' AND mention_id IS NOT NULL AND after LIKE '%\"category\"%'"
    " ORDER BY mention_id, id"
)


@dataclass(frozen=True, slots=True)
class Override:
    """People changed the category ``setter`` gave, from ``before`` to ``after``, ``count``
    times."""

    setter: str  # "classifier" or a rule's name
    before: str
    after: str
    count: int


async def overrides(db: aiosqlite.Connection) -> list[Override]:
    """Every kind of category override, most frequent first."""
    counts: Counter[tuple[str, str, str]] = Counter()
    setters: dict[int, str] = {}
    async with db.execute(_CATEGORY_CHANGES) as cur:
        for mention_id, actor, before, after in await cur.fetchall():
            old, new = _json(before), _json(after)
            if "category" not in new:
                continue
            if actor == RULES_ACTOR:
                set_by = new.get("set_by")
                rule = set_by.get("category") if isinstance(set_by, dict) else None
                setters[mention_id] = str(rule or RULES_ACTOR)
                continue
            counts[(setters.pop(mention_id, CLASSIFIER), _name(old.get("category")),
                    _name(new["category"]))] += 1
    return [Override(setter, before, after, n)
            for (setter, before, after), n in sorted(counts.items(), key=_order)]


def report(found: list[Override]) -> str:
    """The overrides as text: one line each, grouped by what set the category."""
    if not found:
        return "no category has been changed by hand\n"
    lines = ["categories changed by hand, by what set them:"]
    for setter in sorted({o.setter for o in found}, key=lambda s: (s != CLASSIFIER, s)):
        mine = [o for o in found if o.setter == setter]
        total = sum(o.count for o in mine)
        label = "the classifier" if setter == CLASSIFIER else f"rule {setter!r}"
        lines.append(f"  {label}: {total} overridden")
        lines += [f"    {o.before} -> {o.after}: {o.count}" for o in mine]
    return "\n".join(lines) + "\n"


def _order(item: tuple[tuple[str, str, str], int]) -> tuple[int, str, str, str]:
    (setter, before, after), n = item
    return (-n, setter, before, after)


def _json(text: str | None) -> dict[str, object]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _name(category: object) -> str:
    return "none" if category is None else str(category)
