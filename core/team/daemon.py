"""``listenpost --daemon``: the team server's one poller, running until it is stopped.

It polls only while it holds the lease (``core.team.lease``), renewing it as it goes; while
another process holds it, it watches and takes over once that lease expires, so a second daemon
started by mistake, or started to stand by, never polls beside the first. Every poll outcome
and every change of who polls is one line in the log: stderr, or ``--log FILE``, which SIGHUP
reopens so logrotate can move the file away. SIGTERM and Ctrl-C stop it as they stop
``--poller``: finished outcomes are written, claims and the lease given back. A full disk does
not stop it: it says so once, goes on without writing (read-only), tries again every renewal
period and says when space has returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import TextIO

from core.config import Config
from core.exitcodes import ExitCode
from core.headless import log_outcome, open_poller, open_store
from core.store import Store
from core.store.errors import DiskFull
from core.team.identity import acting_person
from core.team.lease import Lease, LeaseHolder


class DaemonLog:
    """Where the daemon's lines go: stderr, or a file opened for appending and reopened on
    SIGHUP (logrotate renames it, then signals; the next line starts the new file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.stream: TextIO = sys.stderr if path is None else _append(path)

    def line(self, text: str) -> None:
        """One timestamped line, flushed at once (a tail -f shows it as it happens)."""
        self.stream.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} listenpost: {text}\n")
        self.stream.flush()

    def reopen(self) -> None:
        """Open the log path afresh; when that fails, keep writing to the old file and say so."""
        if self.path is None:
            self.line("SIGHUP: logging to stderr, nothing to reopen")
            return
        try:
            fresh = _append(self.path)
        except OSError as error:
            self.line(f"SIGHUP: cannot reopen {self.path} ({error.strerror}); "
                      "still writing to the old file")
            return
        old, self.stream = self.stream, fresh
        old.close()
        self.line(f"log reopened (SIGHUP): {self.path}")

    def close(self) -> None:
        if self.path is not None:
            self.stream.close()


def _append(path: Path) -> TextIO:
    return path.open("a", encoding="utf-8", buffering=1)


async def run_daemon(config: Config, db_path: Path, log: DaemonLog) -> ExitCode:
    """Hold the lease and poll, or watch whoever holds it, until cancelled (a signal)."""
    # Installed after the command line's own handlers (``core.signals.until_signalled``), so
    # SIGHUP reopens the log here instead of stopping the daemon; they are removed on the way out.
    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, log.reopen)
    async with await open_store(db_path, log.stream) as store:
        lease = Lease(store, kind="daemon", length=config.team.lease)
        log.line(f"daemon started on {db_path} as {acting_person(config)}; "
                 f"lease {lease.length:g} s")
        try:
            await _hold_or_watch(config, store, lease, log)
        finally:
            await asyncio.shield(_release(lease))
    return ExitCode.OK


async def _release(lease: Lease) -> None:
    """Give the lease back; on a full disk it cannot be, and lapses by itself instead."""
    with contextlib.suppress(DiskFull):
        await lease.release()


class _Space:
    """Whether the disk was full at the last write, so each change is logged once."""

    def __init__(self, log: DaemonLog) -> None:
        self.log, self.full = log, False

    def ran_out(self, error: DiskFull, retry: float) -> None:
        if not self.full:
            self.log.line(f"{error.message} Read-only until space returns; trying again every "
                          f"{retry:g} s.")
        self.full = True

    def wrote(self) -> None:
        if self.full:
            self.log.line("space is back: writing to the database again")
        self.full = False


async def _hold_or_watch(config: Config, store: Store, lease: Lease, log: DaemonLog) -> None:
    """Hold and poll, or watch; through a full disk, wait read-only for space to return."""
    space = _Space(log)
    while True:
        try:
            await _hold_or_watch_until_full(config, store, lease, log, space)
        except DiskFull as error:
            space.ran_out(error, lease.renew_every)
            await asyncio.sleep(lease.renew_every)


async def _hold_or_watch_until_full(config: Config, store: Store, lease: Lease, log: DaemonLog,
                                    space: _Space) -> None:
    watched: str | None = None
    while True:
        holder = await lease.take()
        space.wrote()
        if holder is None:
            log.line("holding the polling lease: this daemon polls")
            holder = await _poll_while_held(config, store, lease, log)
            watched = None
        if holder.holder != watched:
            watched = holder.holder
            log.line(f"watching: {holder.describe()} polls this database; taking over if its "
                     f"lease lapses (renewed every {lease.renew_every:g} s)")
        await asyncio.sleep(_until_worth_asking(holder, lease))


def _until_worth_asking(holder: LeaseHolder, lease: Lease) -> float:
    """Ask again just after the holder's lease would expire, and at least every renewal period
    (it may be given up sooner); never spin."""
    return min(max(holder.expires_at - lease.clock() + 0.1, 0.1), lease.renew_every)


async def _poll_while_held(config: Config, store: Store, lease: Lease,
                           log: DaemonLog) -> LeaseHolder:
    """Poll on schedule, renewing the lease, until another process has taken it; that holder.
    Losing it (this process stalled past its expiry) stops the round in progress."""
    async with open_poller(config, store) as poller:
        polling = asyncio.ensure_future(
            poller.run(asyncio.Event(), on_outcome=lambda o: log_outcome(o, log.stream)))
        try:
            while True:
                await asyncio.wait({polling}, timeout=lease.renew_every)
                if polling.done():
                    polling.result()  # the poller ends only by an error: raised here
                    raise RuntimeError("the poller stopped without being asked to")
                holder = await lease.take()
                if holder is not None:
                    log.line(f"lost the polling lease to {holder.describe()}; stopping polls")
                    return holder
        finally:
            if not polling.done():
                polling.cancel()
                await asyncio.wait({polling})  # it writes its finished outcomes first
