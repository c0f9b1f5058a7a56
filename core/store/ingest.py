"""Ingest batches of mentions inside the caller's write transaction: fast, exact, idempotent.

The whole ingest of a batch of sources runs in the database's own thread, as ONE call: a
profile of a first poll found 21 aiosqlite round trips per feed (about 46 µs each, a quarter of
the store's cost), so ``ingest_many`` hands the thread every source's mentions at once and the
statements below run on the plain ``sqlite3`` connection. Each source's keys are looked up
first, so every mention is classified before anything is written: new (inserted), changed
engagement (updated) or already known (duplicate). The writes are then a few ``executemany``
calls. Only when one of those calls fails on a row does that source fall back to one SAVEPOINT
per row, so the rows SQLite accepts commit and each refused row is reported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import aiosqlite

from core.model import Engagement, Mention
from core.store.rows import (
    INSERT_COLUMNS,
    IngestResult,
    clean,
    count,
    describe,
    handle_of,
    mention_row,
)
from core.store.snapshots import record_growth

T = TypeVar("T")
# One source's share of a batch: its id, its mentions and the time they were fetched.
SourceBatch = tuple[int, Sequence[Mention], int]

# What a single bad row can raise while binding or inserting. Errors of the whole database
# (locked, disk full, I/O: sqlite3.OperationalError) are not here: they abort the batch.
ROW_ERRORS = (
    sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError,
    sqlite3.DataError, OverflowError, TypeError, ValueError,
)
# Keys per "IN (…)" lookup: below SQLite's historical limit of 999 bound variables.
_CHUNK = 500

_INSERT_MENTION = (
    f"INSERT INTO mentions (author_id, {', '.join(INSERT_COLUMNS)}) "
    "VALUES ((SELECT id FROM authors WHERE platform = ? AND handle = ?), "
    f"{', '.join('?' * len(INSERT_COLUMNS))})"
)
_UPDATE_ENGAGEMENT = (
    "UPDATE mentions SET replies = coalesce(?, replies), reshares = coalesce(?, reshares), "
    "likes = coalesce(?, likes) WHERE id = ?"
)
_UPSERT_AUTHOR = """
INSERT INTO authors (platform, handle, by_name, name, url, followers, first_seen, last_seen,
                     mentions)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, handle) DO UPDATE SET
    name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE authors.name END,
    url = coalesce(excluded.url, authors.url),
    followers = coalesce(excluded.followers, authors.followers),
    first_seen = min(authors.first_seen, excluded.first_seen),
    last_seen = max(authors.last_seen, excluded.last_seen),
    mentions = authors.mentions + excluded.mentions
"""
_REFRESH_FOLLOWERS = "UPDATE authors SET followers = ? WHERE platform = ? AND handle = ?"
# A muted person's new mentions skip New (core.people): they arrive as done. Only the rows just
# inserted are read (ids above the batch's first): the unary "+" keeps SQLite off the indexes on
# status and author_id, which it preferred, and which made each source's ingest walk every
# mention still New (3.3 ms a source at 20,000 stored; a first poll of 1,000 feeds spent about
# 1.6 s of its CPU here, and an inbox of a million New mentions far more).
SKIP_MUTED = (
    "UPDATE mentions SET status = 'done' WHERE id > ? AND +status = 'new' AND +author_id IN"
    " (SELECT id FROM authors WHERE person_id IN (SELECT id FROM people WHERE muted = 1))"
)


@dataclass(slots=True)
class _Row:
    """One mention ready to write: its INSERT values and its author's identity."""

    mention: Mention
    values: tuple[object, ...]
    handle: object
    by_name: bool
    followers: int | None
    sort_at: int
    existing_id: int = 0
    before: Engagement | None = None  # a stored mention's counts before this poll

    @property
    def key(self) -> object:
        return self.values[0]

    @property
    def platform(self) -> object:
        return self.values[2]

    @property
    def counts(self) -> tuple[object, ...]:
        return self.values[20:23]  # replies, reshares, likes in INSERT_COLUMNS


async def ingest_many(
    db: aiosqlite.Connection, batches: Sequence[SourceBatch]
) -> list[IngestResult]:
    """Store each source's mentions, in order, in one call into the database thread; the
    caller holds the write transaction. One result per source."""
    return await in_db_thread(db, _ingest_all, batches)


async def in_db_thread(
    db: aiosqlite.Connection, fn: Callable[..., T], *args: object
) -> T:
    """``fn(connection, *args)`` run in ``db``'s own thread, where its ``sqlite3`` connection
    lives. Private API: aiosqlite's ``Connection._execute`` and ``_conn`` (checked by
    tests/test_private_apis.py)."""
    result: T = await db._execute(fn, db._conn, *args)
    return result


def _ingest_all(conn: sqlite3.Connection, batches: Sequence[SourceBatch]) -> list[IngestResult]:
    return [ingest_one(conn, source_id, mentions, now) for source_id, mentions, now in batches]


def ingest_one(
    conn: sqlite3.Connection, source_id: int, mentions: Sequence[Mention], now: int
) -> IngestResult:
    """Store ``mentions`` for ``source_id``; runs in the database thread, inside the caller's
    write transaction."""
    result = IngestResult()
    rows = _unique(_prepare(mentions, source_id, now, result), result)
    existing = _existing(conn, [row.key for row in rows])
    new, changed, unchanged = _classify(rows, existing, result)
    before = _max_id(conn) if new else 0
    try:
        _write_batch(conn, new, changed)
    except ROW_ERRORS:
        new, changed = _write_each(conn, new, changed, result)
    result.new, result.updated = len(new), len(changed)
    record_growth(conn, [(r.existing_id, r.before or Engagement()) for r in changed],
                  unchanged, now)  # the rising part of the priority
    if new:
        conn.execute(SKIP_MUTED, (before,))
    result.new_ids = _new_ids(conn, new, before)
    return result


def _new_ids(conn: sqlite3.Connection, new: list[_Row], before: int) -> list[int]:
    """The ids the batch's new rows got. SQLite gives each inserted row the table's largest
    id plus one, and nobody else writes inside our transaction, so they are normally
    before+1 … before+n; anything else (a refused row, ids near 2**63) is looked up by key."""
    if not new:
        return []
    if _max_id(conn) == before + len(new) and _count_above(conn, before) == len(new):
        return list(range(before + 1, before + len(new) + 1))
    ids = _ids(conn, [row.key for row in new])
    return [ids[row.key] for row in new]


def _max_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0])


def _count_above(conn: sqlite3.Connection, before: int) -> int:
    sql = "SELECT count(*) FROM mentions WHERE id > ?"
    return int(conn.execute(sql, (before,)).fetchone()[0])


def _prepare(
    mentions: Iterable[Mention], source_id: int, now: int, result: IngestResult
) -> list[_Row]:
    rows = []
    for mention in mentions:
        try:
            rows.append(_row(mention, source_id, now))
        except (TypeError, ValueError, AttributeError) as error:
            result.skipped.append(f"mention {describe(mention)} was not stored: {error}")
    return rows


def _row(mention: Mention, source_id: int, now: int) -> _Row:
    values = mention_row(mention, source_id, now)
    if not isinstance(values[0], str) or not values[0]:
        raise ValueError("it has no dedupe key")
    handle, by_name = handle_of(mention)
    followers = count(mention.author_followers, "author_followers")
    return _Row(mention, values, handle, by_name, followers, cast(int, values[11]))


def _unique(rows: list[_Row], result: IngestResult) -> list[_Row]:
    """The first row of each key; later ones in the same batch count as duplicates."""
    seen: dict[object, _Row] = {}
    for row in rows:
        seen.setdefault(row.key, row)
    result.duplicates += len(rows) - len(seen)
    return list(seen.values())


def _existing(conn: sqlite3.Connection, keys: list[object]) -> dict[object, tuple]:
    """key → (id, replies, reshares, likes) for the keys already stored."""
    found: dict[object, tuple] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        sql = (
            "SELECT key, id, replies, reshares, likes FROM mentions "
            f"WHERE key IN ({', '.join('?' * len(chunk))})"
        )
        found.update((row[0], tuple(row[1:])) for row in conn.execute(sql, chunk))
    return found


def _classify(
    rows: list[_Row], existing: dict[object, tuple], result: IngestResult
) -> tuple[list[_Row], list[_Row], list[int]]:
    """New rows, rows whose counts changed, and the ids of those seen again unchanged."""
    new, changed, unchanged = [], [], []
    for row in rows:
        stored = existing.get(row.key)
        if stored is None:
            new.append(row)
        elif _engagement_changed(row.counts, stored[1:]):
            row.existing_id, row.before = stored[0], Engagement(*stored[1:])
            changed.append(row)
        else:
            result.duplicates += 1
            unchanged.append(int(stored[0]))
    return new, changed, unchanged


def _engagement_changed(fresh: tuple[object, ...], stored: tuple[object, ...]) -> bool:
    # None means "not reported this time", which never erases a count we already have.
    return any(f is not None and f != s for f, s in zip(fresh, stored, strict=True))


def _write_batch(conn: sqlite3.Connection, new: list[_Row], changed: list[_Row]) -> None:
    """All writes in a SAVEPOINT, undone as one if any row fails."""
    conn.execute("SAVEPOINT batch")
    try:
        _write(conn, new, changed)
    except ROW_ERRORS:
        conn.execute("ROLLBACK TO batch")
        conn.execute("RELEASE batch")
        raise
    conn.execute("RELEASE batch")


def _write_each(
    conn: sqlite3.Connection, new: list[_Row], changed: list[_Row], result: IngestResult
) -> tuple[list[_Row], list[_Row]]:
    """The slow path: one SAVEPOINT per row; a refused row is reported, the others kept."""
    kept: tuple[list[_Row], list[_Row]] = ([], [])
    for row in [*new, *changed]:
        is_new = row.existing_id == 0
        try:
            _write_batch(conn, [row] if is_new else [], [] if is_new else [row])
        except ROW_ERRORS as error:
            result.skipped.append(f"mention {describe(row.mention)} was not stored: {error}")
        else:
            kept[0 if is_new else 1].append(row)
    return kept


def _write(conn: sqlite3.Connection, new: list[_Row], changed: list[_Row]) -> None:
    if new:
        conn.executemany(_UPSERT_AUTHOR, _author_rows(new))
        conn.executemany(_INSERT_MENTION, [(r.platform, r.handle, *r.values) for r in new])
    if changed:
        conn.executemany(_UPDATE_ENGAGEMENT, [(*r.counts, r.existing_id) for r in changed])
        refreshed = [r for r in changed if r.handle is not None and r.followers is not None]
        conn.executemany(
            _REFRESH_FOLLOWERS, [(r.followers, r.platform, r.handle) for r in refreshed]
        )


def _author_rows(rows: list[_Row]) -> list[tuple[object, ...]]:
    """One upsert per distinct (platform, handle), with the batch's count and time span."""
    authors: dict[tuple[object, object], list[Any]] = {}
    for row in rows:
        if row.handle is None:
            continue
        sort_at = row.sort_at
        entry = authors.get((row.platform, row.handle))
        if entry is None:
            authors[(row.platform, row.handle)] = [
                row.platform, row.handle, row.by_name, row.values[8],
                clean(row.mention.author_url), row.followers, sort_at, sort_at, 1,
            ]
        else:
            _merge_author(entry, row, sort_at)
    return [tuple(entry) for entry in authors.values()]


def _merge_author(entry: list[Any], row: _Row, sort_at: int) -> None:
    entry[3] = row.values[8] or entry[3]
    entry[4] = clean(row.mention.author_url) or entry[4]
    entry[5] = row.followers if row.followers is not None else entry[5]
    entry[6] = min(entry[6], sort_at)
    entry[7] = max(entry[7], sort_at)
    entry[8] += 1


def _ids(conn: sqlite3.Connection, keys: list[object]) -> dict[object, int]:
    ids: dict[object, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        sql = f"SELECT key, id FROM mentions WHERE key IN ({', '.join('?' * len(chunk))})"
        ids.update((row[0], row[1]) for row in conn.execute(sql, chunk))
    return ids
