"""A small process pool whose jobs can be killed.

feedparser (and any parser fed hostile bytes) has inputs that run for minutes, and a thread
cannot be interrupted, so parsing runs in worker processes. Each job gets a deadline; a worker
that overruns it is killed with SIGKILL and replaced, and only that job fails. Workers start
lazily as fresh interpreters (no forked copy of the event loop, sockets, threads' locks or
Textual state), are reused across jobs so imports and model loads happen once (``preload`` and
``warmup`` run at start-up, outside any deadline), ignore SIGINT so Ctrl-C reaches only the
parent, and write nothing to the terminal. They are started with ``subprocess`` and talk over a
socket pair rather than through ``multiprocessing``'s spawn, which would also start its resource
tracker: one more interpreter (about 12 MB) that tracks nothing we use. The event loop never
blocks: each worker has one thread of ours that takes jobs from a queue, sends them, waits and
hands the outcome back, so there is a thread per worker, not per job. The thread takes its next
job as soon as it has the last one's result: when each job went back through the event loop
(the result to the awaiting task, the worker checked in, the next task woken, its job handed
to a thread), a worker waited about a millisecond between jobs, 15 % of its time in a first
poll (measured on 1,000 feeds: 0.78 s of each worker's 5.3 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TypeVar, cast

from core.polling.worker_process import Setup, job_name

T = TypeVar("T")

# How long a fresh worker may take to start (interpreter, imports, preloads) before the pool
# gives up on it. Generous: a loaded 2-core machine takes about a second to import feedparser.
STARTUP_TIMEOUT = 60.0
# How long to wait for a killed worker to be reaped; SIGKILL is immediate, so this is slack.
REAP_TIMEOUT = 5.0


class ParseTimeout(Exception):
    """A job overran its deadline; its worker was killed."""


class WorkerCrashed(Exception):
    """A worker died during a job, or the job raised something that could not cross back."""


# The child's whole command line: the parent's import path (so jobs defined anywhere the parent
# can import resolve by reference, as under spawn), then the socket to serve jobs on.
_BOOT = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from core.polling.worker_process import serve; serve(int(sys.argv[2]))"
)


# --- the parent side ----------------------------------------------------------------------------


class _Process:
    """A worker process as the pool sees it: alive or not, killed, reaped, its exit code."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def kill(self) -> None:
        self._popen.kill()  # a no-op once the process has been reaped

    def join(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)

    @property
    def exitcode(self) -> int | None:
        """As ``Popen.returncode``: negative for the signal that ended it."""
        return self._popen.poll()


@dataclass
class _Worker:
    process: _Process
    conn: Connection
    # aclose and a job's own thread may both end a worker; closing a Connection twice at once
    # could close an unrelated file descriptor that reused the number, so the close is locked.
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def kill(self) -> None:
        """SIGKILL, reap, close; safe to call more than once, from any thread."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(REAP_TIMEOUT)
        with self._lock:
            if not self._closed:
                self._closed = True
                self.conn.close()


@dataclass
class _Slot:
    """One worker position in the pool; the worker inside is started lazily and replaced."""

    worker: _Worker | None = None


@dataclass
class _Job:
    fn: Callable[..., object]
    args: tuple[object, ...]
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancelled: bool = False
    worker: _Worker | None = None

    def attach(self, worker: _Worker) -> bool:
        """Record the worker running this job; False (and the worker killed) if cancelled."""
        with self.lock:
            self.worker = worker
            if self.cancelled:
                worker.kill()
            return not self.cancelled

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            if self.worker is not None:
                self.worker.process.kill()


@dataclass(frozen=True, slots=True)
class _Queued:
    """A job waiting for a worker, and how its outcome gets back to the task awaiting it."""

    job: _Job
    deliver: Callable[[tuple[str, object]], None]


def _settle(future: asyncio.Future[tuple[str, object]], outcome: tuple[str, object]) -> None:
    if not future.done():  # a cancelled task's future is already done
        future.set_result(outcome)


class WorkerPool:
    """At most ``size`` worker processes running module-level functions under a deadline."""

    def __init__(
        self,
        size: int = 2,
        *,
        deadline: float = 20.0,
        preload: Sequence[str] = (),
        warmup: Callable[[], object] | None = None,
        memory_limit: int | None = None,
    ) -> None:
        """``preload`` names modules each worker imports at start-up and ``warmup`` is a
        module-level function it then calls once (to load models), both outside any deadline;
        ``memory_limit`` caps each worker's address space in bytes (RLIMIT_AS), so a job that
        balloons gets MemoryError instead of taking the machine down."""
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.deadline = deadline
        self._setup = Setup(tuple(preload), warmup, memory_limit)
        self._slots = [_Slot() for _ in range(size)]
        self._queue: queue.SimpleQueue[_Queued | None] = queue.SimpleQueue()
        # Threads are started one per slot as jobs need them, so a warm worker is reused before
        # a cold one starts; the counts (under the lock) say when another is needed.
        self._threads: list[threading.Thread] = []
        self._counts = threading.Lock()
        self._queued = 0  # jobs put on the queue and not yet taken
        self._waiting = 0  # threads waiting for a job
        self._closed = False

    async def __aenter__(self) -> WorkerPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def run(self, fn: Callable[..., T], *args: object, deadline: float | None = None) -> T:
        """``fn(*args)`` in a worker; ParseTimeout when it overruns (the worker is killed),
        the job's own exception when it raises one, WorkerCrashed when the worker dies."""
        limit = self.deadline if deadline is None else deadline
        if limit <= 0:
            raise ValueError("a job deadline must be positive")
        if self._closed:
            raise WorkerCrashed("the worker pool is closed")
        job = _Job(fn, args, limit)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str, object]] = loop.create_future()

        def deliver(outcome: tuple[str, object]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
                loop.call_soon_threadsafe(_settle, future, outcome)

        self._submit(_Queued(job, deliver))
        try:
            outcome, value = await future
        except asyncio.CancelledError:
            job.cancel()
            raise
        return cast(T, self._result(job, outcome, value))

    async def aclose(self) -> None:
        """Kill every worker and wait for them to be reaped; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        workers = [slot.worker for slot in self._slots if slot.worker is not None]
        await asyncio.to_thread(self._kill_all, workers)
        # Jobs in flight now see their worker gone and end, jobs still queued end as closed,
        # then each thread meets its stop; wait so no child outlives us.
        with self._counts:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        await asyncio.to_thread(self._join_all, threads)

    def alive(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        return [
            s.worker.process.pid or 0
            for s in self._slots
            if s.worker is not None and s.worker.process.is_alive()
        ]

    # -- internals --------------------------------------------------------------------------------

    def _submit(self, item: _Queued) -> None:
        """Queue ``item``; start the next slot's thread when every started one is busy."""
        with self._counts:
            self._queued += 1
            thread = None
            if self._queued > self._waiting and len(self._threads) < self.size:
                number = len(self._threads)
                thread = threading.Thread(
                    target=self._serve, args=(self._slots[number],),
                    name=f"listenpost-job_{number}", daemon=True,
                )
                self._threads.append(thread)
        self._queue.put(item)
        if thread is not None:
            thread.start()

    def _serve(self, slot: _Slot) -> None:
        """One slot's thread: take a job, run it in the slot's worker, hand the outcome back;
        until the pool's close puts a stop (None) on the queue."""
        while True:
            with self._counts:
                self._waiting += 1
            item = self._queue.get()
            with self._counts:
                self._waiting -= 1
                if item is not None:
                    self._queued -= 1
            if item is None:
                return
            try:
                outcome = self._exchange(slot, item.job)
            except Exception as error:  # noqa: BLE001 -- a fault of ours fails the job, not the pool
                outcome = ("crashed", f"the pool failed: {error!r}")
            item.deliver(outcome)

    @staticmethod
    def _join_all(threads: list[threading.Thread]) -> None:
        for thread in threads:
            thread.join()

    def _exchange(self, slot: _Slot, job: _Job) -> tuple[str, object]:
        """Blocking: ensure a worker, send the job, wait up to the deadline. In a thread."""
        if self._closed:
            return ("crashed", "the worker pool is closed")
        if job.cancelled:  # cancelled while queued: the slot's worker stays, warm
            return ("cancelled", None)
        worker = self._ensure_worker(slot)
        if worker is None:
            return ("crashed", "a worker process failed to start")
        if self._closed:  # closed while this worker was starting: do not leave it behind
            worker.kill()
            slot.worker = None
            return ("crashed", "the worker pool is closed")
        if not job.attach(worker):
            slot.worker = None
            return ("cancelled", None)
        outcome = self._send_and_wait(worker, job)
        if outcome[0] in ("timeout", "died"):
            worker.kill()
            slot.worker = None
        return outcome

    def _send_and_wait(self, worker: _Worker, job: _Job) -> tuple[str, object]:
        try:
            worker.conn.send((job.fn, job.args))
            if not worker.conn.poll(job.deadline):
                return ("timeout", None)
            return cast(tuple[str, object], pickle.loads(worker.conn.recv_bytes()))
        except (EOFError, OSError):
            return ("died", self._exit_description(worker))
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            return ("unsendable", repr(error))

    def _ensure_worker(self, slot: _Slot) -> _Worker | None:
        if slot.worker is not None and slot.worker.process.is_alive():
            return slot.worker
        if slot.worker is not None:
            slot.worker.kill()
        slot.worker = self._start_worker()
        return slot.worker

    def _start_worker(self) -> _Worker | None:
        parent_end, child_end = socket.socketpair()
        with parent_end, child_end:
            # stdin, stdout and stderr are /dev/null: a worker's stray output would corrupt a TUI,
            # and a TUI's replaced sys.stderr has no descriptor to hand down anyway.
            popen = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json.dumps(sys.path), str(child_end.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(child_end.fileno(),),
            )
            conn = Connection(parent_end.detach())
        worker = _Worker(_Process(popen), conn)
        try:
            conn.send(self._setup)
            if conn.poll(STARTUP_TIMEOUT) and conn.recv()[0] == "ready":
                return worker
        except (EOFError, OSError):
            pass
        worker.kill()
        return None

    @staticmethod
    def _exit_description(worker: _Worker) -> str:
        worker.process.join(REAP_TIMEOUT)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                return f"the worker was ended by {signal.Signals(-code).name}"
            except ValueError:
                return f"the worker was ended by signal {-code}"
        return f"the worker exited with status {code}"

    def _result(self, job: _Job, outcome: str, value: object) -> object:
        if outcome == "ok":
            return value
        if self._closed and outcome != "raised":
            raise WorkerCrashed(f"{job_name(job.fn)} was stopped: the worker pool was closed")
        if outcome == "raised":
            error, remote = cast(tuple[BaseException, str], value)
            error.add_note(f"raised in a worker process:\n{remote}")
            raise error
        if outcome == "timeout":
            raise ParseTimeout(
                f"{job_name(job.fn)} overran its {job.deadline:g} s deadline; its worker was killed"
            )
        if outcome == "unsendable":
            raise WorkerCrashed(f"the arguments of {job_name(job.fn)} cannot be sent: {value}")
        raise WorkerCrashed(f"{job_name(job.fn)} failed: {value}")

    @staticmethod
    def _kill_all(workers: list[_Worker]) -> None:
        for worker in workers:
            worker.kill()

