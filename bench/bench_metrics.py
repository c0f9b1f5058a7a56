"""Metrics screen and report timings at 10k, 100k (and 1M) mentions: a benchmark that prints
figures beside their targets and asserts nothing.

    .venv/bin/python -m bench.bench_metrics [--rows 10000 100000 1000000]

Databases come from ``bench.bench_inbox.build`` (the real schema and triggers, one mention every
7 seconds back from 1 June 2024, 20 sources), reused between runs from the temp directory. The
clock is pinned just before 1 June, so "today" is a full day (12,342 mentions), "this week"
five days and "this month" all of May (up to 382,000 mentions at 1M).

Figures: ``core`` is ``compute_metrics`` alone per period; ``screen`` is the app under Pilot in a
fresh process, once its inbox has shown its rows, from pressing ``m`` (first paint) or a period
key to the screen having painted the overview (headline, charts, share of voice, Kaushik: the
``_ms`` figures, against the targets) and then every table (``_complete_ms``). Three starts:
``first_use`` (no build-ahead: the mode is built on ``m``), ``racing`` (as ``listenpost`` runs,
building ahead once the inbox has painted, with ``m`` pressed the moment the inbox has painted
its rows: the worst case) and ``prepared`` (``m`` pressed after the build-ahead has counted).
``_cpu_ms`` is the process's CPU time over the same span: on a shared machine it moves less
than the wall time. ``report`` is a real ``listenpost --no-poll --export report.html`` process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

from bench.bench_inbox import T0, build

ROOT = Path(__file__).resolve().parents[1]
NOW = T0 - 1  # 31 May 2024 23:59:59 UTC: the day, week and month before the data's newest row
TARGETS = {"screen_first_paint_ms": 300, "period_change_ms": 150, "report_s": 5}

# Keys are posted as the terminal driver posts them, and the figures painted the moment the
# screen announces them: Pilot's press() and pause() wait for the whole process to go idle in
# 20 ms steps, which on a busy machine added 0.1-0.3 s to every figure measured through them.
CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
from datetime import UTC
from textual import events
from core.config import Config
from tui.app import PREPARE_METRICS_AFTER, ListenpostApp
from tui.messages import ScreenRefreshed

async def main():
    path, now = Path(sys.argv[1]), int(sys.argv[2])
    start = sys.argv[3]  # first_use | racing | prepared
    prepare = None if start == "first_use" else PREPARE_METRICS_AFTER
    seen = {"metrics:overview": 0, "metrics": 0}
    def hook(message):
        if isinstance(message, ScreenRefreshed) and message.screen in seen:
            seen[message.screen] += 1
    async def painted(app, step, wanted):  # announced, then the screen's pending paint done
        while seen[step] < wanted:
            await asyncio.sleep(0.001)
        app.screen._on_timer_update()  # what the screen's update timer runs: layout and paint
        return time.perf_counter(), time.process_time()
    app = ListenpostApp(path, Config(), clock=lambda: now, tz=UTC, prepare_metrics_after=prepare)
    figures = {}
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        while app.inbox_screen is None or not app.inbox_screen.mentions.rows:
            await asyncio.sleep(0.001)
        inbox_painted = asyncio.Event()  # m the moment the inbox has painted its rows ("racing")
        app.call_after_refresh(inbox_painted.set)
        await inbox_painted.wait()
        if start != "racing":
            await pilot.pause()  # a settled inbox: a person looks before pressing m
        if start == "prepared":  # and long enough for the metrics to be built behind it
            await painted(app, "metrics", 1)
            await pilot.pause()
        for name, key, char in (("screen_first_paint", "m", "m"), ("week", "w", "w"),
                                ("month", "M", "M"), ("day", "d", "d"),
                                ("earlier_day", "left", None)):
            wanted, started = seen["metrics"] + 1, (time.perf_counter(), time.process_time())
            app.post_message(events.Key(key, char))
            for suffix, step in (("", "metrics:overview"), ("_complete", "metrics")):
                wall, cpu = await painted(app, step, wanted)
                figures[f"{name}{suffix}_ms"] = (wall - started[0]) * 1000
                figures[f"{name}{suffix}_cpu_ms"] = (cpu - started[1]) * 1000
            await pilot.pause()
    print(json.dumps(figures))

asyncio.run(main())
"""


def database(rows: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"listenpost-bench-{rows}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"building {rows:,} mentions: {build(partial, rows):.1f} s", file=sys.stderr)
        partial.rename(path)
    return path


def core_times(path: Path) -> dict[str, float]:
    """``compute_metrics`` per period kind, in ms."""
    from core.config import Config
    from core.metrics.panel import metrics_for_config
    from core.metrics.periods import period_of
    from core.store import Store

    async def measure() -> dict[str, float]:
        found = {}
        async with await Store.open(path) as store:
            for kind in ("day", "week", "month"):
                started = time.perf_counter()
                await metrics_for_config(store, Config(), period_of(kind, NOW, UTC), NOW, UTC)
                found[f"core_{kind}_ms"] = (time.perf_counter() - started) * 1000
        return found

    return asyncio.run(measure())


STARTS = ("first_use", "racing", "prepared")


def screen_times(path: Path, start: str = "first_use") -> dict[str, float]:
    """The CHILD's figures for one of ``STARTS``."""
    result = subprocess.run([sys.executable, "-c", CHILD, str(path), str(NOW), start],
                            capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def report_time(path: Path, period: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text('[brand]\nname = "Acme"\nqueries = ["acme"]\n', encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tui.cli", "--config", str(config), "--db",
                               str(path), "--no-poll", "--export", str(Path(tmp) / "r.html"),
                               "--period", period], cwd=ROOT, check=False, capture_output=True,
                              text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": str(NOW), "TZ": "UTC"})
        took = time.perf_counter() - started
        if done.returncode not in (0, 6):  # 6: written, with alerts
            raise SystemExit(f"the report failed ({done.returncode}): {done.stderr[-2000:]}")
        return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(f"{'figure':<44}" + "".join(f"{n:>12,}" for n in args.rows) + "   target")
    table: dict[str, list[str]] = {}
    for rows in args.rows:
        path = database(rows)
        figures: dict[str, float] = {**core_times(path), **screen_times(path)}
        for start in STARTS[1:]:
            figures |= {f"{start}_{k}": v for k, v in screen_times(path, start).items()
                        if k.startswith("screen_first_paint")}
        figures["report_day_s"] = report_time(path, "day")
        figures["report_month_s"] = report_time(path, "month")
        for name, value in figures.items():
            table.setdefault(name, []).append(f"{value:>12.2f}" if name.endswith("_s")
                                              else f"{value:>12.0f}")
    targets = {"screen_first_paint_ms": "< 300 ms", "racing_screen_first_paint_ms": "< 300 ms",
               "prepared_screen_first_paint_ms": "< 300 ms",
               "week_ms": "< 150 ms",
               "month_ms": "< 150 ms", "day_ms": "< 150 ms", "earlier_day_ms": "< 150 ms",
               "report_day_s": "< 5 s at 1M", "report_month_s": "< 5 s at 1M"}
    for name, cells in table.items():
        print(f"{name:<44}" + "".join(cells) + f"   {targets.get(name, '')}")


if __name__ == "__main__":
    main()
