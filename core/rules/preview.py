"""One rule as a person edits it: which stored mentions it would now match and what it would
change on each (the preview), then applying it to the past ones too.

Both run the rule through the same code as ``listenpost --rules-check`` and ``--rules-apply``
(``core.rules.stored``: the same subjects, the same engine, the same "set by hand" history),
narrowed by SQL first (``core.rules.narrowing``) so a preview at a million mentions reads only
a window: the count is one SQL ``count(*)`` through the full-text index, the list the newest
``PREVIEW_WINDOW`` candidates. The rule runs alone, as the one being looked at: what earlier
rules with ``stop`` would hold back is for the whole set (``--rules-check``) to show.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import aiosqlite

from core.rules.model import Outcome, Rule
from core.rules.narrowing import narrowing
from core.rules.stored import Summary, apply, count_candidates, newest_outcomes, outcomes
from core.store import Store

PREVIEW_WINDOW = 100  # mentions listed; a screen shows a part of them, the count covers all


@dataclass(frozen=True, slots=True)
class Preview:
    """What a rule would do: how many stored mentions it matches, and for the newest of them
    (``outcomes``, newest first) the change on each."""

    rule: Rule
    matching: int
    outcomes: tuple[Outcome, ...]

    @property
    def changing(self) -> int:
        """How many of the listed mentions the rule would change."""
        return sum(1 for outcome in self.outcomes if outcome.changes)


async def preview(db: aiosqlite.Connection, rule: Rule, *,
                  window: int = PREVIEW_WINDOW) -> Preview:
    """The preview of ``rule`` over the stored mentions; nothing is written."""
    narrow = narrowing(rule.when)
    if narrow.by_text or rule.when.query is None:
        matching = await count_candidates(db, narrow)
        found = await newest_outcomes(db, (rule,), narrow, limit=window)
        return Preview(rule, matching, tuple(o for o in found if o.fired))
    # A query full-text search cannot express: the engine reads every candidate.
    newest: deque[Outcome] = deque(maxlen=window)
    matching = 0
    async for outcome in outcomes(db, (rule,), narrow=narrow):
        if outcome.fired:
            matching += 1
            newest.append(outcome)
    return Preview(rule, matching, tuple(reversed(newest)))


async def apply_to_past(store: Store, rule: Rule, *, now: int, by: str) -> Summary:
    """Apply ``rule`` to every stored mention it matches, in one transaction, as one batch
    that ``core.rules.undo.undo_apply`` takes back (``by``'s own); what a person set by hand is
    kept."""
    return await apply(store, (rule,), now=now, narrow=narrowing(rule.when), undoable=True,
                       by=by)
