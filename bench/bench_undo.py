"""Bulk triage and its undo, side by side (a benchmark: prints figures, asserts nothing).

    .venv/bin/python -m bench.bench_undo [--rows 10000 100000 1000000]

For each size: a database of that many mentions (built as bench_inbox builds it, through the
real schema and triggers), then "select all in All, mark done" and "undo" through the real
``Inbox``, timed. Meanwhile another connection commits a one-row write every 20 ms, as a poller
or a colleague's inbox would, and the longest it had to wait for the write lock is reported:
the undo works in chunks so that figure stays small however big the undo is.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.bench_inbox import build
from core.inbox.triage import ActionResult, Inbox, InView
from core.inbox.views import builtin_view
from core.store import Store

OTHER_WRITER_EVERY = 0.02  # seconds between the other writer's commits


class OtherWriter:
    """A second connection writing one row now and then; records its longest wait."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.longest = 0.0
        self.writes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> OtherWriter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        con = sqlite3.connect(self.db, isolation_level=None, timeout=600)
        while not self._stop.wait(OTHER_WRITER_EVERY):
            started = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE sources SET last_message = ? WHERE id = 1", (str(started),))
            con.execute("COMMIT")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.writes += 1
        con.close()


@dataclass
class Figures:
    changed: int = 0
    action: float = 0.0  # seconds
    undo: float = 0.0
    action_wait: float = 0.0  # the other writer's longest wait during the action
    undo_wait: float = 0.0  # … and during the undo
    writes: int = 0  # the other writer's commits during the undo


async def act_and_undo(db: Path, other: OtherWriter) -> Figures:
    figures = Figures()
    async with await Store.open(db) as store:
        inbox = Inbox(store.db, store.transaction, me="bench")
        started = time.perf_counter()
        done = await inbox.set_status(InView(builtin_view("all")), "done", actor="bench", now=1)
        figures.action = time.perf_counter() - started
        figures.action_wait, other.longest, before = other.longest, 0.0, other.writes
        started = time.perf_counter()
        undone = await inbox.undo_last("bench", now=2)
        figures.undo = time.perf_counter() - started
        figures.undo_wait, figures.writes = other.longest, other.writes - before
    assert isinstance(undone, ActionResult) and undone.changed == done.changed
    figures.changed = done.changed
    return figures


def measure(rows: int) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "undo.db"
        build(db, rows)
        with OtherWriter(db) as other:
            return asyncio.run(act_and_undo(db, other))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print("| mentions | changed | mark all done | its undo | undo / action | another writer's"
          " longest wait: action | : undo (its commits meanwhile) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        f = measure(rows)
        print(f"| {rows:,} | {f.changed:,} | {f.action:.2f} s | {f.undo:.2f} s |"
              f" {f.undo / f.action:.2f}x | {f.action_wait * 1000:.0f} ms |"
              f" {f.undo_wait * 1000:.0f} ms ({f.writes}) |", flush=True)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}", flush=True)


if __name__ == "__main__":
    main()
