"""Signals that end a headless run, all handled the way Ctrl-C is.

cron's ``timeout``, systemd and ``kill`` stop a run with SIGTERM, and a closed SSH session sends
SIGHUP. Python's default for both ends the process on the spot: the poller's finished outcomes
are never written and an export leaves its hidden temp file behind. ``until_signalled`` turns
SIGINT, SIGTERM and SIGHUP into a cancellation of the run instead, so every ``finally`` and
``except`` on the way out runs (pending outcomes are written, temp files removed), and then
raises ``Stopped`` naming the signal, for the command line to turn into one line and an exit
code.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# A run that was writing the export to stdout when it was stopped cancels with this message, so
# the line on stderr can say the output there is incomplete rather than "nothing half-written".
STDOUT_CUT = "stopped while writing to stdout"


class Stopped(Exception):
    """A run ended by ``signum``; ``partial_stdout`` when stdout got only part of an export."""

    def __init__(self, signum: int, *, partial_stdout: bool = False) -> None:
        self.signum = signum
        self.partial_stdout = partial_stdout
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def signal_name(self) -> str:
        return "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name


async def until_signalled(run: Awaitable[T]) -> T:
    """Await ``run``; on SIGINT, SIGTERM or SIGHUP cancel it, let it clean up, raise ``Stopped``.

    A second signal while the run is cleaning up is ignored: the clean-up is short (one
    transaction, one unlink) and cutting it off is what this exists to prevent."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []

    def stop(signum: int) -> None:
        if not received:
            received.append(signum)
            task.cancel()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    try:
        return await run
    except asyncio.CancelledError as cancelled:
        if not received:
            raise
        task.uncancel()
        raise Stopped(received[0], partial_stdout=STDOUT_CUT in cancelled.args) from None
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
