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
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from core.config import Config
from core.exitcodes import ExitCode
from core.export import Report
from core.export.stream import write_export
from core.files import atomic_writer
from core.model import PollOutcome, PollStatus
from core.net.fetch import Fetcher, NetworkPolicy
from core.polling.poller import Poller, failed
from core.polling.workers import WorkerPool
from core.rules.arriving import ArrivingPoller
from core.store import Store


@dataclass(frozen=True, slots=True)
class ExportRequest:
    out: str  # a file path, or "-" for stdout
    fmt: str  # csv | json | md
    since: int | None = None
    poll: bool = True


def network_policy(config: Config) -> NetworkPolicy:
    """The fetch client's limits from ``[network]``."""
    net = config.network
    return NetworkPolicy(
        timeout=net.timeout,
        connect_timeout=net.connect_timeout,
        max_bytes=net.max_bytes,
        max_redirects=net.max_redirects,
        user_agent=net.user_agent,
        allow_private_addresses=net.allow_private_addresses,
        allowed_networks=net.allowed_networks,
    )


# Address space a parse worker may use. A worker idles at about 230 MB of address space and a
# 10 MB feed of 74,000 items peaks near 300 MB resident; bodies are capped at 15 MiB, so 1 GiB
# is ample for real input while a parser that runs away gets MemoryError (that source's error)
# instead of taking the machine's memory.
WORKER_MEMORY_LIMIT = 1024 * 1024 * 1024


@asynccontextmanager
async def open_poller(config: Config, store: Store, **kwargs: object) -> AsyncIterator[Poller]:
    """A poller with its fetch client and worker pool, all closed on the way out."""
    fetcher = Fetcher(network_policy(config))
    pool = WorkerPool(size=min(2, os.cpu_count() or 1), memory_limit=WORKER_MEMORY_LIMIT)
    try:
        arriving = config.rules or config.reserved.get("webhooks")
        kind = ArrivingPoller if arriving else Poller  # rules and webhooks act on arrivals
        yield kind(config, store, fetcher, pool, **kwargs)  # type: ignore[arg-type]
    finally:
        await pool.aclose()
        await fetcher.aclose()


async def run_export(
    config: Config, db_path: Path, request: ExportRequest, *, err: TextIO = sys.stderr
) -> ExitCode:
    """Poll every source once (unless told not to), then write the export."""
    async with await Store.open(db_path) as store:
        outcomes: list[PollOutcome] = []
        if request.poll and config.sources:
            outcomes = await poll_with_progress(config, store, err)
        await store.sync_sources(config.sources)
        report = await build_report(config, store, request.since, outcomes)
        with open_output(request.out) as out:
            await write_export(store, report, request.fmt, out)
    report_failures(outcomes, err)
    return ExitCode.SOURCE_FAILED if failed(outcomes) else ExitCode.OK


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
    return ExitCode.SOURCE_FAILED if failed(outcomes) else ExitCode.OK


async def run_poll_once(config: Config, db_path: Path, *, err: TextIO = sys.stderr) -> ExitCode:
    """Poll every source once into the database and write nothing else (cron, between TUIs)."""
    async with await Store.open(db_path) as store:
        outcomes = await poll_with_progress(config, store, err) if config.sources else []
    report_failures(outcomes, err)
    new = sum(o.new for o in outcomes)
    err.write(f"listenpost: polled {len(outcomes)} sources, {new} new mentions\n")
    return ExitCode.SOURCE_FAILED if failed(outcomes) else ExitCode.OK


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
    )


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
    async with await Store.open(db_path) as store, open_poller(config, store) as poller:
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
