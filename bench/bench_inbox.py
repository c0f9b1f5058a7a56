"""Inbox latency and memory at a million mentions (a benchmark: prints figures, asserts nothing).

    .venv/bin/python -m bench.bench_inbox [--rows 1000000] [--db PATH] [--keep]

Builds the database once (executemany in big transactions through the real schema, so the FTS
and inbox_counts triggers run as they do for the poller), measures what the counts triggers
cost on insert, then starts the app in a fresh process under Pilot and measures first paint
from process start, cursor move, page down, a search, sidebar counts and resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 100_000  # rows per transaction: large enough that commits do not dominate
T0 = 1_717_200_000
WORDS = (
    "refund", "broken", "love", "great", "slow", "support", "order", "app", "update",
    "crash", "price", "idea", "feature", "question", "help", "thanks", "awful",
    "delivery", "late", "fast", "battery", "screen", "login", "account", "billing",
    "globex", "acme", "widget", "subscription", "cancel", "recommend", "amazing",
    "terrible", "bug", "fix",
)


def generated(n: int, start: int, sources: int, rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(start, start + n):
        words = rng.choices(WORDS, k=rng.randint(8, 30))
        label = rng.choices(("negative", "neutral", "positive"), (2, 5, 3))[0]
        category = rng.choices((None, "question", "idea", "complaint", "praise"),
                               (5, 2, 1, 1, 1))[0]
        matched = "brand:Acme\ncompetitor:Globex" if "globex" in words else "brand:Acme"
        rows.append((f"bench-{i}", 1 + i % sources, "feed", f"https://example.com/{i}",
                     " ".join(words[:6]).capitalize(), " ".join(words),
                     f"user{rng.randrange(50_000)}",
                     T0 - i * 7, T0 - i * 7, T0 - i * 7, "en", label, matched, category,
                     round(rng.random(), 3), "new" if rng.random() < 0.7 else "done"))
    return rows


INSERT = ("INSERT INTO mentions(key, source_id, platform, url, title, text, author, published_at,"
          " fetched_at, sort_at, language, sentiment_label, matched, category, priority, status)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def create(path: Path) -> None:
    from core.store import Store

    async def make() -> None:
        async with await Store.open(path):
            pass

    asyncio.run(make())


def build(path: Path, rows: int, sources: int = 20) -> float:
    """Fill a fresh database; returns the seconds it took."""
    create(path)
    rng = random.Random(1)
    started = time.perf_counter()
    # closing(): sqlite3's own "with" only commits; the file must be closed (WAL checkpointed
    # into it) before it is renamed, or its last rows stay behind in a "-wal" of the old name.
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.executemany("INSERT INTO sources(name, kind, url) VALUES (?, 'feed', ?)",
                        [(f"source-{i:02d}", f"https://example.com/{i}.xml")
                         for i in range(sources)])
        for start in range(0, rows, BATCH):
            con.execute("BEGIN")
            con.executemany(INSERT, generated(min(BATCH, rows - start), start, sources, rng))
            con.execute("COMMIT")
            print(f"  built {start + min(BATCH, rows - start):,} rows", file=sys.stderr)
    return time.perf_counter() - started


def trigger_cost(rows: int = 50_000) -> tuple[float, float]:
    """Insert seconds for ``rows`` with and without the inbox_counts triggers."""
    timings = []
    for keep in (True, False):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.db"
            create(path)
            with sqlite3.connect(path) as con:
                if not keep:
                    for name in ("insert", "update", "delete"):
                        con.execute(f"DROP TRIGGER inbox_counts_{name}")
                con.execute("INSERT INTO sources(name, kind, url) VALUES ('s', 'feed', 'u')")
                data = generated(rows, 0, 1, random.Random(2))
                started = time.perf_counter()
                con.executemany(INSERT, data)
                con.commit()
                timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


CHILD = r"""
import asyncio, json, os, sys, time
started = float(sys.argv[2])
from pathlib import Path
from tui.app import ListenpostApp
from core.inbox.views import Filters

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

def median(xs):
    return sorted(xs)[len(xs) // 2]

def p95(xs):
    return sorted(xs)[int(len(xs) * 0.95)]

async def act(screen, action):
    listing = screen.mentions
    t = time.perf_counter()
    await screen.run_action(action)
    for y in range(listing.size.height):
        listing.render_line(y)
    return (time.perf_counter() - t) * 1000

async def timed(pilot, *keys):
    t = time.perf_counter()
    await pilot.press(*keys)
    return (time.perf_counter() - t) * 1000

async def main():
    app = ListenpostApp(Path(sys.argv[1]), None)
    out = {}
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.inbox_screen
        for _ in range(2000):  # up to 10 s, then measure whatever is there
            if screen is not None and screen.mentions.rows:
                break
            await asyncio.sleep(0.005)
            screen = app.inbox_screen
        await pilot.pause()
        out["first_paint_s"] = time.time() - started
        # The key's action plus a full repaint of the list: what a keypress costs the app.
        # (Pilot's press adds its own idle detection, tens of ms on a busy machine, so it is
        # reported separately as a round trip, not as the app's latency.)
        moves = [await act(screen, "cursor_down") for _ in range(300)]
        out["cursor_move_ms"] = median(moves)
        out["cursor_move_p95_ms"] = p95(moves)
        pages = [await act(screen, "next_page") for _ in range(100)]
        out["page_down_ms"] = median(pages)
        out["page_down_p95_ms"] = p95(pages)
        out["pilot_press_j_roundtrip_ms"] = median([await timed(pilot, "j") for _ in range(20)])
        t = time.perf_counter()
        await screen.refresh_counts()
        out["sidebar_counts_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        await screen.inbox.counts(screen.views, now=int(time.time()))
        out["counts_query_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        await screen._search_chosen("refund crash")
        out["search_ms"] = (time.perf_counter() - t) * 1000
        out["search_rows_shown"] = len(screen.mentions.rows)
        await pilot.press("G")
        out["switch_view_ms"] = await act(screen, "view(3)")
        # The slowest of every built-in view in both orders: one view whose query misses its
        # index (Snoozed once scanned every mention) is what a person notices.
        switches = []
        for _ in range(2):
            switches += [await act(screen, f"view({n})") for n in range(10)]
            await screen.run_action("toggle_order")
        out["switch_view_max_ms"] = max(switches)
        out["rss_mb"] = rss_mb()
    print(json.dumps(out))

asyncio.run(main())
"""


def drive(path: Path, child: str = CHILD) -> dict[str, float]:
    """Run ``child`` (a Pilot script printing its figures as JSON) on ``path`` in a fresh
    process; its argv holds the database and the time the process was started."""
    started = time.time()
    result = subprocess.run([sys.executable, "-c", child, str(path), repr(started)],
                            capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse (or create) this database")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"listenpost-bench-{args.rows}.db"
    if not path.exists():
        print(f"building {args.rows:,} mentions in {path}", file=sys.stderr)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"build: {build(partial, args.rows):.1f} s")
        partial.rename(path)  # only a complete database is ever reused
    with_t, without_t = trigger_cost()
    print(f"insert 50,000 rows: {with_t:.2f} s with counts triggers, {without_t:.2f} s without")
    with sqlite3.connect(path) as con:
        t = time.perf_counter()
        con.execute("SELECT status, count(*) FROM mentions GROUP BY status").fetchall()
        print(f"GROUP BY status over the table (what the counts table avoids): "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")
    for name, value in drive(path).items():
        print(f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
