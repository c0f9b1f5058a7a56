"""Worker start-up: what a parse worker loads before its first job, and what else starts.

The pool preloads modules and runs a warm-up once per worker, outside any job's deadline, and
starts nothing besides its workers (no multiprocessing resource tracker).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from core.polling.workers import WorkerPool

ROOT = Path(__file__).resolve().parents[1]
WARMED: list[int] = []  # in a worker: one entry per warm-up run in that process


def warm() -> None:
    WARMED.append(os.getpid())


def warm_count_and_pid() -> tuple[int, int]:
    return len(WARMED), os.getpid()


def loaded(names: tuple[str, ...]) -> list[bool]:
    return [name in sys.modules for name in names]


def language_model_mapped() -> bool:
    """Whether this process has the cached language model mapped into memory."""
    from core.analysis.language_cache import cache_folder

    return str(cache_folder()) in Path("/proc/self/maps").read_text()


async def test_the_warm_up_runs_once_per_worker_before_any_job() -> None:
    """It should run ``warmup`` once in each worker, however many jobs that worker then runs."""
    async with WorkerPool(1, warmup=warm) as pool:
        outcomes = [await pool.run(warm_count_and_pid) for _ in range(3)]
    assert {count for count, _ in outcomes} == {1}
    assert len({worker for _, worker in outcomes}) == 1


async def test_parse_workers_start_with_the_parser_and_the_models_loaded() -> None:
    """It should have the feed parser, its fast path and the language model in place before
    the first job."""
    from core.polling.preload import WORKER_PRELOAD, warm_up

    async with WorkerPool(1, preload=WORKER_PRELOAD, warmup=warm_up) as pool:
        assert await pool.run(loaded, WORKER_PRELOAD) == [True] * len(WORKER_PRELOAD)
        assert await pool.run(language_model_mapped)


def test_the_pool_starts_no_process_besides_its_workers() -> None:
    """It should leave the parent with exactly its workers as children (no resource tracker)."""
    code = """
import asyncio, os
from pathlib import Path
from core.polling.workers import WorkerPool

def children():
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found

async def main():
    async with WorkerPool(size=2) as pool:
        await asyncio.gather(pool.run(abs, -1), pool.run(abs, -2))
        print(children() == set(pool.alive()), len(pool.alive()))

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
        check=False,
    )
    assert result.stdout.split() == ["True", "2"], result.stderr


def test_a_worker_that_cannot_warm_up_fails_its_job_not_the_pool() -> None:
    """It should report a worker that dies while starting as a crash of the job."""
    asyncio.run(_failing_warm_up())


def broken_warm_up() -> None:
    raise RuntimeError("no model here")


async def _failing_warm_up() -> None:
    from core.polling.workers import WorkerCrashed

    async with WorkerPool(1, warmup=broken_warm_up) as pool:
        try:
            await pool.run(abs, -1)
        except WorkerCrashed as error:
            assert "failed to start" in str(error)
        else:
            raise AssertionError("a worker whose warm-up raised ran a job")
