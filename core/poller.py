"""The poll loop: every source on its own schedule, none able to stall or break the others.

``Poller.poll_once`` polls every (or every due) source concurrently under an overall and a
per-host limit, and returns one ``PollOutcome`` per source; ``Poller.run`` repeats that until
stopped. A source's failure is a value: it is stored (``sources.last_status``, ``polls``) and
shapes that source's backoff, and nothing else notices. The headless export, the TUI and a
long-running poller process all drive this one class.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.config import Config
from core.enrich import EnrichSpec
from core.fetch import Fetcher
from core.model import PollOutcome, PollStatus, SourceConfig
from core.poll_context import SourceContext
from core.schedule import SchedulePolicy, is_due, next_poll_at
from core.sources.base import PollResult, SourceError
from core.sources.registry import adapter_for
from core.store import SourceRow, Store
from core.store.snapshots import take_due_snapshots
from core.workers import WorkerPool

# A whole poll of one source (every page, every parse) must end within this, so a source
# whose server drips bytes or pages forever cannot hold a poll cycle open.
SOURCE_DEADLINE = 120.0
# Parsing a body in the worker: feedparser has inputs that take minutes; real feeds take ms.
PARSE_DEADLINE = 20.0


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

    async def poll_once(
        self, *, due_only: bool = False, on_outcome: OutcomeHook | None = None
    ) -> list[PollOutcome]:
        """Poll every source (or only those due) once; one outcome per polled source."""
        self._ids = await self.store.sync_sources(self.config.sources)
        rows = {row.name: row for row in await self.store.sources()}
        now = int(self.clock())
        chosen = [
            s for s in self.config.sources if not due_only or is_due(rows[s.name].next_poll_at, now)
        ]
        tasks = [self._poll_unless_throttled(s, rows[s.name], now, on_outcome) for s in chosen]
        return list(await asyncio.gather(*tasks))

    async def _poll_unless_throttled(
        self, source: SourceConfig, row: SourceRow, now: int, on_outcome: OutcomeHook | None
    ) -> PollOutcome:
        """Poll, unless the server asked us to wait (Retry-After) and that time has not come."""
        until = row.throttled_until
        if until is None or until <= now:
            return await self._poll_and_report(source, row.error_count, on_outcome)
        wait = until - now
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
        self, source: SourceConfig, errors_before: int, on_outcome: OutcomeHook | None
    ) -> PollOutcome:
        outcome = await self.poll_source(source, errors_before=errors_before)
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    async def poll_source(self, source: SourceConfig, *, errors_before: int = 0) -> PollOutcome:
        """Poll one source, store what it yields and its outcome; never raises for its failure."""
        started = self.clock()
        async with self._overall, self._host_limit(source.url):
            result, outcome = await self._fetch_and_parse(source, int(started))
            if result is not None:
                outcome = await self._store(source, result, outcome)
        outcome.started_at = int(started)
        outcome.duration_ms = int((self.clock() - started) * 1000)
        await self._record(source, outcome, result, errors_before)
        return outcome

    async def _fetch_and_parse(
        self, source: SourceConfig, now: int
    ) -> tuple[PollResult | None, PollOutcome]:
        source_id = self._ids[source.name]
        state = await self.store.source_state(source_id)
        context = SourceContext(
            source=source,
            state=state,
            now=now,
            fetcher=self.fetcher,
            pool=self.pool,
            spec=EnrichSpec(
                sets=self.config.query_sets(), match_all=source.match_all, source=source.name
            ),
            parse_deadline=self.limits.parse_deadline,
        )
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
        ingest = await self.store.ingest(self._ids[source.name], result.mentions, now=now)
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
        failed = outcome.status in (PollStatus.ERROR, PollStatus.THROTTLED)
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
        await self.store.record_poll(self._ids[source.name], outcome, state, next_poll_at=next_at)

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).hostname or ""
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return self._hosts[host]


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return


def failed(outcomes: Iterable[PollOutcome]) -> list[PollOutcome]:
    """The outcomes a cron job should hear about: errors and throttling."""
    return [o for o in outcomes if o.status in (PollStatus.ERROR, PollStatus.THROTTLED)]
