"""Tests for core.polling.workers: jobs in killable worker processes, off the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from core.polling.workers import ParseTimeout, WorkerCrashed, WorkerPool

# --- jobs: module-level so a spawned worker can import them by reference -----------------------


def add(a: int, b: int) -> int:
    return a + b


def pid() -> int:
    return os.getpid()


def spin(started: str | None = None) -> None:
    if started:
        Path(started).touch()  # tells the test the job is running in its worker
    while True:
        pass


async def until_exists(marker: Path) -> None:
    """Wait (bounded) until a job has touched ``marker``."""
    for _ in range(2000):
        if marker.exists():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"the job never started ({marker.name} missing)")


def touch(marker: str) -> None:
    Path(marker).touch()


def touch_then_nap(marker: str, seconds: float) -> None:
    Path(marker).touch()
    time.sleep(seconds)


def exists_within(marker: Path, seconds: float) -> bool:
    """Blocking (it holds the event loop): whether ``marker`` appears within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if marker.exists():
            return True
        time.sleep(0.005)
    return marker.exists()


def nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def fail() -> None:
    raise KeyError("missing thing")


class Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:  # two required args: pickling cannot rebuild it
        super().__init__(f"{a}/{b}")


def fail_unpicklably() -> None:
    raise Unpicklable("x", "y")


def die() -> None:
    os._exit(3)


def big(n: int) -> list[dict[str, object]]:
    return [{"id": i, "text": "word " * 40} for i in range(n)]


def balloon() -> int:
    return len(bytearray(2**34))  # 16 GiB


def _alive(process_id: int) -> bool:
    try:
        os.kill(process_id, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{process_id}/status")
    return not (status.exists() and "zombie" in status.read_text())


# --- tests --------------------------------------------------------------------------------------


async def test_run_returns_the_job_result() -> None:
    """It should run a function in a worker process and return its value."""
    async with WorkerPool(1) as pool:
        assert await pool.run(add, 2, 3) == 5
        assert await pool.run(pid) != os.getpid()


async def test_workers_are_reused_between_jobs() -> None:
    """It should reuse a started worker rather than start one per job."""
    async with WorkerPool(2) as pool:
        first = await pool.run(pid)
        assert await pool.run(pid) == first


async def test_an_exception_in_the_job_propagates_with_its_type() -> None:
    """It should re-raise the job's own exception type, with the remote traceback as a note."""
    async with WorkerPool(1) as pool:
        with pytest.raises(KeyError, match="missing thing") as caught:
            await pool.run(fail)
        assert any("raised in a worker process" in note for note in caught.value.__notes__)
        assert await pool.run(add, 1, 1) == 2


async def test_an_unpicklable_exception_becomes_worker_crashed() -> None:
    """It should report an exception that cannot cross processes as WorkerCrashed."""
    async with WorkerPool(1) as pool:
        with pytest.raises(WorkerCrashed, match="Unpicklable"):
            await pool.run(fail_unpicklably)


async def test_an_endless_job_is_killed_at_its_deadline_and_the_pool_recovers() -> None:
    """It should SIGKILL a worker that overruns, raise ParseTimeout, and serve the next job."""
    async with WorkerPool(1, deadline=30) as pool:
        victim = await pool.run(pid)
        started = time.monotonic()
        with pytest.raises(ParseTimeout, match="spin overran its 1 s deadline"):
            await pool.run(spin, deadline=1.0)
        assert time.monotonic() - started < 3.0
        assert not _alive(victim)
        assert await pool.run(add, 20, 22) == 42


async def test_a_dying_worker_is_reported_and_replaced() -> None:
    """It should raise WorkerCrashed when the worker dies mid-job, then start a new one."""
    async with WorkerPool(1) as pool:
        with pytest.raises(WorkerCrashed, match="exited with status 3"):
            await pool.run(die)
        assert await pool.run(add, 1, 2) == 3


async def test_jobs_run_concurrently_in_two_workers() -> None:
    """It should run two jobs at once in two different processes."""
    async with WorkerPool(2) as pool:
        await asyncio.gather(pool.run(pid), pool.run(pid))  # start both workers
        started = time.monotonic()
        pids = await asyncio.gather(pool.run(nap, 1.0), pool.run(nap, 1.0))
        assert time.monotonic() - started < 1.8
        assert len(set(pids)) == 2


async def test_a_worker_takes_its_next_job_without_the_event_loop(tmp_path: Path) -> None:
    """It should send a queued job to a worker as soon as its last job ends, not after the
    event loop has handed the result over and woken the next task (a first poll's workers
    waited about a millisecond between jobs that way)."""
    first, second = tmp_path / "first", tmp_path / "second"
    async with WorkerPool(1) as pool:
        await pool.run(pid)  # started and warm
        jobs = [
            asyncio.ensure_future(pool.run(touch_then_nap, str(first), 0.3)),
            asyncio.ensure_future(pool.run(touch, str(second))),
        ]
        await until_exists(first)
        # The first job is still running; the event loop is held from here until its end and
        # beyond, so the second job can only start if the pool's own thread takes it. The bound
        # is generous; a pass is the marker, seen as soon as the first job ends.
        assert exists_within(second, 30.0), "the second job waited for the event loop"
        await asyncio.gather(*jobs)


async def test_a_job_cancelled_while_queued_leaves_the_worker_warm(tmp_path: Path) -> None:
    """It should drop a job cancelled before a worker took it, keeping the worker alive."""
    started = tmp_path / "started"
    async with WorkerPool(1) as pool:
        worker = await pool.run(pid)
        busy = asyncio.ensure_future(pool.run(nap, 0.3))
        queued = asyncio.ensure_future(pool.run(touch, str(started)))
        await asyncio.sleep(0)  # both are queued
        queued.cancel()
        assert await busy == worker
        with pytest.raises(asyncio.CancelledError):
            await queued
        assert await pool.run(pid) == worker
        assert not started.exists()


async def test_a_timeout_does_not_disturb_a_job_in_another_worker() -> None:
    """It should kill only the overrunning worker; the other job completes."""
    async with WorkerPool(2) as pool:
        slow = asyncio.ensure_future(pool.run(nap, 1.5))
        with pytest.raises(ParseTimeout):
            await pool.run(spin, deadline=0.5)
        assert isinstance(await slow, int)


async def test_the_event_loop_keeps_running_while_a_job_works() -> None:
    """It should not block the event loop while a job runs."""
    async with WorkerPool(1) as pool:
        await pool.run(pid)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        await pool.run(nap, 1.0)
        task.cancel()
        assert ticks >= 10


async def test_cancelling_a_job_kills_its_worker(tmp_path: Path) -> None:
    """It should kill the worker of a cancelled job and keep serving."""
    async with WorkerPool(1) as pool:
        victim = await pool.run(pid)
        started = tmp_path / "started"
        job = asyncio.ensure_future(pool.run(spin, str(started), deadline=60))
        await until_exists(started)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
        assert await pool.run(add, 2, 2) == 4
        assert not _alive(victim)


async def test_workers_ignore_sigint() -> None:
    """It should leave Ctrl-C to the parent: a SIGINT does not stop a worker."""
    async with WorkerPool(1) as pool:
        worker = await pool.run(pid)
        os.kill(worker, signal.SIGINT)  # pending at once; delivered before the next job runs
        assert await pool.run(pid) == worker
        assert await pool.run(pid) == worker


async def test_large_results_cross_back() -> None:
    """It should return a result of tens of thousands of items intact."""
    async with WorkerPool(1) as pool:
        result = await pool.run(big, 20_000)
        assert len(result) == 20_000 and result[-1]["id"] == 19_999


async def test_a_memory_limit_turns_a_balloon_into_memory_error() -> None:
    """It should give a job that allocates past the limit a MemoryError, not the machine."""
    async with WorkerPool(1, memory_limit=2 * 1024**3) as pool:
        with pytest.raises(MemoryError):
            await pool.run(balloon)
        assert await pool.run(add, 1, 1) == 2


async def test_aclose_leaves_no_live_child_processes(tmp_path: Path) -> None:
    """It should kill and reap every worker on close, and be safe to call twice."""
    pool = WorkerPool(2)
    await asyncio.gather(pool.run(nap, 0.2), pool.run(nap, 0.2))
    pids = pool.alive()
    assert len(pids) == 2
    started = tmp_path / "started"
    busy = asyncio.ensure_future(pool.run(spin, str(started), deadline=60))
    await until_exists(started)
    await pool.aclose()
    await pool.aclose()
    with pytest.raises(WorkerCrashed):
        await busy
    assert not any(_alive(p) for p in pids)
    assert pool.alive() == []
    with pytest.raises(WorkerCrashed, match="closed"):
        await pool.run(add, 1, 1)


def test_pool_starts_under_a_tui_that_replaced_stderr() -> None:
    """It should start workers when sys.stderr has no real file descriptor (as under Textual)."""
    code = """
import asyncio, sys
from core.polling.workers import WorkerPool

class Captured:
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1

sys.stderr = Captured()

async def main():
    async with WorkerPool(size=1) as pool:
        return await pool.run(abs, -3)

print(asyncio.run(main()))
"""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == "3", result.stderr
