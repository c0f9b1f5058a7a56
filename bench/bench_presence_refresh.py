"""What a teammate's heartbeat costs an inbox at a million mentions (a benchmark: prints
figures, asserts nothing).

    .venv/bin/python -m bench.bench_presence_refresh --db /tmp/listenpost-bench-1000000.db

Every inbox writes a presence heartbeat every few seconds, which moves ``PRAGMA data_version``
for every other inbox on the database, and each of them rereads what it shows: the window, the
counts, source health and the team line. This opens the inbox under Pilot on a database built
by ``bench.bench_inbox``, writes heartbeats from another connection as a teammate's inbox
would, and times the refresh each one causes, from the app noticing the commit
(``DatabaseChanged``) to the inbox saying it has reread (``ScreenRefreshed``): wall time and
this process's CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

ROUNDS = 20


async def measure(path: Path) -> tuple[list[float], list[float]]:
    from core.config import Config
    from core.store import Store
    from core.team.presence import Presence
    from tui.app import ListenpostApp
    from tui.messages import DatabaseChanged, ScreenRefreshed
    from tui.widgets.mention_list import MentionList

    noticed: list[tuple[float, float]] = []
    refreshed: list[tuple[float, float]] = []

    def hook(message: object) -> None:
        if isinstance(message, DatabaseChanged | ScreenRefreshed):
            clocks = (time.perf_counter(), time.process_time())
            (noticed if isinstance(message, DatabaseChanged) else refreshed).append(clocks)

    walls, cpus = [], []
    app = ListenpostApp(path, Config())
    async with app.run_test(size=(160, 50), message_hook=hook) as pilot, \
            await Store.open(path) as other:
        while not app.screen.query(MentionList) or not app.screen.query_one(MentionList).rows:
            await pilot.pause(0.05)
        teammate = Presence(other, "ana", session="bench")
        await pilot.pause(2)  # the first paint's own refreshes are over
        for n in range(ROUNDS):
            noticed.clear()
            refreshed.clear()
            await teammate.beat(n % 50 + 1, now=int(time.time()))
            while not noticed or not refreshed or refreshed[-1][0] < noticed[0][0]:
                await pilot.pause(0.05)
            walls.append(refreshed[-1][0] - noticed[0][0])
            cpus.append(refreshed[-1][1] - noticed[0][1])
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a database bench_inbox built")
    args = parser.parse_args()
    walls, cpus = asyncio.run(measure(args.db))
    ms = 1000
    print(f"refresh after a teammate's heartbeat, {ROUNDS} rounds at {args.db.name}:")
    print(f"  wall: median {statistics.median(walls) * ms:.1f} ms, max {max(walls) * ms:.1f} ms")
    print(f"  CPU:  median {statistics.median(cpus) * ms:.1f} ms, max {max(cpus) * ms:.1f} ms")


if __name__ == "__main__":
    main()
