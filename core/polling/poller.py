"""The poll loop: every source on its own schedule, none able to stall or break the others.

``Poller.poll_once`` polls every (or every due) source concurrently under an overall and a
per-host limit, and returns one ``PollOutcome`` per source; ``Poller.run`` repeats that until
stopped. A source's failure is a value: it is stored (``sources.last_status``, ``polls``) and
shapes that source's backoff, and nothing else notices. Each source is claimed in the database
just before it is fetched (``RoundClaims``), so several processes polling one database never
fetch a source at once. The headless export, the TUI and a long-running poller process all
drive this one class.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from core.config import Config
from core.model import FAILED_STATUSES, PollOutcome, PollStatus, SourceConfig
from core.net.fetch import Fetcher
from core.polling.claims import RoundClaims
from core.polling.context import SourceContext
from core.polling.ingest_queue import IngestQueue
from core.polling.jobs import SpecFields
from core.polling.schedule import SchedulePolicy, is_due, next_poll_at
from core.polling.workers import WorkerPool
from core.sources.base import PollResult, SourceError, SourceState
from core.sources.registry import adapter_for
from core.store import SourceRow, Store
from core.store.snapshots import take_due_snapshots
from core.store.store import PollRecord

log = logging.getLogger(__name__)
T = TypeVar("T")

# A whole poll of one source (every page, every parse) must end within this, so a source
# whose server drips bytes or pages forever cannot hold a poll cycle open.
SOURCE_DEADLINE = 120.0
# Parsing a body in the worker: feedparser has inputs that take minutes; real feeds take ms.
PARSE_DEADLINE = 20.0
# Outcomes are written in batches, one transaction each, instead of one per source: a round of a
# thousand unchanged feeds was a thousand commits. A batch is written once it holds this many, or
# once its oldest outcome is this many seconds old (so the inbox's source health lags a slow
# round by no more than that), and always before ``poll_once`` returns.
RECORD_BATCH = 200
RECORD_DELAY = 2.0


@dataclass(frozen=True, slots=True)
class PollerLimits:
    concurrency: int = 8
    per_host: int = 2
    source_deadline: float = SOURCE_DEADLINE
    parse_deadline: float = PARSE_DEADLINE


OutcomeHook = Callable[[PollOutcome], None]


class Poller:
    """Polls the configured sources into the store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        pool: WorkerPool,
        *,
        limits: PollerLimits | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.pool = pool
        self.limits = limits or PollerLimits(
            concurrency=config.network.concurrency, per_host=config.network.per_host
        )
        self.policy = SchedulePolicy(
            jitter=config.poller.jitter, max_backoff=config.poller.max_backoff
        )
        self.clock = clock
        self.rng = rng or random.Random()
        self._overall = asyncio.Semaphore(self.limits.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._ids: dict[str, int] = {}
        self._states: dict[int, SourceState] = {}  # read once per round, used once per source
        self._pending: list[PollRecord] = []
        self._claims = RoundClaims(self.store, {}, due_only=True, clock=clock, chunk=1)
        self._pending_since = 0.0
        self._ingests = IngestQueue(store)  # mentions are stored a batch of sources at a time

    @property
    def ingest_batches(self) -> int:
        """Transactions this poller's mentions were written in so far (for the bench and tests)."""
        return self._ingests.batches

    async def poll_once(
        self, *, due_only: bool = False, on_outcome: OutcomeHook | None = None
    ) -> list[PollOutcome]:
        """Poll every source (or only those due) once; one outcome per polled source."""
        self._ids = await self.store.sync_sources(self.config.sources)
        rows = {row.name: row for row in await self.store.sources()}
        self._states = await self.store.source_states()
        now = int(self.clock())
        chosen = [
            s for s in self.config.sources if not due_only or is_due(rows[s.name].next_poll_at, now)
        ]
        unthrottled = [s for s in chosen if not _throttled(rows[s.name], now)]
        self._claims = RoundClaims(
            self.store, {self._ids[s.name]: rows[s.name].last_polled_at for s in unthrottled},
            due_only=due_only, clock=self.clock, chunk=self.limits.concurrency,
        )
        tasks = [asyncio.ensure_future(self._poll_unless_throttled(s, rows[s.name], now,
                                                                   on_outcome))
                 for s in chosen]
        try:
            outcomes = [o for o in await _all_or_none(tasks) if o is not None]
        except asyncio.CancelledError:
            # Stopped (Ctrl-C, SIGTERM): the sources that finished keep their outcomes and
            # schedules, in one short transaction; the unfinished ones are polled next time,
            # by whichever process claims them first.
            await self._stop_writing()
            await self._flush()
            await self.store.release_claims()
            raise
        except BaseException:
            self._pending.clear()  # the store failed: nothing more is written
            await self._stop_writing()
            raise
        finally:
            self._states = {}
        await self._flush()
        await self._claims.release_unpolled()
        return outcomes

    async def _stop_writing(self) -> None:
        """The round was stopped or the store failed: write no more of its mentions (the batch
        being written is rolled back whole) and take no more of its claims."""
        await self._ingests.stop()
        await self._claims.stop()

    async def _poll_unless_throttled(
        self, source: SourceConfig, row: SourceRow, now: int, on_outcome: OutcomeHook | None
    ) -> PollOutcome | None:
        """Poll, unless the server asked us to wait (Retry-After) and that time has not come;
        None when another process has the source (see ``RoundClaims``)."""
        if not _throttled(row, now):
            return await self._poll_and_report(source, row, on_outcome)
        wait = (row.throttled_until or now) - now
        outcome = PollOutcome(
            source.name,
            PollStatus.THROTTLED,
            f"not polled: the server asked us to wait another {wait} s (Retry-After)",
            started_at=now,
            retry_after=wait,
        )
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    async def poll_named(self, name: str) -> PollOutcome:
        """Poll the source called ``name`` now, due or not (a person asked), unless its server
        asked us to wait (Retry-After); KeyError when no configured source has that name."""
        source = next((s for s in self.config.sources if s.name == name), None)
        if source is None:
            raise KeyError(name)
        self._ids = await self.store.sync_sources(self.config.sources)
        row = next(r for r in await self.store.sources() if r.name == name)
        self._states = await self.store.source_states()
        self._claims = RoundClaims(self.store, {self._ids[name]: row.last_polled_at},
                                   due_only=False, clock=self.clock, chunk=1)
        try:
            outcome = await self._poll_unless_throttled(source, row, int(self.clock()), None)
        except BaseException:
            await self._stop_writing()
            raise
        finally:
            self._states = {}
        await self._flush()
        await self._claims.release_unpolled()
        if outcome is None:  # claimed by another process that is polling it right now
            return PollOutcome(name, PollStatus.WARNING, "not polled: another process is "
                               "polling this source right now", started_at=int(self.clock()))
        return outcome

    async def run(self, stop: asyncio.Event, *, on_outcome: OutcomeHook | None = None) -> None:
        """Poll due sources until ``stop`` is set, sleeping until the next one is due."""
        while not stop.is_set():
            await self.poll_once(due_only=True, on_outcome=on_outcome)
            await _wait(stop, await self._seconds_until_next_due())

    async def _seconds_until_next_due(self) -> float:
        rows = await self.store.sources()
        names = {s.name for s in self.config.sources}
        pending = [r.next_poll_at for r in rows if r.name in names and r.next_poll_at]
        if not pending:
            return 60.0
        # Wake at least once a minute so config-driven changes and clock jumps are noticed.
        return float(min(max(min(pending) - self.clock(), 1.0), 60.0))

    async def _poll_and_report(
        self, source: SourceConfig, row: SourceRow, on_outcome: OutcomeHook | None
    ) -> PollOutcome | None:
        outcome = await self._poll_buffered(source, row)
        if outcome is not None and on_outcome is not None:
            on_outcome(outcome)
        return outcome

    async def _poll_buffered(self, source: SourceConfig, row: SourceRow) -> PollOutcome | None:
        """Claim one source, poll it and store its mentions; its outcome joins the next batch
        written (which releases the claim). None when the claim was refused."""
        started = self.clock()
        # Until its mentions are queued, the batch being gathered waits for them (IngestQueue).
        with self._ingests.expecting():
            async with self._overall, self._host_limit(source.url):
                # While the store is behind, fetch nothing more: bounds the pages in flight.
                await self._ingests.room()
                # Claimed only now, inside the limits, so the claim's time is spent polling.
                if not await self._claims.take(self._ids[source.name]):
                    return None
                context = self._context(source, int(started))
                result, outcome = await self._fetch_and_parse(context)
        # Stored outside the network limits: the next sources fetch while this one waits for
        # its batch (core.polling.ingest_queue).
        if result is not None:
            outcome = await self._store(source, result, outcome)
        outcome.message = context.redact(outcome.message)  # servers echo tokens in errors
        outcome.started_at = int(started)
        outcome.duration_ms = int((self.clock() - started) * 1000)
        await self._record(source, outcome, result, row.error_count)
        return outcome

    def _context(self, source: SourceConfig, now: int) -> SourceContext:
        return SourceContext(
            source=source,
            state=SourceState(),  # read in _fetch_and_parse, inside the concurrency limits
            now=now,
            fetcher=self.fetcher,
            pool=self.pool,
            spec=functools.partial(_enrich_spec, self.config, source),
            parse_deadline=self.limits.parse_deadline,
        )

    async def _fetch_and_parse(
        self, context: SourceContext
    ) -> tuple[PollResult | None, PollOutcome]:
        source = context.source
        source_id = self._ids[source.name]
        state = self._states.pop(source_id, None) or await self.store.source_state(source_id)
        context.state = state
        try:
            async with asyncio.timeout(self.limits.source_deadline):
                result = await adapter_for(source.kind).poll(context)
        except SourceError as error:
            status = error.status
            return None, PollOutcome(
                source.name, status, error.message, retry_after=error.retry_after
            )
        except TimeoutError:
            limit = self.limits.source_deadline
            message = f"the whole poll took longer than {limit:.0f} s and was stopped"
            return None, PollOutcome(source.name, PollStatus.ERROR, message)
        except Exception as error:  # noqa: BLE001 -- a bug met by one source must not stop the rest
            return None, _unexpected(context, error)
        status = PollStatus.NOT_MODIFIED if result.not_modified else PollStatus.OK
        return result, PollOutcome(source.name, status, result.warning or "")

    async def _store(
        self, source: SourceConfig, result: PollResult, outcome: PollOutcome
    ) -> PollOutcome:
        if not result.mentions:
            if result.warning:
                outcome.status = PollStatus.WARNING
            return outcome
        now = int(self.clock())
        ingest = await self._ingests.ingest(self._ids[source.name], result.mentions, now)
        if source.owned:
            async with self.store.transaction() as db:
                await take_due_snapshots(db, now)
        outcome.new, outcome.duplicates = ingest.new, ingest.duplicates
        outcome.updated, outcome.skipped = ingest.updated, len(ingest.skipped)
        problems = [p for p in (result.warning, *ingest.skipped[:3]) if p]
        if problems:
            outcome.status = PollStatus.WARNING
            outcome.message = "; ".join(problems)
        return outcome

    async def _record(
        self,
        source: SourceConfig,
        outcome: PollOutcome,
        result: PollResult | None,
        errors_before: int,
    ) -> None:
        failed = outcome.status in FAILED_STATUSES
        error_count = errors_before + 1 if failed else 0
        next_at = next_poll_at(
            now=int(self.clock()),
            interval=source.interval,
            status=outcome.status,
            error_count=error_count,
            retry_after=outcome.retry_after,
            policy=self.policy,
            rng=self.rng,
        )
        state = result.state if result is not None else None
        await self._defer(PollRecord(self._ids[source.name], outcome, state, next_at))

    async def _defer(self, record: PollRecord) -> None:
        """Queue an outcome; write the queue when it is full or its oldest entry is due."""
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(record)
        overdue = time.monotonic() - self._pending_since >= RECORD_DELAY
        if len(self._pending) >= RECORD_BATCH or overdue:
            await self._flush()

    async def _flush(self) -> None:
        """Write every queued outcome in one transaction."""
        batch, self._pending = self._pending, []
        await self.store.record_polls(batch)

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).hostname or ""
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return self._hosts[host]


async def _all_or_none(tasks: Sequence[asyncio.Future[T]]) -> list[T]:
    """Every task's result; when one fails (the store gave up), the others are cancelled and
    awaited first, so none goes on polling into a closed worker pool and blames its source."""
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _throttled(row: SourceRow, now: int) -> bool:
    """The server asked us to wait (Retry-After) and that time has not come."""
    return row.throttled_until is not None and row.throttled_until > now


def _enrich_spec(config: Config, source: SourceConfig) -> SpecFields:
    """What enrichment needs for ``source``, as plain fields (core.polling.jobs); built only
    when one of its bodies is parsed."""
    return (config.query_sets(), source.match_all, source.name)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return


def _unexpected(context: SourceContext, error: Exception) -> PollOutcome:
    """An exception no adapter expected, as that source's error; the traceback goes to the log
    with the source's secrets blanked out (no locals are logged)."""
    trace = "".join(traceback.format_exception(error))
    log.warning("source %s: unexpected error during its poll\n%s", context.source.name,
                context.redact(trace))
    message = (f"the poll failed unexpectedly ({type(error).__name__}); this is a listenpost bug, "
               "please report it with the log")
    return PollOutcome(context.source.name, PollStatus.ERROR, message)


def failed(outcomes: Iterable[PollOutcome]) -> list[PollOutcome]:
    """The outcomes a cron job should hear about: errors and throttling."""
    return [o for o in outcomes if o.status in FAILED_STATUSES]
