"""The one SQLite store: every mention, source and poll outcome, shared by poller and TUIs.

One ``Store`` holds one aiosqlite connection. The file is in WAL mode so a poller process and
several TUI processes can use it at once: readers never block, and writers take turns through
short ``BEGIN IMMEDIATE`` transactions that wait out each other within the busy timeout (and,
given ``LockPatience``, keep waiting past it, saying so). Opening refuses, without writing a
byte, anything that is not a listenpost database of a schema this version knows; a file that is
ours but older is migrated forward one version at a time, and one that is current is opened
without taking the write lock at all.
"""

from __future__ import annotations

import asyncio
import grp
import os
import pwd
import secrets
import socket
import sqlite3
import stat
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiosqlite

from core.model import FAILED_STATUSES, Mention, PollOutcome, PollStatus, SourceConfig
from core.sources.base import SourceState
from core.store.counts import count_triggers_current, replace_count_triggers
from core.store.errors import DiskFull, OutdatedSchema, StoreError, locked, translate
from core.store.ingest import SourceBatch, ingest_many
from core.store.migrate import (
    check_identity,
    inspect_file,
    load_migrations,
    pragma_int,
    refuse_special_file,
    upgrade,
)
from core.store.rows import (
    GROUP_EXPORT,
    SELECT_EXPORT_GROUPS,
    SELECT_MENTIONS,
    SELECT_SOURCES,
    IngestResult,
    SourceRow,
    StoredMention,
    clean_text,
    label_of,
    parse_matched,
    source_row,
    stored_mention,
)

# source, language, category, label, (kind, name) matches, count: see ``export_groups``.
ExportGroup = tuple[str, str, str | None, str, tuple[tuple[str, str], ...], int]

# How long a write waits for another process's write to finish. Our own transactions last
# milliseconds (a batch of a thousand posts commits in well under 100 ms), so 5 s outwaits any
# healthy listenpost; a lock held longer is a stuck process, and the user should hear about it
# rather than watch a poll hang.
BUSY_TIMEOUT_MS = 5000
# Poll outcomes kept per source: at a 15-minute interval about ten days of history, enough for
# "source health", while the table stays bounded however long the poller runs.
POLL_HISTORY = 1000
# A poll message is an error text; hostile servers can make it huge, and the UI shows one line.
MAX_MESSAGE = 1000
# After a checkpoint the -wal file is truncated to this, so a burst of writes does not leave a
# large file behind for good (64 MiB: a few hundred thousand mentions' worth of pages).
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
# Rows an export reads per fetch: big enough that the hop to the database thread is noise,
# small enough that a page of long posts is a few MB at most.
EXPORT_PAGE = 1000
# How long a claim on a source lasts. Claims are taken a few sources ahead of polling them (see
# core.polling.poller), so a claim covers waiting for a slot and then a whole poll: two polls
# of 120 s at most, the 2 s an outcome may wait in a batch, and room for slow commits. A live
# holder releases it sooner; one that was killed keeps that source waiting this long at most.
CLAIM_TTL = 300
_RETRY_PAUSE = 0.05  # seconds between BEGIN attempts when SQLite answers "busy" without waiting
# A patient writer's pause doubles up to this between attempts (each attempt itself waits the
# busy timeout inside SQLite), so a long lock costs a handful of tries a minute, not a spin.
_MAX_RETRY_PAUSE = 2.0


@dataclass(frozen=True, slots=True)
class LockPatience:
    """How a store's writes wait out a write lock that another process holds past the busy
    timeout (a colleague's big undo, a backup, a migration): ``limit`` seconds in all (None:
    until it is free), calling ``on_wait(seconds waited so far)`` after each failed attempt so
    the waiting can be shown."""

    limit: float | None = None
    on_wait: Callable[[float], None] | None = None
    on_free: Callable[[], None] | None = None  # the lock was had after waiting

_OK = (PollStatus.OK, PollStatus.NOT_MODIFIED, PollStatus.WARNING)  # the fetch worked

_UPSERT_SOURCE = """
INSERT INTO sources (name, kind, url, owned, active) VALUES (?, ?, ?, ?, 1)
ON CONFLICT (name) DO UPDATE SET
    kind = excluded.kind, url = excluded.url, owned = excluded.owned, active = 1,
    etag = CASE WHEN same THEN etag END,
    last_modified = CASE WHEN same THEN last_modified END,
    body_hash = CASE WHEN same THEN body_hash END,
    cursor = CASE WHEN same THEN cursor END,
    next_poll_at = CASE WHEN same THEN next_poll_at END
""".replace("same", "(sources.url = excluded.url AND sources.kind = excluded.kind)")
_RECORD_OUTCOME = """
UPDATE sources SET
    last_polled_at = ?, last_status = ?, last_message = ?,
    last_ok_at = CASE WHEN ? THEN ? ELSE last_ok_at END,
    error_count = CASE WHEN ? THEN error_count + 1 WHEN ? THEN 0 ELSE error_count END,
    throttled_until = ?, next_poll_at = ?,
    claimed_until = CASE WHEN claimed_by = ? THEN NULL ELSE claimed_until END,
    claimed_by = CASE WHEN claimed_by = ? THEN NULL ELSE claimed_by END
WHERE id = ?
"""
# A claim succeeds when nobody else holds a live one, nobody has polled the source since the
# claimer looked (its last_polled_at is as the claimer saw it), and, for a due-only round, it is
# due. ``wanted`` is filled in with one (id, last_polled_at seen) row per source asked for.
_CLAIM = """
WITH wanted(id, seen) AS (VALUES {rows})
UPDATE sources SET claimed_by = :me, claimed_until = :now + :ttl
WHERE id IN (SELECT w.id FROM wanted AS w WHERE w.id = sources.id
             AND sources.last_polled_at IS w.seen)
  AND (claimed_by IS NULL OR claimed_by = :me OR claimed_until <= :now)
  AND (NOT :due_only OR next_poll_at IS NULL OR next_poll_at <= :now)
RETURNING id
"""
_RELEASE = "UPDATE sources SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?"
_RECORD_STATE = (
    "UPDATE sources SET etag = ?, last_modified = ?, body_hash = ?, cursor = ? WHERE id = ?"
)
_INSERT_POLL = """
INSERT INTO polls (source_id, started_at, duration_ms, status, message, new, duplicates,
                   updated, skipped)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_PRUNE_POLLS = """
DELETE FROM polls WHERE source_id = ?1 AND id <= (
    SELECT id FROM polls WHERE source_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
"""


@dataclass(frozen=True, slots=True)
class PollRecord:
    """One source's poll as ``Store.record_polls`` writes it."""

    source_id: int
    outcome: PollOutcome
    state: SourceState | None  # the new fetch state; None keeps the stored one
    next_poll_at: int | None


class Store:
    """The listenpost database: ``await Store.open(path)``, then close it or use ``async with``."""

    def __init__(
        self, path: Path, db: aiosqlite.Connection, *, readonly: bool, busy_timeout_ms: int,
        patience: LockPatience | None = None,
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.busy_timeout_ms = busy_timeout_ms
        self.patience = patience
        self._db = db
        self._write = asyncio.Lock()  # one transaction at a time on this connection
        self._closed = False
        # Who holds this store's claims on sources: unique per open store, and saying where
        # it runs, for whoever reads the column.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    async def open(
        cls, path: str | Path, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        patience: LockPatience | None = None,
    ) -> Store:
        """Open (creating it, and its directory, unless ``readonly``) and migrate the database.

        Without ``patience`` a write gives up when another process holds the write lock past
        ``busy_timeout_ms``; with it, writes keep waiting as it says (see ``LockPatience``).
        Raises ``StoreError`` for a file that is not ours, damaged, newer, unwritable or locked;
        such a file is left exactly as it was."""
        path = Path(path).expanduser()
        migrations = load_migrations()
        refuse_special_file(path)
        if readonly:
            _require_file(path)
        else:
            _prepare_location(path)
        inspect_file(path, len(migrations))
        store = cls(path, await _connect(path, readonly, busy_timeout_ms), readonly=readonly,
                    busy_timeout_ms=busy_timeout_ms, patience=patience)
        try:
            with store._errors():
                version = await store._check(len(migrations))
                if not readonly:
                    await store._configure()
                if not readonly and version < len(migrations):  # else no write lock at all
                    await upgrade(path, store.transaction, migrations)
                if not readonly:  # a read; the write lock only when the triggers are stale
                    await store._ensure_count_triggers()
        except BaseException:
            await store.close()
            raise
        return store

    async def _check(self, known: int) -> int:
        """Refuse foreign or newer databases using SQLite's own view (the WAL may be newer);
        the schema version it is at."""
        application_id = await pragma_int(self._db, "application_id")
        version = await pragma_int(self._db, "user_version")
        async with self._db.execute("SELECT count(*) FROM sqlite_master") as cursor:
            row = await cursor.fetchone()
        check_identity(self.path, application_id, version, known, has_tables=bool(row and row[0]))
        if self.readonly and version < known:
            raise OutdatedSchema(
                self.path,
                f"this database is at schema {version} and needs upgrading to {known}; open it "
                "once without read-only so listenpost can upgrade it.",
            )
        return version

    async def _ensure_count_triggers(self) -> None:
        """Bring the count triggers in line with the bucket table (``core.store.counts``); a
        cheap read when they already are, which is every open but the first after an upgrade."""
        if await count_triggers_current(self._db):
            return
        async with self.transaction() as db:
            if not await count_triggers_current(db):  # another process may have just done it
                await replace_count_triggers(db)

    async def _configure(self) -> None:
        # WAL: readers never block the writer or each other. synchronous=NORMAL: in WAL mode
        # a crash of the process loses nothing and a power cut can lose only the last commits,
        # never corrupt the file; lost mentions come back on the next poll (ingest is
        # idempotent), and not syncing on every commit keeps the poller's commits cheap.
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            f"journal_size_limit = {JOURNAL_SIZE_LIMIT}",
        ):
            async with self._db.execute(f"PRAGMA {pragma}"):
                pass

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        if not self._closed:
            self._closed = True
            await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection, for read queries by other core modules. Close every cursor
        (``async with db.execute(...) as cursor``); write only inside ``transaction()``."""
        return self._db

    # --- transactions -------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A ``BEGIN IMMEDIATE`` … ``COMMIT`` block; any exception (or cancellation) inside it
        rolls everything back. Keep it short: other processes wait for it."""
        if self.readonly:
            raise StoreError(self.path, "the database was opened read-only; it cannot be changed.")
        async with self._write:
            await self._begin()
            try:
                yield self._db
                await self._db.commit()
            except BaseException as error:
                # Shielded: a second cancellation must not leave the transaction open.
                await asyncio.shield(self._db.rollback())
                if isinstance(error, sqlite3.Error) and _is_about_the_file(error):
                    raise self._translate(error) from None
                raise

    async def write_now(self, sql: str, params: Mapping[str, object]) -> bool:
        """One statement committed on its own, for a write worth less than a wait or an error
        (a presence heartbeat): SQLite holds the write lock for that statement only, within one
        call, and it gives up (False) when another process holds the lock past the busy timeout
        or the disk is full; the next attempt tries again."""
        if self.readonly:
            return False
        async with self._write:
            try:
                async with self._db.execute(sql, params):
                    pass
            except sqlite3.OperationalError as error:
                if _is_busy(error):
                    return False
                translated = self._translate(error)
                if isinstance(translated, DiskFull):
                    return False
                raise translated from None
        return True

    async def _begin(self) -> None:
        if self._db.in_transaction:
            await self._db.rollback()  # left open by a rollback that was itself interrupted
        started = time.monotonic()
        pause = _RETRY_PAUSE
        while True:
            try:
                async with self._db.execute("BEGIN IMMEDIATE"):
                    pass
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if not _is_busy(error):
                    raise self._translate(error) from None
                if waited * 1000 >= self.busy_timeout_ms and not self._keep_waiting(waited):
                    raise locked(self.path, int(waited * 1000)) from None
                await asyncio.sleep(pause)  # the event loop (and the inbox) runs meanwhile
                pause = min(pause * 2, _MAX_RETRY_PAUSE)
            else:
                if pause > _RETRY_PAUSE and self.patience and self.patience.on_free:
                    self.patience.on_free()
                return

    def _keep_waiting(self, waited: float) -> bool:
        """Past the busy timeout: tell whoever listens, and say whether to try again."""
        patience = self.patience
        if patience is None:
            return False
        if patience.limit is not None and waited >= patience.limit:
            return False
        if patience.on_wait is not None:
            patience.on_wait(waited)
        return True

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite's errors about the file (locked, full, damaged…) into ``StoreError``."""
        try:
            yield
        except sqlite3.Error as error:
            if not _is_about_the_file(error):
                raise
            raise self._translate(error) from None

    def _translate(self, error: sqlite3.Error) -> StoreError:
        return translate(self.path, error, waited_ms=self.busy_timeout_ms)

    # --- sources and polls ----------------------------------------------------------------------

    async def sync_sources(self, sources: Sequence[SourceConfig]) -> dict[str, int]:
        """Make the stored sources match the config; name → id for the configured ones.

        A source is matched by name; a changed url or kind forgets its fetch validators and
        cursor. Sources no longer configured are kept (with their mentions) but marked inactive.
        """
        names = [s.name for s in sources]
        marks = ", ".join("?" * len(names))
        with self._errors():
            async with self.transaction() as db:
                rows = [(s.name, s.kind, s.url, bool(s.owned)) for s in sources]
                if rows:
                    async with db.executemany(_UPSERT_SOURCE, rows):
                        pass
                sql = f"UPDATE sources SET active = 0 WHERE active = 1 AND name NOT IN ({marks})"
                async with db.execute(sql, names):
                    pass
                sql = f"SELECT name, id FROM sources WHERE name IN ({marks})"
                async with db.execute(sql, names) as cursor:
                    return {name: id_ for name, id_ in await cursor.fetchall()}

    async def source_state(self, source_id: int) -> SourceState:
        """The fetch state (validators, body hash, cursor) kept for a source between polls."""
        sql = "SELECT etag, last_modified, body_hash, cursor FROM sources WHERE id = ?"
        with self._errors():
            async with self._db.execute(sql, (source_id,)) as cursor:
                row = await cursor.fetchone()
        if row is None:
            raise self._no_source(source_id)
        return SourceState(*row)

    async def source_states(self) -> dict[int, SourceState]:
        """Every source's fetch state by id, in one query (a poll round reads them all)."""
        sql = "SELECT id, etag, last_modified, body_hash, cursor FROM sources"
        with self._errors():
            async with self._db.execute(sql) as cursor:
                return {row[0]: SourceState(*row[1:]) for row in await cursor.fetchall()}

    def _no_source(self, source_id: int) -> StoreError:
        return StoreError(self.path, f"no source with id {source_id}; sync the sources first.")

    async def record_poll(
        self,
        source_id: int,
        outcome: PollOutcome,
        state: SourceState | None,
        *,
        next_poll_at: int | None,
    ) -> None:
        """Store one poll's outcome, the source's health and (when given) its new fetch state,
        all in one transaction."""
        await self.record_polls([PollRecord(source_id, outcome, state, next_poll_at)])

    async def record_polls(self, records: Sequence[PollRecord]) -> None:
        """Store many polls' outcomes, health and fetch states in ONE transaction: all of them
        or (interrupted, or a source unknown) none. A poll round of a thousand sources costs
        one commit instead of a thousand."""
        if not records:
            return
        messages = [clean_text(r.outcome.message)[:MAX_MESSAGE] for r in records]
        with self._errors():
            async with self.transaction() as db:
                await self._record_outcome(db, records, messages)
                states = _state_rows(records)
                if states:
                    async with db.executemany(_RECORD_STATE, states):
                        pass
                await self._insert_poll(db, records, messages)

    async def _record_outcome(
        self, db: aiosqlite.Connection, records: Sequence[PollRecord], messages: Sequence[str]
    ) -> None:
        params = [_outcome_params(r, m, self.holder)
                  for r, m in zip(records, messages, strict=True)]
        async with db.executemany(_RECORD_OUTCOME, params) as cursor:
            updated = cursor.rowcount
        if updated != len(records):
            raise self._no_source(await self._first_unknown(db, records))

    @staticmethod
    async def _first_unknown(db: aiosqlite.Connection, records: Sequence[PollRecord]) -> int:
        for record in records:
            sql = "SELECT 1 FROM sources WHERE id = ?"
            async with db.execute(sql, (record.source_id,)) as cursor:
                if await cursor.fetchone() is None:
                    return record.source_id
        return records[0].source_id

    @staticmethod
    async def _insert_poll(
        db: aiosqlite.Connection, records: Sequence[PollRecord], messages: Sequence[str]
    ) -> None:
        rows = [_poll_row(r, m) for r, m in zip(records, messages, strict=True)]
        async with db.executemany(_INSERT_POLL, rows):
            pass
        sources = {r.source_id for r in records}
        async with db.executemany(_PRUNE_POLLS, [(s, POLL_HISTORY) for s in sources]):
            pass

    async def claim_sources(
        self, seen: Mapping[int, int | None], *, now: int, due_only: bool
    ) -> set[int]:
        """Claim sources for one poll each, in one short transaction; the ids this store may
        fetch now. ``seen`` maps each source id to its ``last_polled_at`` as the caller read it.
        A source is refused when another process holds a live claim on it, has polled it since
        (its ``last_polled_at`` moved), or, ``due_only``, when it is not due. Recording a poll's
        outcome releases its claim; a holder that dies loses it after ``CLAIM_TTL``."""
        if not seen:
            return set()
        rows = ", ".join(f"(:id{n}, :seen{n})" for n in range(len(seen)))
        params: dict[str, object] = {"me": self.holder, "now": now, "ttl": CLAIM_TTL,
                                     "due_only": due_only}
        for n, (source_id, polled_at) in enumerate(seen.items()):
            params[f"id{n}"], params[f"seen{n}"] = source_id, polled_at
        with self._errors():
            async with self.transaction() as db, db.execute(
                _CLAIM.format(rows=rows), params
            ) as cursor:
                return {int(row[0]) for row in await cursor.fetchall()}

    async def release_claims(self) -> None:
        """Give up every claim this store still holds (a round stopped before polling them)."""
        with self._errors():
            async with self.transaction() as db, db.execute(_RELEASE, (self.holder,)):
                pass

    async def sources(self, *, include_removed: bool = False) -> list[SourceRow]:
        """The sources with their health, in the order they were first configured."""
        where = "" if include_removed else " WHERE active = 1"
        with self._errors():
            async with self._db.execute(f"{SELECT_SOURCES}{where} ORDER BY id") as cursor:
                return [source_row(row) for row in await cursor.fetchall()]

    # --- mentions -------------------------------------------------------------------------------

    async def ingest(
        self, source_id: int, mentions: Sequence[Mention], *, now: int
    ) -> IngestResult:
        """Store a batch in one transaction: new rows inserted, changed engagement counts
        updated, the rest counted as duplicates; a row SQLite refuses is reported in
        ``skipped`` and the others still commit. Ingesting the same batch twice adds nothing."""
        return (await self.ingest_many([(source_id, mentions, now)]))[0]

    async def ingest_many(self, batches: Sequence[SourceBatch]) -> list[IngestResult]:
        """``ingest`` for several sources (id, mentions, fetch time) in ONE transaction and one
        call into the database thread: a poll round writes a batch of feeds at a time instead of
        committing each. All of them or (the file failed) none; one result per source."""
        if not batches:
            return []
        with self._errors():
            async with self.transaction() as db:
                return await ingest_many(db, batches)

    async def export_mentions(
        self, *, since: int | None = None, source_names: Sequence[str] | None = None
    ) -> list[StoredMention]:
        """Stored mentions, newest first: ``sort_at`` descending, then ``id`` descending (a
        total order, so two exports of the same data are identical). ``since`` keeps those
        with ``sort_at >= since``; ``source_names`` keeps those heard on the named sources."""
        where, params = _export_filter(since, source_names)
        sql = f"{SELECT_MENTIONS}{where} ORDER BY m.sort_at DESC, m.id DESC"
        with self._errors():
            async with self._db.execute(sql, params) as cursor:
                return [stored_mention(row) for row in await cursor.fetchall()]

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """A read transaction: every query inside sees the same committed state, whatever
        other processes commit meanwhile (WAL), so an export's summary and rows agree."""
        async with self._write:
            with self._errors():
                if self._db.in_transaction:
                    await self._db.rollback()  # left open by an interrupted rollback
                async with self._db.execute("BEGIN"):
                    pass
            try:
                yield
            finally:
                await asyncio.shield(self._db.rollback())  # nothing written: nothing to keep

    async def export_groups(self, *, since: int | None = None) -> list[ExportGroup]:
        """What ``export_mentions(since=…)`` would return, counted by source, language,
        category, sentiment label and matches: the summary's input without the rows."""
        where, params = _export_filter(since, None)
        with self._errors():
            async with self._db.execute(
                f"{SELECT_EXPORT_GROUPS}{where}{GROUP_EXPORT}", params
            ) as cursor:
                rows = await cursor.fetchall()
        return [(str(name), str(lang), cat, label_of(label).value,
                 tuple((x.kind, x.name) for x in parse_matched(str(matched or ""))), int(n))
                for name, lang, cat, label, matched, n in rows]

    async def export_pages(
        self, *, since: int | None = None, page: int = EXPORT_PAGE
    ) -> AsyncIterator[list[StoredMention]]:
        """``export_mentions(since=…)`` a page at a time, from one cursor: memory stays flat
        however many mentions are stored. Run it inside ``snapshot()`` for one point in time."""
        where, params = _export_filter(since, None)
        sql = f"{SELECT_MENTIONS}{where} ORDER BY m.sort_at DESC, m.id DESC"
        with self._errors():
            async with self._db.execute(sql, params) as cursor:
                while rows := await cursor.fetchmany(page):
                    yield [stored_mention(row) for row in rows]

    async def get_mention(self, mention_id: int) -> StoredMention | None:
        """One stored mention by id, or None."""
        with self._errors():
            async with self._db.execute(f"{SELECT_MENTIONS} WHERE m.id = ?", (mention_id,)) as c:
                row = await c.fetchone()
        return stored_mention(row) if row is not None else None

    async def quick_check(self, limit: int = 20) -> list[str]:
        """SQLite's ``PRAGMA quick_check`` (every page and record read, without checking that
        indexes match their tables): [] for a sound file, else up to ``limit`` problems."""
        try:
            async with self._db.execute(f"PRAGMA quick_check({int(limit)})") as cursor:
                rows = [str(row[0]) for row in await cursor.fetchall()]
        except sqlite3.DatabaseError as error:  # damage bad enough to stop the check itself
            if "locked" in str(error) or "busy" in str(error):
                raise self._translate(error) from None
            return [str(error)]
        return [] if rows == ["ok"] else rows

    async def count_mentions(self) -> int:
        """How many mentions are stored."""
        with self._errors():
            async with self._db.execute("SELECT count(*) FROM mentions") as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row is not None else 0


# --- helpers ------------------------------------------------------------------------------------


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise StoreError(path, "there is no database here to open read-only. Check --db.")


def _prepare_location(path: Path) -> None:
    """Create the directory if needed and refuse places SQLite could not write to."""
    if path.is_dir():
        raise StoreError(path, "this is a directory, not a database file. Point --db at a file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            path, f"cannot create the directory {path.parent} ({error.strerror}). "
            "Use another --db or fix the permissions."
        ) from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(
            path, f"the directory {path.parent} is read-only; SQLite needs to write its -wal and "
            "-shm files beside the database. Use another --db or fix the permissions."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(
            path, "the database file is read-only (or unreadable) for this user. "
            "Fix its permissions or use another --db."
        )
    _refuse_unwritable_sidecars(path)


def _refuse_unwritable_sidecars(path: Path) -> None:
    """A -wal or -shm file that another user created without group write (their umask was
    022) stops everyone else from writing; name it, its owner and mode, and the fix."""
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists() and not os.access(sidecar, os.R_OK | os.W_OK):
            raise StoreError(
                path, f"{sidecar.name} ({_owner_and_mode(sidecar)}) cannot be written by this "
                "user, so the database cannot be changed. In a database a team shares, give its "
                f"group write access (chmod g+rw {path.name}*) and have everyone run listenpost "
                "with umask 007 (see the README's \"A team on one server\")."
            )


def _owner_and_mode(path: Path) -> str:
    """``owner ana, group team, mode 0644`` for a message about permissions."""
    info = path.stat()
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    return f"owner {owner}, group {group}, mode {stat.S_IMODE(info.st_mode):04o}"


async def _connect(path: Path, readonly: bool, busy_timeout_ms: int) -> aiosqlite.Connection:
    target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    try:
        db = await aiosqlite.connect(target, uri=readonly, isolation_level=None,
                                     timeout=busy_timeout_ms / 1000)
    except sqlite3.Error as error:
        raise translate(path, error, waited_ms=busy_timeout_ms) from None
    try:
        for pragma in (f"busy_timeout = {int(busy_timeout_ms)}", "foreign_keys = ON"):
            async with db.execute(f"PRAGMA {pragma}"):
                pass
    except BaseException as error:
        # Stopped here too (a SIGTERM while the store opens): aiosqlite's thread is not a
        # daemon, so a connection left open would keep the process from ever exiting.
        db.stop()
        if isinstance(error, sqlite3.Error):
            raise translate(path, error, waited_ms=busy_timeout_ms) from None
        raise
    return db


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


def _is_about_the_file(error: sqlite3.Error) -> bool:
    """Errors of the database as a whole, as opposed to a bad statement or value of ours."""
    return type(error) in (sqlite3.OperationalError, sqlite3.DatabaseError)


def _state_rows(records: Sequence[PollRecord]) -> list[tuple[object, ...]]:
    """``_RECORD_STATE`` parameters for the records that carry a new fetch state."""
    return [
        (r.state.etag, r.state.last_modified, r.state.body_hash, r.state.cursor, r.source_id)
        for r in records
        if r.state is not None
    ]


def _outcome_params(record: PollRecord, message: str, holder: str) -> tuple[object, ...]:
    outcome = record.outcome
    ok, at = outcome.status in _OK, outcome.started_at
    return (at, outcome.status.value, message, ok, at, outcome.status in FAILED_STATUSES, ok,
            _throttled_until(outcome), record.next_poll_at, holder, holder, record.source_id)


def _poll_row(record: PollRecord, message: str) -> tuple[object, ...]:
    o = record.outcome
    return (record.source_id, o.started_at, o.duration_ms, o.status.value, message, o.new,
            o.duplicates, o.updated, o.skipped)


def _throttled_until(outcome: PollOutcome) -> int | None:
    if outcome.retry_after is None:
        return None
    finished = outcome.started_at + -(-outcome.duration_ms // 1000)  # rounded up to a second
    return finished + outcome.retry_after


def _export_filter(
    since: int | None, source_names: Sequence[str] | None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if since is not None:
        clauses.append("m.sort_at >= ?")
        params.append(since)
    if source_names is not None:
        clauses.append(f"s.name IN ({', '.join('?' * len(source_names))})")
        params.extend(source_names)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
