"""Reply drafts and sent replies in the store: saved as typed, reopened, deleted with undo, sent.

Every write is one short transaction. A draft is saved whole on each save (a reply is at most a
few KB), so the last save is always a complete draft and a ``kill -9`` loses only what was
typed after it. Deleting marks the row 'deleted' and logs it in ``actions`` like a triage
action, so the inbox's undo (core.inbox.triage) brings it back. Sending records who, when, the
text and where on the reply, sets the mention's ``replied_at`` (it leaves "Needs reply"), and
logs a 'reply' action, which undo leaves alone: a post cannot be unsent.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import aiosqlite

from core.analysis.text import sanitize
from core.inbox.triage import _next_batch

Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

# A draft still being worked on (one per mention at most), as SQL: see 0004_replies.sql.
_LIVE = "('open', 'pending', 'unknown')"
MAX_DRAFT_CHARS = 20_000  # far past any platform's limit; keeps a pasted novel out of the DB
MAX_ERROR_CHARS = 500  # one line in the editor

_COLUMNS = ("r.id, r.mention_id, r.state, r.text, r.drafted_by, r.created_at, r.updated_at,"
            " r.idempotency_key, r.last_error, r.sent_by, r.sent_at, r.sent_via, r.post_id,"
            " r.post_url, r.requested_by, r.reviewed_by, r.review_note")


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply to a mention, from draft to sent."""

    id: int
    mention_id: int
    state: str  # open | unknown | sent | deleted
    text: str
    drafted_by: str
    created_at: int
    updated_at: int
    idempotency_key: str
    last_error: str | None
    sent_by: str | None
    sent_at: int | None
    sent_via: str | None
    post_id: str | None
    post_url: str | None
    requested_by: str | None  # who asked for approval
    reviewed_by: str | None  # who approved it, or sent it back
    review_note: str | None  # why it was sent back


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """What a reply needs to know about the mention it answers."""

    mention_id: int
    platform: str
    platform_id: str | None
    url: str | None
    author: str
    author_handle: str | None
    title: str
    text: str
    language: str
    sentiment_label: str
    source_name: str
    source_kind: str
    source_url: str
    replied_at: int | None


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a reply went: ``via`` is mastodon, bluesky or elsewhere (posted by hand)."""

    via: str
    post_id: str | None = None
    post_url: str | None = None


class Replies:
    """Reads and writes of replies on one store connection."""

    def __init__(self, db: aiosqlite.Connection, transaction: Transaction) -> None:
        self._db = db
        self._transaction = transaction

    async def target(self, mention_id: int) -> ReplyTarget | None:
        """The mention ``mention_id`` as a reply needs it, or None when it is gone."""
        sql = ("SELECT m.id, m.platform, m.platform_id, m.url, m.author, a.handle, m.title,"
               " m.text, m.language, m.sentiment_label, s.name, s.kind, s.url, m.replied_at"
               " FROM mentions m JOIN sources s ON s.id = m.source_id"
               " LEFT JOIN authors a ON a.id = m.author_id WHERE m.id = ?")
        rows = await self._fetch(sql, (mention_id,))
        return ReplyTarget(*rows[0]) if rows else None

    async def live(self, mention_id: int) -> Reply | None:
        """The mention's draft being worked on (open, or sent with an unknown outcome)."""
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM replies r WHERE r.mention_id = ?"
                                 f" AND r.state IN {_LIVE}", (mention_id,))
        return Reply(*rows[0]) if rows else None

    async def get(self, reply_id: int) -> Reply | None:
        """One reply by id, in any state."""
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM replies r WHERE r.id = ?", (reply_id,))
        return Reply(*rows[0]) if rows else None

    async def save(self, mention_id: int, text: str, *, actor: str, now: int) -> Reply:
        """Write the mention's draft as it is now, creating it on the first save."""
        text = clean_draft(text)
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE replies SET text = ?, updated_at = ? WHERE mention_id = ?"
                f" AND state IN {_LIVE}", (text, now, mention_id))
            if cursor.rowcount == 0:
                await db.execute(
                    "INSERT INTO replies(mention_id, text, drafted_by, created_at, updated_at,"
                    " idempotency_key) VALUES (?, ?, ?, ?, ?, ?)",
                    (mention_id, text, actor, now, now, uuid.uuid4().hex))
        reply = await self.live(mention_id)
        assert reply is not None  # just written in our own transaction
        return reply

    async def delete(self, reply_id: int, *, actor: str, now: int) -> int:
        """Delete a draft (logged, so the inbox's undo restores it); the action's batch id."""
        async with self._transaction() as db:
            batch = await _next_batch(db)
            cursor = await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT ?, ?, 'draft_delete', mention_id, ?, json_object('state', state),"
                " json_object('reply_id', id) FROM replies WHERE id = ? AND state = 'open'",
                (now, actor, batch, reply_id))
            if cursor.rowcount:
                await db.execute("UPDATE replies SET state = 'deleted', updated_at = ?"
                                 " WHERE id = ?", (now, reply_id))
            return batch

    async def request_approval(self, reply_id: int, *, actor: str, now: int) -> None:
        """Mark an open draft as waiting for another member's approval (logged)."""
        await self._review(reply_id, "approval_request", "pending", actor, now,
                           requested_by=actor, review_note=None)

    async def send_back(self, reply_id: int, note: str, *, actor: str, now: int) -> None:
        """An approver returns a waiting draft to its writer with a note (logged)."""
        await self._review(reply_id, "sent_back", "open", actor, now, reviewed_by=actor,
                           review_note=sanitize(note)[:MAX_ERROR_CHARS])

    async def approve(self, reply_id: int, *, actor: str, now: int) -> None:
        """An approver approves a waiting draft, just before sending it (logged)."""
        await self._review(reply_id, "approve", "pending", actor, now, reviewed_by=actor)

    async def _review(self, reply_id: int, action: str, state: str, actor: str, now: int,
                      **columns: str | None) -> None:
        assert set(columns) <= {"requested_by", "reviewed_by", "review_note"}, columns
        sets = "".join(f", {name} = :{name}" for name in columns)
        async with self._transaction() as db:
            await db.execute(f"UPDATE replies SET state = :state, updated_at = :now{sets}"
                             " WHERE id = :id", {"state": state, "now": now, "id": reply_id,
                                                 **columns})
            batch = await _next_batch(db)
            after = json.dumps({"reply_id": reply_id, "note": columns.get("review_note")})
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT ?, ?, ?, mention_id, ?, NULL, ? FROM replies WHERE id = ?",
                (now, actor, action, batch, after, reply_id))

    async def record_failure(self, reply_id: int, message: str) -> None:
        """A send that did not post: the draft stays open with the reason."""
        await self._set_error(reply_id, "open", message)

    async def record_unknown(self, reply_id: int, message: str) -> None:
        """A send whose outcome we could not learn: never re-sent without a person deciding."""
        await self._set_error(reply_id, "unknown", message)

    async def reopen(self, reply_id: int) -> None:
        """A person checked an unknown outcome and found nothing posted: a draft again."""
        async with self._transaction() as db:
            await db.execute("UPDATE replies SET state = 'open' WHERE id = ? AND state ="
                             " 'unknown'", (reply_id,))

    async def record_sent(self, reply_id: int, sent: Sent, *, actor: str, now: int) -> Reply:
        """Mark the reply sent, its mention replied, and log it (who, when, text, where)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE replies SET state = 'sent', sent_by = ?, sent_at = ?, sent_via = ?,"
                " post_id = ?, post_url = ?, last_error = NULL, updated_at = ? WHERE id = ?",
                (actor, now, sent.via, sent.post_id, sent.post_url, now, reply_id))
            batch = await _next_batch(db)
            after = json.dumps({"reply_id": reply_id, "via": sent.via, "url": sent.post_url})
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT ?, ?, 'reply', mention_id, ?, NULL, ? FROM replies WHERE id = ?",
                (now, actor, batch, after, reply_id))
            await db.execute(
                "UPDATE mentions SET replied_at = coalesce(replied_at, ?) WHERE id ="
                " (SELECT mention_id FROM replies WHERE id = ?)", (now, reply_id))
        reply = await self.get(reply_id)
        assert reply is not None
        return reply

    async def between(self, since: int | None, until: int | None) -> list[Reply]:
        """Open, unknown and sent replies last touched from ``since`` to ``until`` (both
        included; None: no bound), oldest first."""
        sql = (f"SELECT {_COLUMNS} FROM replies r WHERE r.state != 'deleted'"
               " AND r.updated_at >= ? AND r.updated_at <= ? ORDER BY r.updated_at, r.id")
        rows = await self._fetch(sql, (since or 0, until if until is not None else 2**62))
        return [Reply(*row) for row in rows]

    async def _set_error(self, reply_id: int, state: str, message: str) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE replies SET state = ?, last_error = ? WHERE id = ?",
                             (state, sanitize(message)[:MAX_ERROR_CHARS], reply_id))

    async def _fetch(self, sql: str, params: tuple[object, ...]) -> list[sqlite3.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


def clean_draft(text: str) -> str:
    """What is stored and sent: no control or escape characters, bounded in size."""
    return sanitize(text)[:MAX_DRAFT_CHARS]
