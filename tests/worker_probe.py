"""A job that reports a worker's imports, kept in a module that imports nothing else of ours:
running a job imports the job's module in the worker, so a probe that lived beside the pool
would itself load what the test says a worker never needs."""

from __future__ import annotations

import sys


def loaded(names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` this process has imported (run in a worker)."""
    return [name for name in names if name in sys.modules]
