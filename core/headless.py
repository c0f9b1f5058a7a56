"""The headless runs: poll once and export, or poll forever, with no Textual in sight.

``tui.cli`` parses the command line and calls these; they return an ``ExitCode`` instead of
exiting, and write diagnostics only to the ``err`` stream they are given, so the data stream
(the export on stdout) stays clean for pipes and cron.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from core.config import Config
from core.exitcodes import ExitCode
from core.export import METRICS, Report, render
from core.export.stream import write_export
from core.export.zone import report_zone
from core.files import atomic_writer
from core.model import PollOutcome, PollStatus
from core.net.fetch import Fetcher
from core.people.refresh import settings_of
from core.polling.poller import Poller, failed
from core.polling.preload import WORKER_PRELOAD, warm_up
from core.polling.workers import WorkerPool
from core.rules.arriving import ArrivingPoller
from core.signals import STDOUT_CUT
from core.store import LockPatience, Store
from core.store.errors import OutdatedSchema

if TYPE_CHECKING:
    from core.metrics.panel import MetricsReport

# Formats drawn from the metrics alone: streaming every stored mention past them would only cost.
WITHOUT_ROWS = ("html", METRICS)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    out: str  # a file path, or "-" for stdout
    fmt: str  # csv | json | md
    since: int | None = None
    poll: bool = True
    expected_failures: frozenset[str] = frozenset()  # sources whose failure is not news (demo)
    # whether alerts in a report make the exit code 6; the demo's are staged, so not there
    alerts_page: bool = True
    report: str = "mentions"  # mentions | metrics (the period's metrics as JSON) | people
    people_list: str | None = None  # with report "people": only the people on this list
    period: str = "day"  # the metrics' period: day, week, month or YYYY-MM-DD..YYYY-MM-DD
    tz: tzinfo | None = None  # the metrics' zone; None: the reader's (TZ, else the system's)
    per_followers: bool = False  # md and html show Kaushik's rates per 1,000 followers

    @property
    def wants_metrics(self) -> bool:
        """Reports (md, html, metrics) carry the period's metrics; data exports do not."""
        return self.report == "metrics" or self.fmt in ("md", "html")



# Address space a parse worker may use. A worker idles at about 230 MB of address space and a
# 10 MB feed of 74,000 items peaks near 300 MB resident; bodies are capped at 15 MiB, so 1 GiB
# is ample for real input while a parser that runs away gets MemoryError (that source's error)
# instead of taking the machine's memory.
WORKER_MEMORY_LIMIT = 1024 * 1024 * 1024


@asynccontextmanager
async def open_poller(config: Config, store: Store, **kwargs: object) -> AsyncIterator[Poller]:
    """A poller with its fetch client and worker pool, all closed on the way out."""
    fetcher = Fetcher(config.network)
    pool = WorkerPool(size=min(2, os.cpu_count() or 1), memory_limit=WORKER_MEMORY_LIMIT,
                      preload=WORKER_PRELOAD, warmup=warm_up)
    try:
        # A config file may gain rules while this runs (the Rules screen): watch it too.
        arriving = config.rules or config.path is not None or config.reserved.get("webhooks")
        kind = ArrivingPoller if arriving else Poller  # rules and webhooks act on arrivals
        yield kind(config, store, fetcher, pool, **kwargs)  # type: ignore[arg-type]
    finally:
        await pool.aclose()
        await fetcher.aclose()


# How long a headless run waits for a write lock another process holds (a colleague's undo of
# a hundred thousand mentions, a backup, a migration) before giving up with exit 4: long enough
# for any of those, short enough that a cron job stuck behind a hung process ends the same day.
LOCK_PATIENCE = 600.0
# Seconds between "waiting for the database" lines on stderr.
WAIT_REPORT_EVERY = 10.0


def lock_patience(err: TextIO) -> LockPatience:
    """Wait out another process's write lock for ``LOCK_PATIENCE``, saying so on stderr."""
    said = [0.0]

    def on_wait(waited: float) -> None:
        if said[0] == 0.0 or waited - said[0] >= WAIT_REPORT_EVERY:
            said[0] = waited
            err.write(f"listenpost: waiting for the database (held by another process) for "
                      f"{waited:.0f} s; giving up after {LOCK_PATIENCE:.0f} s\n")
            err.flush()

    return LockPatience(limit=LOCK_PATIENCE, on_wait=on_wait)


async def open_store(db_path: Path, err: TextIO, *, write: bool = True) -> Store:
    """The store for a headless run. ``write=False`` opens it read-only when it exists and is
    current: an export of what is stored then never takes, or waits for, the write lock."""
    if not write and db_path.is_file():
        try:
            return await Store.open(db_path, readonly=True)
        except OutdatedSchema:
            pass  # upgraded once, read-write, below
    return await Store.open(db_path, patience=lock_patience(err))


async def run_export(
    config: Config, db_path: Path, request: ExportRequest, *, err: TextIO = sys.stderr
) -> ExitCode:
    """Poll every source once (unless told not to), then write the export."""
    # People reports rescore the people they list first, so they write too.
    write = request.poll or request.report == "people"
    async with await open_store(db_path, err, write=write) as store:
        outcomes: list[PollOutcome] = []
        if request.poll and config.sources:
            outcomes = await poll_with_progress(config, store, err)
        if not store.readonly:
            await store.sync_sources(config.sources)
        if request.report == "people":
            problem = await export_people(config, store, request)
            if problem:
                err.write(f"listenpost: {problem}\n")
                return ExitCode.USAGE
            report_failures(outcomes, err)
            return exit_code(outcomes, request.expected_failures)
        report = await build_report(config, store, request.since, outcomes)
        if request.wants_metrics:
            report.metrics = await report_metrics(config, store, request, report.generated_at)
        fmt = METRICS if request.report == "metrics" else request.fmt
        with open_output(request.out) as out:
            if fmt in WITHOUT_ROWS:
                out.write(render(report, fmt))
            else:
                await _write_noting_a_cut(store, report, fmt, request.out, out)
    report_failures(outcomes, err)
    code = exit_code(outcomes, request.expected_failures)
    if code is not ExitCode.OK:
        return code
    alerted = list_alerts(report.metrics, err)
    return ExitCode.ALERTS if alerted and request.alerts_page else ExitCode.OK


async def run_team_digest(
    config: Config, db_path: Path, request: ExportRequest, team: str, *,
    err: TextIO = sys.stderr,
) -> ExitCode:
    """Poll every source once (unless told not to), then write ``team``'s digest."""
    from core.export.digest import render_digest
    from core.rules.routing import categories_of

    routing = config.reserved.get("routing", {})
    async with await Store.open(db_path) as store:
        outcomes: list[PollOutcome] = []
        if request.poll and config.sources:
            outcomes = await poll_with_progress(config, store, err)
        mentions = await store.export_mentions(since=request.since)
    text = render_digest(team, categories_of(team, routing), mentions, brand=config.brand.name,
                         since=request.since, generated_at=generated_at())
    with open_output(request.out) as out:
        out.write(text)
    report_failures(outcomes, err)
    return exit_code(outcomes, request.expected_failures)


async def report_metrics(config: Config, store: Store, request: ExportRequest,
                         now: int) -> MetricsReport:
    """The metrics of the requested period, in the requested (or the reader's) zone."""
    # Imported here: a poll round (or an export without metrics) never needs the metrics, nor
    # the analysis modules they pull in (a round of unchanged feeds loads no enrichment).
    from core.metrics.panel import metrics_for_config
    from core.metrics.periods import local_zone, parse_period

    tz = request.tz or local_zone()
    metrics = await metrics_for_config(store, config, parse_period(request.period, now, tz), now,
                                       tz)
    return replace(metrics, per_followers=request.per_followers)


def list_alerts(metrics: MetricsReport | None, err: TextIO) -> bool:
    """Name each alert on stderr (cron mails it); whether there were any."""
    alerts = metrics.alerts if metrics is not None else []
    for alert in alerts:
        cause = f" (terms: {', '.join(alert.terms)})" if alert.terms else ""
        err.write(f"listenpost: alert: {alert.title}{cause}\n")
    return bool(alerts)


async def run_replies_report(
    config: Config, db_path: Path, request: ExportRequest
) -> ExitCode:
    """Write the replies report (``--report drafts``): open drafts and sent replies touched
    since ``request.since``. Replies are not polled, so nothing is fetched."""
    from core.export.drafts import gather, render_replies
    from core.replies.drafts import Replies

    now = generated_at()
    async with await Store.open(db_path) as store:
        report = await gather(Replies(store.db, store.transaction), brand=config.brand.name,
                              since=request.since, until=now, generated_at=now)
    with open_output(request.out) as out:
        out.write(render_replies(report, request.fmt))
    return ExitCode.OK


async def _write_noting_a_cut(store: Store, report: Report, fmt: str, target: str,
                              out: TextIO) -> None:
    """Write the export; stopped midway on stdout, say so (a file is removed whole instead)."""
    try:
        await write_export(store, report, fmt, out)
    except asyncio.CancelledError:
        if target == "-":
            raise asyncio.CancelledError(STDOUT_CUT) from None
        raise


def exit_code(outcomes: list[PollOutcome], expected_failures: frozenset[str]) -> ExitCode:
    """1 when a source failed that was not expected to (the demo's broken one is), else 0."""
    unexpected = [o for o in failed(outcomes) if o.source not in expected_failures]
    return ExitCode.SOURCE_FAILED if unexpected else ExitCode.OK


async def run_poll_once(config: Config, db_path: Path, *, err: TextIO = sys.stderr,
                        expected_failures: frozenset[str] = frozenset()) -> ExitCode:
    """Poll every source once into the database and write nothing else (cron, between TUIs)."""
    async with await open_store(db_path, err) as store:
        outcomes = await poll_with_progress(config, store, err) if config.sources else []
    report_failures(outcomes, err)
    new = sum(o.new for o in outcomes)
    err.write(f"listenpost: polled {len(outcomes)} sources, {new} new mentions\n")
    return exit_code(outcomes, expected_failures)


async def poll_with_progress(config: Config, store: Store, err: TextIO) -> list[PollOutcome]:
    """Poll every source once, drawing a progress line when stderr is a terminal."""
    progress = Progress(len(config.sources), err) if err.isatty() else None
    async with open_poller(config, store) as poller:
        outcomes = await poller.poll_once(on_outcome=progress.step if progress else None)
    if progress:
        progress.finish()
    return outcomes


async def build_report(
    config: Config, store: Store, since: int | None, outcomes: list[PollOutcome]
) -> Report:
    """The export's head; its mentions stay in the store until ``write_export`` streams them."""
    configured = {s.name for s in config.sources}
    sources = [s for s in await store.sources() if s.name in configured]
    return Report(
        generated_at=generated_at(),
        mentions=[],
        sources=sources,
        since=since,
        outcomes=outcomes,
        brand=config.brand.name,
        zone=report_zone(config.report.timezone),
    )


async def export_people(config: Config, store: Store, request: ExportRequest) -> str | None:
    """Score everyone at ``generated_at`` and write the people table; a problem, or None."""
    from core.people.directory import People, PeopleFilter
    from core.people.export import write_people

    settings = settings_of(config.people)
    people = People(store.db, store.transaction, settings)
    names = await people.list_names()
    if request.people_list is not None and request.people_list not in names:
        known = ", ".join(names) or "none yet (add people to lists on the influencers screen)"
        return f"there is no list named {request.people_list!r}; lists: {known}"
    now = generated_at()
    await people.refresh(now)
    narrowed = PeopleFilter(list=request.people_list)
    rows = await people.ranked(narrowed)
    with open_output(request.out) as out:
        write_people(rows, request.fmt, out, generated_at=now, weights=settings.weights,
                     narrowed=narrowed)
    return None


def generated_at() -> int:
    """Now, or ``SOURCE_DATE_EPOCH`` when set, so reproducible runs give identical bytes."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(pinned) if pinned.isdigit() else int(time.time())


@contextmanager
def open_output(out: str) -> Iterator[TextIO]:
    """Stdout, or a file written atomically (the last good export stays until the new one is
    complete)."""
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    # A large buffer: an export is written in many small pieces.
    with atomic_writer(Path(out), buffering=1 << 20) as handle:
        yield handle


def report_failures(outcomes: list[PollOutcome], err: TextIO) -> None:
    for outcome in outcomes:
        if outcome.status in (PollStatus.ERROR, PollStatus.THROTTLED, PollStatus.WARNING):
            err.write(f"listenpost: {outcome.source}: {outcome.status.value}: {outcome.message}\n")


async def run_poller(
    config: Config, db_path: Path, stop: asyncio.Event, *, err: TextIO = sys.stderr
) -> ExitCode:
    """Poll every source on its own schedule until ``stop`` is set (the server mode)."""
    async with await open_store(db_path, err) as store, open_poller(config, store) as poller:
        await poller.run(stop, on_outcome=lambda o: log_outcome(o, err))
    return ExitCode.OK


def log_outcome(outcome: PollOutcome, err: TextIO) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    detail = f"{outcome.new} new, {outcome.duplicates} seen, {outcome.updated} updated"
    message = f" — {outcome.message}" if outcome.message else ""
    err.write(f"{stamp} {outcome.source}: {outcome.status.value} ({detail}){message}\n")
    err.flush()


class Progress:
    """A one-line progress bar on stderr, for terminals only."""

    def __init__(self, total: int, err: TextIO, width: int = 30) -> None:
        self.total, self.done, self.err, self.width = total, 0, err, width

    def step(self, outcome: PollOutcome) -> None:
        self.done += 1
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        self.err.write(f"\rpolling [{bar}] {self.done}/{self.total} {outcome.source[:30]:<30}")
        self.err.flush()

    def finish(self) -> None:
        self.err.write("\r" + " " * (self.width + 50) + "\r")
        self.err.flush()


async def run_check_db(db_path: Path, *, err: TextIO = sys.stderr) -> ExitCode:
    """``--check-db``: read every page of the database (read-only) and say whether it is sound."""
    async with await Store.open(db_path, readonly=True) as store:
        problems = await store.quick_check()
    if not problems:
        err.write(f"listenpost: {db_path}: quick_check found no problems\n")
        return ExitCode.OK
    err.write(f"listenpost: {db_path}: the database is damaged; SQLite's quick_check says:\n")
    err.writelines(f"  {line}\n" for line in problems)
    err.write("Restore it from a backup or use another --db.\n")
    return ExitCode.STORE
