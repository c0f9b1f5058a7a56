"""The worker process's side of ``core.polling.workers``: set up, then run jobs until closed.

A worker starts as a fresh interpreter whose only import of ours is this module: the pool's own
module (threads, asyncio, subprocess) stays in the parent, so a parse worker holds none of it
(about 8 MB less each). What a job needs comes from ``preload`` and from the job itself.
"""

from __future__ import annotations

import importlib
import pickle
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import cast


@dataclass(frozen=True)
class Setup:
    """What a fresh worker does before its first job; sent as its first message."""

    preload: tuple[str, ...]
    warmup: Callable[[], object] | None
    memory_limit: int | None


def serve(fd: int) -> None:
    """Set up from the first message on socket ``fd``, then run jobs until it closes.

    The entry point of a worker process (see ``_BOOT``); not for use in the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn = Connection(fd)
    setup = cast(Setup, conn.recv())
    if setup.memory_limit:
        _limit_memory(setup.memory_limit)
    for name in setup.preload:
        importlib.import_module(name)
    if setup.warmup is not None:
        setup.warmup()
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        conn.send_bytes(_call(fn, args))


def _limit_memory(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _call(fn: Callable[..., object], args: tuple[object, ...]) -> bytes:
    """Run the job; the outcome pickled once here and unpickled in the parent's thread."""
    # Blind catches on purpose: this is the process boundary, and whatever the job raised must
    # cross it as a value instead of killing the worker.
    try:
        outcome = ("ok", fn(*args))
    except Exception as error:  # noqa: BLE001
        outcome = _portable_error(error)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001
        failure = ("crashed", f"the result of {job_name(fn)} cannot be sent back: {error!r}")
        return pickle.dumps(failure)


def _portable_error(error: Exception) -> tuple[str, object]:
    """The exception itself when it survives a pickle round trip, else its repr."""
    remote = "".join(traceback.format_exception(error))
    try:
        copy = pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any failure to round-trip means "send the repr"
        return ("crashed", repr(error))
    if type(copy) is not type(error):
        return ("crashed", repr(error))
    return ("raised", (error, remote))


def job_name(fn: object) -> str:
    """How a job is named in an error: its qualified name, else its repr."""
    return getattr(fn, "__qualname__", None) or repr(fn)
