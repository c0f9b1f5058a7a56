"""`python -m bench [--size quick|full] [--only poll|floor|scale] [--out bench/RESULTS.md]`.

Builds its own data, starts its own loopback feed server, runs every benchmark, prints the
table (figure | listenpost | peer or floor | ratio) and writes it, with the command, the date
and the machine, to RESULTS.md. "quick" fits in a couple of minutes; "full" is the issue's
1,000 feeds and a store grown to a million mentions; "tiny" is for the smoke test.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import machine, peers
from bench.report import Row, text_table, write_results

DEFAULT_OUT = Path(__file__).with_name("RESULTS.md")


@dataclass(frozen=True, slots=True)
class Size:
    poll_feeds: int  # feeds of 20 entries on the loopback server
    poll_rounds: int  # alternated rounds per tool; the figure is the median
    ingest_feeds: int  # feeds of 20 entries through the floor and the pipeline
    ingest_rounds: int
    scale: tuple[int, ...]  # store sizes of the scale curve


SIZES = {
    "tiny": Size(20, 1, 10, 1, (1_000,)),
    "quick": Size(200, 2, 50, 2, (10_000, 100_000)),
    "full": Size(1_000, 3, 250, 3, (10_000, 100_000, 1_000_000)),
}


def benchmarks(size: Size, log: list[str]) -> dict[str, Callable[[], list[Row]]]:
    from bench.floor import bench_floor
    from bench.poll import bench_poll
    from bench.scale import bench_scale

    return {
        "poll": lambda: bench_poll(size.poll_feeds, size.poll_rounds, log),
        "floor": lambda: bench_floor(size.ingest_feeds, size.ingest_rounds, log),
        "scale": lambda: bench_scale(list(size.scale), log),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=tuple(SIZES), default="quick")
    parser.add_argument("--only", choices=("poll", "floor", "scale"), action="append",
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write results")
    parser.add_argument("--no-install", action="store_true",
                        help="skip peers that are missing instead of installing them")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    peers.INSTALL = not args.no_install
    log: list[str] = []
    rows: list[Row] = []
    compile_project()
    started = time.perf_counter()
    for name, bench in benchmarks(SIZES[args.size], log).items():
        if args.only and name not in args.only:
            continue
        print(f"bench: running {name} …", file=sys.stderr, flush=True)
        rows += bench()
    log.append(f"whole run took {time.perf_counter() - started:.0f} s")
    print(text_table(rows))
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_results(args.out, command=command.strip(), date=date, machine=machine.describe(),
                  rows=rows, notes=[*NOTES, *log])
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 0


def compile_project() -> None:
    """Compile listenpost's modules once, as an installed package would be, so no timed run
    pays for compiling them (the peers run from installed bytecode)."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("core", "tui"):
        compileall.compile_dir(root / package, quiet=1)


NOTES = [
    "Poll: each tool polls every feed once per run with its own fresh storage, headless: "
    "listenpost `--config CFG --db DB --poll-once` (parse, plain text, language, "
    "sentiment, matching, store; the '--export json' row adds the export of every stored "
    "mention, as a cron run does), `newsboat -x reload` (its own urls file, cache and "
    "HOME), reader's `update_feeds(scheduled=False)` (so the re-poll is not skipped by "
    f"reader's schedule). newsboat's reload-threads and reader's workers are {peers.PEER_WORKERS}, "
    "both tools' default; listenpost uses its configured defaults.",
    "The feeds are served by bench/server.py (asyncio, its own process) spread over "
    "127.0.0.1-127.0.0.8 on one port, with ETag/Last-Modified (304 on a match) in one mode "
    "and no validators (the same bytes again) in the other.",
    "newsboat stores a new feed's ETag/Last-Modified only from its second fetch, so its second "
    "poll on validator feeds still gets 200s (see the server's counts below); its third poll is "
    "the first answered 304. reader and listenpost keep validators from the first poll.",
    "CPU time is user+sys of the tool's process and the children it reaped (os.wait4). Memory "
    "is sampled over the tool's process tree two ways: the peak of the summed PSS (shared "
    "pages counted once) and the peak RSS of the largest single process.",
    "Scale rows compare each size with the smallest (ratio = cost growth; 10x data at 10x time "
    "is linear). Ingest rows compare listenpost's pipeline with the bare libraries (target "
    ">= 0.8x).",
]


if __name__ == "__main__":
    sys.exit(main())
