"""Poll throughput against peers: the same feeds, the same server, the same run.

Each round gives every tool fresh storage twice: once on feeds served with validators (ETag and
Last-Modified, so a re-poll can be answered 304) and once on feeds served without (so a re-poll
gets the unchanged body again). In each storage the tools poll in turn (A B C, then the next
poll A B C, and the next round in reverse order) so drift in the machine falls on all of them.
The figures are medians over rounds of wall time, CPU time and peak memory (summed PSS of the
process tree, and the largest single process) per poll.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.feedserver import FeedServer, feed_server
from bench.measure import ChildFailed, Run, run
from bench.peers import Tool, all_tools
from bench.report import Row, fmt

FIRST = "first poll, all new"
SECOND_304 = "second poll, validators (304 where kept)"
THIRD_304 = "third poll, validators"
SECOND_SAME = "second poll, no validators (unchanged bodies)"
# The polls made in one storage, per serving mode; the first poll of each mode is pooled.
SEQUENCES = {"v": (FIRST, SECOND_304, THIRD_304), "nv": (FIRST, SECOND_SAME)}
FIGURES = (FIRST, SECOND_304, THIRD_304, SECOND_SAME)
METRICS = (("wall", "wall time", "s"), ("cpu", "CPU time", "s"),
           ("pss_mb", "memory, summed PSS of all processes", "MB"),
           ("largest_mb", "memory, largest single process", "MB"))
POLL_TIMEOUT = 900.0  # seconds; the slowest peer takes under a minute for 1,000 feeds here


@dataclass
class Samples:
    runs: dict[tuple[str, str], list[Run]] = field(default_factory=lambda: defaultdict(list))
    failed: dict[str, str] = field(default_factory=dict)  # tool -> why it stopped
    failed_on: dict[str, str] = field(default_factory=dict)  # tool -> the poll it failed on
    served: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def bench_poll(feeds: int, rounds: int, log: list[str]) -> list[Row]:
    """Run the poll benchmark and return its rows; ``log`` collects notes for RESULTS.md."""
    tools = all_tools()
    skipped = {t.name: reason for t in tools if (reason := t.unavailable())}
    live = [t for t in tools if t.name not in skipped]
    samples = Samples()
    with feed_server(feeds) as server, tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp:
        for number in range(rounds):
            order = live if number % 2 == 0 else live[::-1]
            for mode, sequence in SEQUENCES.items():
                _one_storage(server, Path(tmp) / f"r{number}{mode}", mode, sequence, order, samples)
    log += _served_notes(samples, feeds)
    skipped.update(samples.failed)
    print(side_by_side(samples, feeds), flush=True)
    return _rows(samples, skipped, feeds)


SIDE_BY_SIDE = ("listenpost", "newsboat", "reader")


def side_by_side(samples: Samples, feeds: int) -> str:
    """Every poll figure of the three tools in one table, medians of this run's rounds: first
    poll and re-polls, wall and CPU time, summed PSS and the largest process."""
    width = max(len(f"{figure}: {label}") for figure in FIGURES for _, label, _ in METRICS)
    lines = [f"poll of {feeds} feeds, side by side".ljust(width + 1)
             + "".join(f"{tool:>12}" for tool in SIDE_BY_SIDE)]
    for figure in FIGURES:
        for attr, label, unit in METRICS:
            cells = []
            for tool in SIDE_BY_SIDE:
                runs = samples.runs.get((tool, figure))
                value = statistics.median(getattr(r, attr) for r in runs) if runs else None
                cells.append(f"{fmt(value)} {unit}" if value is not None else "—")
            lines.append(f"{figure}: {label}".ljust(width + 1)
                         + "".join(f"{cell:>12}" for cell in cells))
    return "\n".join(lines)


def _one_storage(server: FeedServer, work: Path, mode: str, sequence: tuple[str, ...],
                 tools: list[Tool], samples: Samples) -> None:
    urls = server.urls(mode)
    for tool in tools:
        if tool.name not in samples.failed:
            tool.setup(work / tool.name, urls)
    server.take_stats()
    for figure in sequence:
        for tool in tools:
            if tool.name not in samples.failed:
                _measure(tool, work / tool.name, figure, server, samples)


def _measure(tool: Tool, work: Path, figure: str, server: FeedServer, samples: Samples) -> None:
    cmd = tool.command(work)
    try:
        result = run(cmd.argv, env=cmd.env, timeout=POLL_TIMEOUT)
    except ChildFailed as error:
        samples.failed[tool.name] = str(error)
        samples.failed_on[tool.name] = figure
        return
    samples.runs[tool.name, figure].append(result)
    samples.served[tool.name, figure] = server.take_stats()


def _rows(samples: Samples, skipped: dict[str, str], feeds: int) -> list[Row]:
    rows = []
    for figure in FIGURES:
        for peer in ("newsboat", "reader"):
            for attr, label, unit in METRICS:
                row = Row("poll", f"{figure}: {label}, {feeds} feeds vs {peer}", unit, peer=peer)
                row.ours, row.skipped = _median(samples, "listenpost", figure, attr, skipped)
                row.theirs, row.peer_skipped = _median(samples, peer, figure, attr, skipped)
                rows.append(row)
        rows.append(_export_row(samples, skipped, figure, feeds))
    return rows


def _export_row(samples: Samples, skipped: dict[str, str], figure: str, feeds: int) -> Row:
    """The poll with the JSON export of every stored mention after it, against the poll alone:
    what a cron run's export adds."""
    row = Row("poll", f"{figure}: wall time, {feeds} feeds, poll + --export json vs poll only",
              "s", peer="--poll-once")
    row.ours, row.skipped = _median(samples, "listenpost --export", figure, "wall", skipped)
    row.theirs, row.peer_skipped = _median(samples, "listenpost", figure, "wall", skipped)
    return row


def _median(samples: Samples, tool: str, figure: str, attr: str,
            skipped: dict[str, str]) -> tuple[float | None, str | None]:
    runs = samples.runs.get((tool, figure))
    if not runs:
        return None, skipped.get(tool, "no run")
    return statistics.median(getattr(r, attr) for r in runs), None


def _served_notes(samples: Samples, feeds: int) -> list[str]:
    """What the server answered each tool on each poll (last round), to show no poll was skipped."""
    notes = [f"{tool} failed on '{figure}'" for tool, figure in samples.failed_on.items()]
    for (tool, figure), counts in sorted(samples.served.items()):
        answered = ", ".join(f"{n}×{status}" for status, n in sorted(counts.items()))
        notes.append(f"server answered {tool} on '{figure}' ({feeds} feeds): "
                     f"{answered or 'nothing'}")
    totals: Counter[str] = Counter()
    for (tool, _), runs in samples.runs.items():
        totals[tool] += len(runs)
    notes += [f"{tool}: {n} measured polls in total" for tool, n in sorted(totals.items())]
    return notes
