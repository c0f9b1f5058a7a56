"""Taking back an apply of rules to past mentions, as a person takes back any bulk action.

An apply made undoable (``stored.apply(..., undoable=True)``, the Rules screen's "past ones
too") logs its changes as one batch of actions. Undoing it writes back each field's value from
before, but only where the field still holds what the rule set: a category a person changed
since is theirs and stays. Tags the rule added are removed. The batch is marked undone (so a
later apply counts the rule as never fired on those mentions, and boosts again) and the undo
is logged as the person's, like the inbox's undo, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.rules.stored import RULES_ACTOR, next_batch
from core.store import Store

# The mention columns a rule writes (core.rules.model.RULE_FIELDS less tags, which are rows).
_COLUMNS = ("category", "priority", "assignee", "status")
_LATEST = ("SELECT max(batch) FROM actions WHERE actor = :rules AND undone = 0"
           " AND batch IS NOT NULL")
_ACTIONS = "SELECT mention_id, before, after FROM actions WHERE batch = :b AND undone = 0"


@dataclass(frozen=True, slots=True)
class Undone:
    """An undone apply: its batch and how many mentions it had changed."""

    batch: int
    mentions: int


async def undo_apply(store: Store, *, actor: str, now: int) -> Undone | None:
    """Take back the latest undoable apply of rules not yet undone; None when there is none."""
    async with store.transaction() as db:
        async with db.execute(_LATEST, {"rules": RULES_ACTOR}) as cur:
            row = await cur.fetchone()
        if row is None or row[0] is None:
            return None
        span = {"b": int(row[0])}
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
