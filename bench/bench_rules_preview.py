"""The Rules screen's preview at scale (a benchmark: prints figures, asserts nothing).

    .venv/bin/python -m bench.bench_rules_preview [--rows 100000 1000000] [--db PATH]

For each size: a database of that many mentions (built as bench_inbox builds it, through the
real schema and its full-text triggers), then the preview of a few rules as the screen asks
for it (``core.rules.preview.preview``: the count in SQL, the newest window through the
engine), each the median of three runs, and once, applying the narrowest rule to the past
mentions it matches and undoing that.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_inbox import build
from core.config import parse_config
from core.rules.model import Rule
from core.rules.preview import apply_to_past, preview
from core.rules.undo import undo_apply
from core.store import Store

RUNS = 3
RULES = {  # name -> the rule's TOML body; bench_inbox's posts draw on 35 words
    "broad word (refund)": 'query = "refund"\ntags = ["refund"]',
    "phrase AND NOT": 'query = "\\"refund cancel\\" AND billing -love"\ncategory = "complaint"',
    "no query (source, status)": 'sources = ["source-03"]\nassignee = "ana"',
}


def rule(name: str, body: str) -> Rule:
    return parse_config(f'[[rules]]\nname = "{name}"\n{body}\n').rules[0]


async def measure(db: Path) -> None:
    async with await Store.open(db) as store:
        for name, body in RULES.items():
            timings, matching = [], 0
            for _ in range(RUNS):
                started = time.perf_counter()
                found = await preview(store.db, rule(name, body))
                timings.append(time.perf_counter() - started)
                matching = found.matching
            print(f"  preview {name}: {statistics.median(timings) * 1000:.0f} ms"
                  f" ({matching:,} match)", flush=True)
        narrow = rule("phrase AND NOT", RULES["phrase AND NOT"])
        started = time.perf_counter()
        summary = await apply_to_past(store, narrow, now=int(time.time()), by="bench")
        applied = time.perf_counter() - started
        started = time.perf_counter()
        await undo_apply(store, actor="bench", now=int(time.time()))
        print(f"  apply to past: {summary.changed:,} changed in {applied:.2f} s;"
              f" undo {time.perf_counter() - started:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db", type=Path, help="an existing bench_inbox database to reuse")
    args = parser.parse_args()
    if args.db:
        print(f"{args.db}:", flush=True)
        asyncio.run(measure(args.db))
        return
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "rules.db"
            print(f"{rows:,} mentions (built in {build(db, rows):.0f} s):", flush=True)
            asyncio.run(measure(db))
    print(f"python {sys.version.split()[0]}", flush=True)


if __name__ == "__main__":
    main()
