"""Taking back an apply of rules to past mentions, as a person takes back any bulk action.

An apply made undoable (``stored.apply(..., undoable=True)``, the Rules screen's "past ones
too") logs its changes as one batch of actions. Undoing it writes back each field's value from
before, but only where the field still holds what the rule set: a category a person changed
since is theirs and stays. Tags the rule added are removed. The batch is marked undone (so a
later apply counts the rule as never fired on those mentions, and boosts again) and the undo
is logged as the person's, like the inbox's undo, all in one transaction.

Each person undoes only their own applies (the person is logged with each change as
``applied_by``), and not when someone else has changed one of those mentions since: writing
the old values back would wipe out their work, so the undo is refused (``UndoRefused``, the
inbox undo's own refusal and words) and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from core.inbox.triage import UndoRefused
from core.rules.stored import APPLIED_BY, RULES_ACTOR, next_batch
from core.store import Store

# The mention columns a rule writes (core.rules.model.RULE_FIELDS less tags, which are rows).
_COLUMNS = ("category", "priority", "assignee", "status")
_LATEST = ("SELECT max(batch) FROM actions WHERE actor = :rules AND undone = 0"
           f" AND batch IS NOT NULL AND json_extract(after, '$.{APPLIED_BY}') = :me")
# The latest change by anyone else, after the batch, to one of its mentions: a person other
# than ``me``, or another person's apply of rules. Rules on arriving mentions never touch them.
_CHANGED_SINCE = f"""
WITH theirs AS (
    SELECT a.id, a.actor, a.action, a.after, a.at, a.mention_id FROM actions a
    WHERE a.id > (SELECT max(id) FROM actions WHERE batch = :b)
      AND a.mention_id IN (SELECT mention_id FROM actions WHERE batch = :b)
      AND a.actor != :me
      AND NOT (a.actor = :rules
               AND json_extract(a.after, '$.{APPLIED_BY}') IS :me))
SELECT coalesce(json_extract(after, '$.{APPLIED_BY}'), actor), action, after, at,
       (SELECT count(DISTINCT mention_id) FROM theirs)
FROM theirs ORDER BY id DESC LIMIT 1
"""
_ACTIONS = "SELECT mention_id, before, after FROM actions WHERE batch = :b AND undone = 0"


@dataclass(frozen=True, slots=True)
class Undone:
    """An undone apply: its batch and how many mentions it had changed."""

    batch: int
    mentions: int


async def undo_apply(store: Store, *, actor: str, now: int) -> Undone | UndoRefused | None:
    """Take back ``actor``'s latest undoable apply of rules not yet undone; None when there is
    none, ``Refused`` (nothing undone) when someone else changed one of its mentions since."""
    async with store.transaction() as db:
        async with db.execute(_LATEST, {"rules": RULES_ACTOR, "me": actor}) as cur:
            row = await cur.fetchone()
        if row is None or row[0] is None:
            return None
        span = {"b": int(row[0])}
        refused = await _changed_since(db, span["b"], actor)
        if refused is not None:
            return refused
        for column in _COLUMNS:  # names from the tuple above, never from input
            await db.execute(
                f"UPDATE mentions SET {column} = json_extract(a.before, '$.{column}')"
                f" FROM ({_ACTIONS} AND json_type(after, '$.{column}') IS NOT NULL) AS a"
                f" WHERE mentions.id = a.mention_id"
                f" AND mentions.{column} IS json_extract(a.after, '$.{column}')", span)
        await db.execute(
            "DELETE FROM tags WHERE (mention_id, tag) IN (SELECT a.mention_id, t.value"
            f" FROM ({_ACTIONS}) AS a, json_each(a.after, '$.tags') AS t"
            " WHERE t.value NOT IN (SELECT value FROM"
            " json_each(coalesce(json_extract(a.before, '$.tags'), '[]'))))", span)
        undo_batch = await next_batch(db)
        await db.execute(
            "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
            " SELECT :at, :actor, 'undo', mention_id, :ub, after, before FROM actions"
            " WHERE batch = :b AND undone = 0", {**span, "at": now, "actor": actor,
                                                 "ub": undo_batch})
        cursor = await db.execute("UPDATE actions SET undone = 1 WHERE batch = :b"
                                  " AND undone = 0", span)
        return Undone(span["b"], int(cursor.rowcount))


async def _changed_since(db: aiosqlite.Connection, batch: int,
                         me: str) -> UndoRefused | None:
    async with db.execute(_CHANGED_SINCE, {"b": batch, "me": me, "rules": RULES_ACTOR}) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    who, action, after, at, mentions = row
    async with db.execute("SELECT count(*) FROM actions WHERE batch = ?", (batch,)) as cur:
        size = await cur.fetchone()
    changed = json.loads(str(after)) if after else {}
    return UndoRefused("rules", int(size[0]) if size else 0, int(mentions), str(who),
                       str(action), changed if isinstance(changed, dict) else {}, int(at))
