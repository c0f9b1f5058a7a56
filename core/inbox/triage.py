"""The triage inbox over the store: windows of the list, sidebar counts, actions and undo.

The list never loads more than it shows: ``window`` is keyset pagination over an indexed
ORDER BY (triage order is priority, then time, then id — "worst and most urgent first"; the
newest order drops priority; a search pages through its FTS5 matches newest stored first,
see ``core.inbox.views.order_of``). Sidebar counts come from ``inbox_counts``, kept by
triggers (see migrations/0002_inbox.sql), minus the few mentions snoozed right now. Every
triage action is one set-based UPDATE over a target (explicit ids or everything in a view),
logged per mention in ``actions`` with before/after JSON under one batch id, which is what
``undo_last`` reverses: one's own last batch, even when others acted on other mentions since,
but never over a teammate's later change to the same mention (``UndoRefused`` says whose).

Nothing here imports Textual; time is always passed in (``now``) so tests fix the clock.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import aiosqlite

from core.analysis.language import LANGUAGES, UNDETERMINED
from core.inbox.choices import FilterChoices
from core.inbox.sources import SILENT, SourceOverview, sources_overview
from core.inbox.tags import check_tag
from core.inbox.views import (
    ASCENDING,
    NOT_SNOOZED,
    ORDER_COLUMNS,
    Filters,
    Order,
    View,
    filter_sql,
    order_of,
)

Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

# Columns a triage action may change, and so the only ones undo will write back.
TRIAGE_COLUMNS = ("status", "starred", "snoozed_until", "assignee", "category", "replied_at")
# Logged actions undo never reverses: an undo itself, a reply already posted, and the steps of
# a reply's approval (core.replies.drafts), which the next step answers instead.
NOT_UNDOABLE = ("undo", "reply", "approval_request", "approve", "sent_back")
SNIPPET_CHARS = 300  # enough for the widest list row; the detail pane reads the full text
SEARCH_COUNT_CAP = 1000  # counting every hit of a broad search costs more than "1000+" is worth
HISTORY_LIMIT = 50  # the detail pane shows the latest actions; older ones stay in the table
# Actions an undo reverses per transaction. A row costs about 0.15 ms (the inbox_counts
# triggers) and a commit some 30 ms, so 3,000 hold the write lock for about half a second:
# another process's write (a poller storing a poll, a colleague's key press) waits that long at
# most, not for the whole undo, while commits stay a small part of the undo's cost.
UNDO_CHUNK = 3000
# Between chunks the undo lets go of the lock this long. SQLite gives the lock to no one in
# particular: a writer waiting in its busy handler retries every 100 ms at most, so without
# the pause the undo's next BEGIN would win every time and the waiter would wait it all out.
UNDO_PAUSE = 0.1
ROW_WIDTH = 16  # columns in _ROW_COLUMNS

# A source's state (core.inbox.sources) -> how the status line names it, when it should.
_HEALTH_STATES = {"error": "failing", "throttled": "throttled", SILENT: "silent"}
_SILENT_WORDS = "no successful poll for a day"

_ROW_COLUMNS = (
    "m.id, m.sort_at, m.priority, (SELECT name FROM sources WHERE id = m.source_id), m.author,"
    f" m.title, substr(m.text, 1, {SNIPPET_CHARS}), m.sentiment_label, m.category, m.matched,"
    " m.status, m.starred, m.snoozed_until, m.assignee, m.language, m.url"
)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the mention list: just what the list shows, never the full text."""

    id: int
    sort_at: int
    priority: float
    source: str
    author: str
    title: str
    snippet: str
    sentiment_label: str
    category: str | None
    matched: str
    status: str
    starred: bool
    snoozed_until: int | None
    assignee: str | None
    language: str
    url: str | None

    def key(self, order: Order) -> tuple[object, ...]:
        """This row's position in ``order``, the keyset anchor for the next window."""
        return tuple(getattr(self, column) for column in ORDER_COLUMNS[order])


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One logged action on a mention, for the detail pane."""

    at: int
    actor: str
    action: str
    after: dict[str, object]
    undone: bool


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the detail pane shows about one mention."""

    row: Row
    text: str
    published_at: int | None
    fetched_at: int
    sentiment: float
    sentiment_method: str
    sentiment_drivers: tuple[str, ...]
    replies: int | None
    reshares: int | None
    likes: int | None
    tags: tuple[str, ...]
    notes: tuple[tuple[int, str, str], ...]  # (created_at, author, body)
    history: tuple[HistoryEntry, ...]
    owned: bool = False  # the brand's own post; with followers, what priority's parts read
    author_followers: int | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """One note on a mention, with the id an edit names."""

    id: int
    created_at: int
    author: str
    body: str


@dataclass(frozen=True, slots=True)
class Ids:
    """Act on these mentions."""

    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class InView:
    """Act on everything a view shows under these filters (select all).

    ``up_to`` is the newest mention id when the selection was made: a selection is what the
    person could see then, so mentions that arrive afterwards (higher ids) are not in it.
    """

    view: View
    filters: Filters = field(default_factory=Filters)
    up_to: int | None = None


Target = Ids | InView


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What one action did: its batch id (for undo) and how many mentions changed."""

    action: str
    batch: int
    changed: int


@dataclass(frozen=True, slots=True)
class UndoRefused:
    """Undo refused: someone else changed a mention of one's last action since. ``mentions``
    of the batch's ``of`` mentions were changed; the latest such change is ``actor``'s
    ``their_action`` (setting ``after``) at ``at``. Nothing was undone."""

    action: str  # the refused undo's own action
    of: int
    mentions: int
    actor: str
    their_action: str
    after: dict[str, object]
    at: int

    def change(self, tz: tzinfo) -> str:
        """Their change in short: ``status → done``, ``tag → vip``, or the action's name."""
        shown = {k: v for k, v in self.after.items() if k in (*TRIAGE_COLUMNS, "tag")}
        if not shown:
            return self.their_action.replace("_", " ")
        return ", ".join(f"{k.replace('_', ' ')} → {_value_words(k, v, tz)}"
                         for k, v in shown.items())

    def words(self, tz: tzinfo) -> str:
        """``bo changed this mention since (status → done, 10:42); nothing undone.``"""
        which = "this mention" if self.of == 1 else f"{self.mentions} of these {self.of} mentions"
        when = datetime.fromtimestamp(self.at, tz).strftime("%H:%M")
        return f"{self.actor} changed {which} since ({self.change(tz)}, {when}); nothing undone."


def _value_words(column: str, value: object, tz: tzinfo) -> str:
    """A logged value as a person reads it: ``yes`` for a star, ``Tue 09:00`` for a time."""
    if value is None:
        return "none"
    if column == "starred":
        return "yes" if value else "no"
    if column in ("snoozed_until", "replied_at") and isinstance(value, int):
        return datetime.fromtimestamp(value, tz).strftime("%a %H:%M")
    return str(value)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source the status line should name: failing, throttled, or silent for too long."""

    name: str
    state: str  # "failing" | "throttled" | "silent"
    message: str


class Inbox:
    """Reads and triage writes for the inbox on one store connection."""

    def __init__(self, db: aiosqlite.Connection, transaction: Transaction, *, me: str) -> None:
        self._db = db
        self._transaction = transaction
        self.me = me

    # -- reading ---------------------------------------------------------------------------

    async def window(self, view: View, filters: Filters, *, now: int, limit: int,
                     order: Order = Order.TRIAGE, after: Row | None = None,
                     before: Row | None = None, last: bool = False) -> list[Row]:
        """Up to ``limit`` rows of the view in ``order``, after or before an anchor row.

        Rows come back in list order either way; ``before`` reads backwards from the anchor
        (for moving up), ``last`` reads the final rows of the view, and with no anchor the
        window starts at the top.
        """
        if await self._empty(view):
            return []
        order = order_of(view, order)
        source, where, params = self._listing(view, filters, now)
        columns = ORDER_COLUMNS[order]
        backwards = (before is not None or last) and after is None
        anchor = before if backwards else after
        upwards = backwards != (order in ASCENDING)  # reading towards larger keys
        if anchor is not None:
            where += f" AND ({_tuple(order, view)}) {'>' if upwards else '<'} ({_marks(columns)})"
            params.update({f"k_{c}": v for c, v in zip(columns, anchor.key(order), strict=True)})
        sort = _sort(order, view, "ASC" if upwards else "DESC")
        sql = f"SELECT {_ROW_COLUMNS} FROM {source} WHERE {where} ORDER BY {sort} LIMIT :limit"
        params["limit"] = limit
        rows = [_row(r) for r in await self._fetch(sql, params)]
        return rows[::-1] if backwards else rows

    async def window_from(self, view: View, filters: Filters, *, now: int, limit: int,
                          order: Order, first: Row) -> list[Row]:
        """A window starting at ``first``'s position, ``first`` included if still in view."""
        if await self._empty(view):
            return []
        order = order_of(view, order)
        source, where, params = self._listing(view, filters, now)
        columns = ORDER_COLUMNS[order]
        ascending = order in ASCENDING
        where += f" AND ({_tuple(order, view)}) {'>=' if ascending else '<='} ({_marks(columns)})"
        params.update({f"k_{c}": v for c, v in zip(columns, first.key(order), strict=True)})
        sql = (f"SELECT {_ROW_COLUMNS} FROM {source} WHERE {where}"
               f" ORDER BY {_sort(order, view, 'ASC' if ascending else 'DESC')} LIMIT :limit")
        params["limit"] = limit
        return [_row(r) for r in await self._fetch(sql, params)]

    async def counts(self, views: Iterable[View], *, now: int) -> dict[str, int]:
        """The sidebar count of every view, from the trigger-kept table, not a GROUP BY."""
        views = list(views)
        stored = await self._bucket_counts([b for v in views for b in (v.bucket, *v.parts) if b])
        snoozed = await self._snoozed_counts(views, now)
        result = {}
        for view in views:
            if view.fts is not None:
                result[view.key] = await self._search_count(view)
            elif view.counted:
                result[view.key] = await self.count_filtered(view, Filters(), now=now)
            elif view.parts:
                parts = sum(stored.get(part, 0) for part in view.parts)
                result[view.key] = parts - snoozed.get(view.key, 0)
            elif view.bucket is None:
                result[view.key] = snoozed.get(view.key, 0)
            else:
                result[view.key] = stored.get(view.bucket, 0) - snoozed.get(view.key, 0)
        return result

    async def count(self, view: View, *, now: int) -> int:
        """The sidebar count of one view."""
        return (await self.counts([view], now=now))[view.key]

    async def count_filtered(self, view: View, filters: Filters, *, now: int,
                             cap: int = SEARCH_COUNT_CAP) -> int:
        """How many mentions a filtered view holds, counting at most ``cap`` (then "cap+")."""
        source, where, params = self._listing(view, filters, now)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT :cap)"
        rows = await self._fetch(sql, {**params, "cap": cap})
        return int(rows[0][0])

    async def newest_id(self) -> int:
        """The highest mention id stored so far (0 when there is none): the bound of a
        select-all, so later arrivals stay out of it."""
        rows = await self._fetch("SELECT coalesce(max(id), 0) FROM mentions", {})
        return int(rows[0][0])

    async def count_selected(self, target: InView, *, now: int) -> tuple[int, bool]:
        """How many mentions a select-all holds as it is made, and whether that is a capped
        count ("1,000+"). A whole view is counted from the trigger-kept counts, as the sidebar
        is (counting 700,000 rows of New takes 4 s at a million mentions); a filter or a
        search counts up to SEARCH_COUNT_CAP, as the list's title does."""
        if target.filters.is_empty() and target.view.fts is None:
            return await self.count(target.view, now=now), False
        shown = await self.count_filtered(target.view, target.filters, now=now)
        return shown, shown >= SEARCH_COUNT_CAP

    async def detail(self, mention_id: int) -> Detail | None:
        """The full mention with its tags, notes and action history, or None if gone."""
        rows = await self._fetch(
            f"SELECT {_ROW_COLUMNS}, m.text, m.published_at, m.fetched_at, m.sentiment,"
            " m.sentiment_method, m.sentiment_drivers, m.replies, m.reshares, m.likes,"
            " m.owned, (SELECT followers FROM authors WHERE id = m.author_id)"
            " FROM mentions m WHERE m.id = :id", {"id": mention_id})
        if not rows:
            return None
        r = rows[0]
        n = ROW_WIDTH  # the detail columns follow the list row's
        return Detail(_row(r), r[n], r[n + 1], r[n + 2], r[n + 3], r[n + 4],
                      tuple(str(r[n + 5]).split()), r[n + 6], r[n + 7], r[n + 8],
                      await self._tags(mention_id), await self._notes(mention_id),
                      await self._history(mention_id), bool(r[n + 9]), r[n + 10])

    async def health(self, *, now: int) -> list[SourceHealth]:
        """Sources failing now or silent for longer than SILENT_AFTER, in the states
        ``core.inbox.sources.source_status`` gives them."""
        return [SourceHealth(s.name, _HEALTH_STATES[s.status], s.message or _SILENT_WORDS)
                for s in await self.sources_overview(now=now) if s.status in _HEALTH_STATES]

    async def sources_overview(self, *, now: int) -> list[SourceOverview]:
        """Every source's state and latest polls, for the Sources screen."""
        return await sources_overview(self._db, now=now)

    async def sources(self) -> list[tuple[int, str]]:
        """(id, name) of every source, for the per-source views."""
        return [(int(i), str(n)) for i, n in await self._fetch(
            "SELECT id, name FROM sources ORDER BY name", {})]

    async def filter_choices(self) -> FilterChoices:
        """What filter values may name: every source, every language detection can give, the
        people mentions have been assigned to (from the action log: a scan of every mention
        took 0.5 s at a million), and the tags in use."""
        assigned = await self._fetch(
            "SELECT DISTINCT json_extract(after, '$.assignee') FROM actions"
            " WHERE action = 'assign'", {})
        tags = await self._fetch("SELECT DISTINCT tag FROM tags", {})
        return FilterChoices(
            sources=tuple(name for _, name in await self.sources()),
            languages=(*LANGUAGES, UNDETERMINED),
            assignees=("me", "none", *sorted({str(a[0]) for a in assigned if a[0]})),
            tags=tuple(sorted(str(t[0]) for t in tags)),
        )

    async def data_version(self) -> int:
        """SQLite's data_version: it changes when another connection commits."""
        rows = await self._fetch("PRAGMA data_version", {})
        return int(rows[0][0])

    # -- triage actions --------------------------------------------------------------------

    async def set_status(self, target: Target, status: str, *, actor: str,
                         now: int) -> ActionResult:
        """Mark done, or back to new (which also ends a snooze)."""
        if status == "new":
            changes: dict[str, object] = {"status": "new", "snoozed_until": None}
            return await self._update(target, changes, "reopen", actor, now)
        return await self._update(target, {"status": status}, status, actor, now)

    async def star(self, target: Target, starred: bool, *, actor: str, now: int) -> ActionResult:
        """Star or unstar."""
        name = "star" if starred else "unstar"
        return await self._update(target, {"starred": int(starred)}, name, actor, now)

    async def snooze(self, target: Target, until: int, *, actor: str, now: int) -> ActionResult:
        """Hide until ``until``; the mention comes back by itself when that time passes."""
        return await self._update(target, {"snoozed_until": until, "status": "new"}, "snooze",
                                  actor, now)

    async def assign(self, target: Target, who: str | None, *, actor: str,
                     now: int) -> ActionResult:
        """Give to a team member (None unassigns)."""
        return await self._update(target, {"assignee": who}, "assign", actor, now)

    async def set_category(self, target: Target, category: str | None, *, actor: str,
                           now: int) -> ActionResult:
        """Correct the feedback category."""
        return await self._update(target, {"category": category}, "category", actor, now)

    async def mark_replied(self, target: Target, replied: bool, *, actor: str,
                           now: int) -> ActionResult:
        """Replied elsewhere (it leaves Needs reply), or not replied after all."""
        name = "replied" if replied else "unreplied"
        return await self._update(target, {"replied_at": now if replied else None}, name,
                                  actor, now)

    async def add_tag(self, target: Target, tag: str, *, actor: str, now: int) -> ActionResult:
        """Tag every target mention that does not carry the tag yet (TagError for a tag that
        breaks the rules of ``core.inbox.tags``)."""
        tag = check_tag(tag)
        async with self._transaction() as db:
            batch = await _next_batch(db)
            where, params = self._target(target, now)
            params.update(tag=tag, at=now, actor=actor, batch=batch)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT :at, :actor, 'tag', m.id, :batch, NULL, json_object('tag', :tag)"
                f" FROM mentions m WHERE {where} AND NOT EXISTS"
                " (SELECT 1 FROM tags t WHERE t.mention_id = m.id AND t.tag = :tag)", params)
            await db.execute("INSERT INTO tags(mention_id, tag) SELECT mention_id, :tag"
                             " FROM actions WHERE batch = :batch", {"tag": tag, "batch": batch})
            return ActionResult("tag", batch, await _batch_size(db, batch))

    async def remove_tag(self, target: Target, tag: str, *, actor: str,
                         now: int) -> ActionResult:
        """Take the tag off every target mention that carries it."""
        async with self._transaction() as db:
            batch = await _next_batch(db)
            where, params = self._target(target, now)
            params.update(tag=tag, at=now, actor=actor, batch=batch)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT :at, :actor, 'untag', m.id, :batch, json_object('tag', :tag), NULL"
                f" FROM mentions m WHERE {where} AND EXISTS"
                " (SELECT 1 FROM tags t WHERE t.mention_id = m.id AND t.tag = :tag)", params)
            await db.execute("DELETE FROM tags WHERE tag = :tag AND mention_id IN"
                             " (SELECT mention_id FROM actions WHERE batch = :batch)",
                             {"tag": tag, "batch": batch})
            return ActionResult("untag", batch, await _batch_size(db, batch))

    async def notes(self, mention_id: int) -> tuple[Note, ...]:
        """The notes on one mention, oldest first, with the ids ``edit_note`` takes."""
        rows = await self._fetch("SELECT id, created_at, author, body FROM notes"
                                 " WHERE mention_id = :id ORDER BY id", {"id": mention_id})
        return tuple(Note(int(i), int(at), str(who), str(body)) for i, at, who, body in rows)

    async def edit_note(self, note_id: int, body: str, *, actor: str, now: int) -> ActionResult:
        """Rewrite a note's text (logged with the old text, so undo puts it back)."""
        async with self._transaction() as db:
            batch = await _next_batch(db)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT :at, :actor, 'note_edit', mention_id, :batch,"
                " json_object('note_id', id, 'body', body),"
                " json_object('note_id', id, 'body', :body) FROM notes"
                " WHERE id = :id AND body IS NOT :body",
                {"at": now, "actor": actor, "batch": batch, "id": note_id, "body": body})
            await db.execute("UPDATE notes SET body = :body WHERE id = :id AND EXISTS"
                             " (SELECT 1 FROM actions WHERE batch = :batch)",
                             {"body": body, "id": note_id, "batch": batch})
            return ActionResult("note_edit", batch, await _batch_size(db, batch))

    async def add_note(self, target: Target, body: str, *, actor: str, now: int) -> ActionResult:
        """Attach a note to every target mention."""
        async with self._transaction() as db:
            batch = await _next_batch(db)
            where, params = self._target(target, now)
            first = await _scalar(db, "SELECT coalesce(max(id), 0) + 1 FROM notes", {})
            params.update(body=body, at=now, actor=actor)
            await db.execute("INSERT INTO notes(mention_id, author, body, created_at)"
                             f" SELECT m.id, :actor, :body, :at FROM mentions m WHERE {where}",
                             params)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT :at, :actor, 'note', mention_id, :batch, NULL, json_object('note_id', id)"
                " FROM notes WHERE id >= :first",
                {"at": now, "actor": actor, "batch": batch, "first": first})
            return ActionResult("note", batch, await _batch_size(db, batch))

    async def record_outcome(self, target: Target, kind: str, value: float, note: str, *,
                             actor: str, now: int) -> ActionResult:
        """Record what each target mention led to (economic value), logged and undoable."""
        async with self._transaction() as db:
            batch = await _next_batch(db)
            where, params = self._target(target, now)
            first = await _scalar(db, "SELECT coalesce(max(id), 0) + 1 FROM outcomes", {})
            params.update(kind=kind, value=value, note=note, at=now, actor=actor)
            await db.execute("INSERT INTO outcomes(mention_id, kind, value, note, actor, at)"
                             f" SELECT m.id, :kind, :value, :note, :actor, :at FROM mentions m"
                             f" WHERE {where}", params)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                " SELECT :at, :actor, 'outcome', mention_id, :batch, NULL,"
                " json_object('outcome_id', id, 'kind', kind, 'value', value) FROM outcomes"
                " WHERE id >= :first", {"at": now, "actor": actor, "batch": batch,
                                        "first": first})
            return ActionResult("outcome", batch, await _batch_size(db, batch))

    async def undo_last(self, actor: str, *, now: int) -> ActionResult | UndoRefused | None:
        """Reverse ``actor``'s latest batch not yet undone (a bulk action as a whole), unless
        someone else has changed one of its mentions since (``UndoRefused``: writing the old
        values back would silently wipe out their change). Others' actions on other mentions
        do not stand in the way.

        A batch is reversed ``UNDO_CHUNK`` actions per transaction, so undoing a hundred
        thousand mentions never holds the write lock for more than a moment at a time; each
        chunk also marks its actions undone, so an undo cut short (a crash) is completed by the
        next ``undo_last`` rather than done twice."""
        async with self._transaction() as db:
            batch = await _scalar(
                db, "SELECT max(batch) FROM actions WHERE actor = :actor AND undone = 0"
                " AND action NOT IN (SELECT value FROM json_each(:final))",
                {"actor": actor, "final": json.dumps(NOT_UNDOABLE)})
            if batch is None:
                return None
            action = str(await _scalar(db, "SELECT action FROM actions WHERE batch = :b LIMIT 1",
                                       {"b": batch}))
            refused = await _changed_since(db, int(batch), action, actor)
            if refused is not None:
                return refused
            undo_batch = await _next_batch(db)
            chunk = _UndoChunk(int(batch), action, actor, now, undo_batch)
            changed = await chunk.reverse_next(db)
        while chunk.more:
            await asyncio.sleep(UNDO_PAUSE)
            async with self._transaction() as db:
                changed += await chunk.reverse_next(db)
        return ActionResult(action, int(batch), changed)

    # -- helpers ---------------------------------------------------------------------------

    async def _update(self, target: Target, changes: dict[str, object], action: str,
                      actor: str, now: int) -> ActionResult:
        """One logged, set-based change of triage columns on every target that differs."""
        assert set(changes) <= set(TRIAGE_COLUMNS), changes  # column names go into the SQL
        async with self._transaction() as db:
            batch = await _next_batch(db)
            where, params = self._target(target, now)
            params.update({f"new_{c}": v for c, v in changes.items()})
            params.update(at=now, actor=actor, action=action, batch=batch)
            before = ", ".join(f"'{c}', m.{c}" for c in changes)
            after = ", ".join(f"'{c}', :new_{c}" for c in changes)
            differs = " OR ".join(f"m.{c} IS NOT :new_{c}" for c in changes)
            await db.execute(
                "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
                f" SELECT :at, :actor, :action, m.id, :batch, json_object({before}),"
                f" json_object({after}) FROM mentions m WHERE ({where}) AND ({differs})", params)
            sets = ", ".join(f"{c} = :new_{c}" for c in changes)
            await db.execute(f"UPDATE mentions SET {sets} WHERE id IN"
                             " (SELECT mention_id FROM actions WHERE batch = :batch)",
                             {**{f"new_{c}": v for c, v in changes.items()}, "batch": batch})
            return ActionResult(action, batch, await _batch_size(db, batch))

    def _where(self, view: View, filters: Filters, now: int) -> tuple[str, dict[str, object]]:
        narrowing, params = filter_sql(filters, self.me)
        params.update(dict(view.params), now=now)
        return f"{view.where()} AND {narrowing}", params

    async def _empty(self, view: View) -> bool:
        """True when the view's bucket counts nobody. An empty view is common (no ideas yet,
        nothing done) and its index holds no row of it: the query would scan every mention in
        the status before finding none (0.3 s at 1M); the counts table answers in microseconds."""
        if view.bucket is None:
            return False
        return (await self._bucket_counts([view.bucket])).get(view.bucket, 0) <= 0

    def _listing(self, view: View, filters: Filters,
                 now: int) -> tuple[str, str, dict[str, object]]:
        """FROM and WHERE of a window: a search is driven by its FTS5 matches, newest stored
        first, so a page reads a page of hits; any other view reads ``mentions`` by index."""
        if view.fts is None:
            return ("mentions m", *self._where(view, filters, now))
        narrowing, params = filter_sql(filters, self.me)
        params.update(dict(view.params), now=now)
        unsnoozed = f" AND {NOT_SNOOZED}" if view.hides_snoozed else ""
        return ("mentions_fts CROSS JOIN mentions m ON m.id = mentions_fts.rowid",
                f"mentions_fts MATCH :view_fts{unsnoozed} AND {narrowing}", params)

    def _target(self, target: Target, now: int) -> tuple[str, dict[str, object]]:
        if isinstance(target, Ids):
            return ("m.id IN (SELECT value FROM json_each(:target_ids))",
                    {"target_ids": json.dumps(list(target.ids))})
        where, params = self._where(target.view, target.filters, now)
        if target.up_to is not None:
            where += " AND m.id <= :target_up_to"
            params["target_up_to"] = target.up_to
        return where, params

    async def _fetch(self, sql: str, params: dict[str, object]) -> list[sqlite3.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _bucket_counts(self, buckets: list[str | None]) -> dict[str, int]:
        if not buckets:
            return {}
        rows = await self._fetch("SELECT bucket, n FROM inbox_counts WHERE bucket IN"
                                 " (SELECT value FROM json_each(:b))", {"b": json.dumps(buckets)})
        return {str(b): int(n) for b, n in rows}

    async def _snoozed_counts(self, views: list[View], now: int) -> dict[str, int]:
        """Per view, how many of its mentions are snoozed now: few rows, via mentions_snoozed."""
        wanted = [v for v in views if not v.counted
                  and (v.hides_snoozed or (v.bucket is None and v.fts is None))]
        if not wanted:
            return {}
        params: dict[str, object] = {"now": now}
        sums = []
        for i, view in enumerate(wanted):
            predicate = view.predicate
            for name, value in view.params:  # views share parameter names: make them unique
                predicate = re.sub(rf":{name}\b", f":{name}_{i}", predicate)
                params[f"{name}_{i}"] = value
            sums.append(f"coalesce(sum(CASE WHEN {predicate} THEN 1 ELSE 0 END), 0)")
        sql = f"SELECT {', '.join(sums)} FROM mentions m WHERE m.snoozed_until > :now"
        row = (await self._fetch(sql, params))[0]
        return {v.key: int(n) for v, n in zip(wanted, row, strict=True)}

    async def _search_count(self, view: View) -> int:
        sql = ("SELECT count(*) FROM (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH :q"
               " LIMIT :cap)")
        rows = await self._fetch(sql, {"q": view.fts, "cap": SEARCH_COUNT_CAP})
        return int(rows[0][0])

    async def _tags(self, mention_id: int) -> tuple[str, ...]:
        rows = await self._fetch("SELECT tag FROM tags WHERE mention_id = :id ORDER BY tag",
                                 {"id": mention_id})
        return tuple(str(r[0]) for r in rows)

    async def _notes(self, mention_id: int) -> tuple[tuple[int, str, str], ...]:
        return tuple((n.created_at, n.author, n.body) for n in await self.notes(mention_id))

    async def _history(self, mention_id: int) -> tuple[HistoryEntry, ...]:
        rows = await self._fetch(
            "SELECT at, actor, action, after, undone FROM actions WHERE mention_id = :id"
            " ORDER BY id DESC LIMIT :n", {"id": mention_id, "n": HISTORY_LIMIT})
        return tuple(HistoryEntry(int(at), str(who), str(what),
                                  json.loads(str(after)) if after else {}, bool(undone))
                     for at, who, what, after, undone in rows)


@dataclass(slots=True)
class _UndoChunk:
    """Where an undo of one batch has got to: the actions with ids above ``after`` remain."""

    batch: int
    action: str
    actor: str
    now: int
    undo_batch: int
    after: int = 0
    more: bool = True

    async def reverse_next(self, db: aiosqlite.Connection) -> int:
        """Reverse the next ``UNDO_CHUNK`` actions of the batch, log them as one 'undo' batch
        and mark them undone; how many there were."""
        bounds: dict[str, object] = {"b": self.batch, "after": self.after, "n": UNDO_CHUNK}
        last = await _scalar(db, "SELECT max(id) FROM (SELECT id FROM actions WHERE batch = :b"
                             " AND id > :after AND undone = 0 ORDER BY id LIMIT :n)", bounds)
        if last is None:
            self.more = False
            return 0
        span: dict[str, object] = {"b": self.batch, "after": self.after, "last": int(last)}
        await _reverse(db, self.action, span)
        await db.execute(
            "INSERT INTO actions(at, actor, action, mention_id, batch, before, after)"
            " SELECT :at, :actor, 'undo', mention_id, :ub, after, before FROM actions"
            f" WHERE {_SPAN}", {**span, "at": self.now, "actor": self.actor, "ub": self.undo_batch})
        cursor = await db.execute(f"UPDATE actions SET undone = 1 WHERE {_SPAN}", span)
        self.after = int(last)
        return int(cursor.rowcount)


# The actions of one undo chunk: a range of ids within the batch (the batch index keeps ids in
# order, so every chunk is a range scan and the whole undo is linear in the batch's size).
_SPAN = "batch = :b AND id > :after AND id <= :last AND undone = 0"


async def _reverse(db: aiosqlite.Connection, action: str, span: dict[str, object]) -> None:
    """Write back the before-image of every mention in ``span`` of a batch."""
    if action in _REVERSE_SQL:
        await db.execute(_REVERSE_SQL[action], span)
        return
    sample = await _scalar(db, f"SELECT before FROM actions WHERE {_SPAN} LIMIT 1", span)
    columns = [c for c in json.loads(str(sample)) if c in TRIAGE_COLUMNS]
    sets = ", ".join(f"{c} = json_extract(a.before, '$.{c}')" for c in columns)
    # UPDATE … FROM joins each action to its mention by primary key: linear, where a correlated
    # subquery per mention re-read the whole batch (4,000 mentions 0.8 s, 92,000 over 300 s).
    await db.execute(f"UPDATE mentions SET {sets} FROM (SELECT mention_id, before FROM actions"
                     f" WHERE {_SPAN}) AS a WHERE mentions.id = a.mention_id", span)


# Actions that changed another table than mentions, and the statement that takes each back
# over one span of its batch (each reads only the span's actions, so the undo stays linear).
_REVERSE_SQL: dict[str, str] = {
    "tag": "DELETE FROM tags WHERE (mention_id, tag) IN (SELECT mention_id,"
           f" json_extract(after, '$.tag') FROM actions WHERE {_SPAN})",
    "untag": "INSERT OR IGNORE INTO tags(mention_id, tag) SELECT mention_id,"
             f" json_extract(before, '$.tag') FROM actions WHERE {_SPAN}",
    "note": "DELETE FROM notes WHERE id IN (SELECT json_extract(after, '$.note_id')"
            f" FROM actions WHERE {_SPAN})",
    "note_edit": "UPDATE notes SET body = json_extract(a.before, '$.body') FROM (SELECT before"
                 f" FROM actions WHERE {_SPAN}) AS a"
                 " WHERE notes.id = json_extract(a.before, '$.note_id')",
    "draft_delete": "UPDATE replies SET state = 'open' WHERE id IN (SELECT"  # core.replies
                    f" json_extract(after, '$.reply_id') FROM actions WHERE {_SPAN})",
    "outcome": "DELETE FROM outcomes WHERE id IN (SELECT json_extract(after, '$.outcome_id')"
               f" FROM actions WHERE {_SPAN})",
}


# Others' actions after a batch on any of its mentions, latest first, with how many of its
# mentions they touched. It reads the actions logged since the batch (a range of ids: few, in
# the usual case of undoing something just done) and probes each one's mention by index.
_CHANGED_SINCE = """
WITH theirs AS (
    SELECT a.id, a.actor, a.action, a.after, a.at, a.mention_id FROM actions a
    WHERE a.id > (SELECT max(id) FROM actions WHERE batch = :b) AND a.actor != :me
      AND EXISTS (SELECT 1 FROM actions mine WHERE mine.mention_id = a.mention_id
                  AND mine.batch = :b))
SELECT actor, action, after, at, (SELECT count(DISTINCT mention_id) FROM theirs)
FROM theirs ORDER BY id DESC LIMIT 1
"""


async def _changed_since(db: aiosqlite.Connection, batch: int, action: str,
                         me: str) -> UndoRefused | None:
    """The refusal for undoing ``batch`` when others changed its mentions since, else None."""
    async with db.execute(_CHANGED_SINCE, {"b": batch, "me": me}) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    who, their_action, after, at, mentions = row
    return UndoRefused(action, await _batch_size(db, batch), int(mentions), str(who),
                       str(their_action),
                       json.loads(str(after)) if after else {}, int(at))


async def _next_batch(db: aiosqlite.Connection) -> int:
    # Inside BEGIN IMMEDIATE, so no other writer can take the same number.
    return int(await _scalar(db, "SELECT coalesce(max(batch), 0) + 1 FROM actions", {}))


async def _batch_size(db: aiosqlite.Connection, batch: int) -> int:
    return int(await _scalar(db, "SELECT count(*) FROM actions WHERE batch = :b", {"b": batch}))


async def _scalar(db: aiosqlite.Connection, sql: str, params: dict[str, object]) -> Any:
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


def _tuple(order: Order, view: View) -> str:
    if order is Order.STORED and view.fts is not None:
        return "mentions_fts.rowid"  # the rowid FTS5 streams: a page in 0.2 ms, not 1 s
    return ", ".join(f"m.{c}" for c in ORDER_COLUMNS[order])


def _sort(order: Order, view: View, direction: str) -> str:
    return ", ".join(f"{c} {direction}" for c in _tuple(order, view).split(", "))


def _marks(columns: tuple[str, ...]) -> str:
    return ", ".join(f":k_{c}" for c in columns)


def _row(r: sqlite3.Row) -> Row:
    return Row(int(r[0]), int(r[1]), float(r[2]), str(r[3] or ""),
               str(r[4]), str(r[5]), str(r[6]), str(r[7]), _opt(r[8]), str(r[9]), str(r[10]),
               bool(r[11]), r[12], _opt(r[13]), str(r[14]), _opt(r[15]))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
