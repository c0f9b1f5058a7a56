"""Smoke test of the benchmark harness: `python -m bench` runs end to end and prints every row.

It runs the tiny size with --no-install, so a machine without newsboat or reader prints
"skipped: <reason>" for those cells instead of installing them. Benchmarks assert nothing about
speed; this only proves the harness itself works and leaves no row out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import SIZES
from bench.poll import FIGURES, METRICS

ROOT = Path(__file__).resolve().parents[1]
# A cell is a measured figure ("1,234 mentions/s", "0.52 s", "41.3 MB") or says why it is not.
CELL = re.compile(r"^([\d,.]+(e-?\d+)?( \S+)?|skipped: .+)$")
PEERS = ("newsboat", "reader")


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--no-install", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,  # a hang bound, not a speed test
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, out


def table_rows(stdout: str) -> list[list[str]]:
    """The printed table's rows, split into cells on runs of two or more spaces."""
    return [re.split(r"\s{2,}", line) for line in stdout.splitlines() if line.startswith("[")]


@pytest.mark.slow
def test_prints_every_poll_row(bench_run: tuple[str, Path]) -> None:
    """It should print one poll row per figure, peer and metric."""
    poll = [r for r in table_rows(bench_run[0]) if r[0].startswith("[poll]")]
    assert len(poll) == len(FIGURES) * (len(PEERS) * len(METRICS) + 1)  # + poll_once vs CLI
    for figure in FIGURES:
        assert any(figure in r[0] for r in poll), figure


@pytest.mark.slow
def test_every_row_has_a_figure_or_a_reason(bench_run: tuple[str, Path]) -> None:
    """It should give every row's listenpost cell a number with a unit or a skip reason."""
    rows = table_rows(bench_run[0])
    assert {r[0].split("]")[0] + "]" for r in rows} == {"[poll]", "[floor]", "[scale]"}
    for row in rows:
        assert CELL.match(row[1]), row


@pytest.mark.slow
def test_prints_floor_and_scale_rows(bench_run: tuple[str, Path]) -> None:
    """It should print both ingest kinds against both floors, the parse alone, and every scale
    size."""
    rows = [r[0] for r in table_rows(bench_run[0])]
    assert sum("[floor] ingest" in r for r in rows) == 4  # each kind: feedparser and fast floors
    parse_rows = ("[floor] raw parse", "[floor] parse to mentions")
    assert sum(r.startswith(parse_rows) for r in rows) == 4
    for size in SIZES["tiny"].scale:
        assert any(r.startswith("[scale]") and f"at {size:,} mentions" in r for r in rows), size


@pytest.mark.slow
def test_writes_results_with_command_date_and_machine(bench_run: tuple[str, Path]) -> None:
    """It should write RESULTS.md with the command, the date, the machine and the table."""
    stdout, out = bench_run
    text = out.read_text()
    assert "Command: `python -m bench --size tiny --no-install --out" in text
    assert re.search(r"Date: \d{4}-\d\d-\d\d", text)
    for key in ("cores", "python", "sqlite", "feedparser", "textual"):
        assert f"- {key}: " in text
    assert text.count("\n| [") == len(table_rows(stdout))


FORKED_SHARER = """
import os, time
block = bytearray(os.urandom(64 * 1024 * 1024))  # 64 MB, resident in the parent
child = os.fork()
time.sleep(1.0)  # both alive, the child sharing every page copy-on-write, while sampled
if child:
    os.waitpid(child, 0)
else:
    os._exit(0)
"""


def test_memory_counts_pages_shared_by_a_forked_worker_once() -> None:
    """It should report summed PSS near one copy of shared memory and the largest process whole."""
    from bench.measure import run

    result = run([sys.executable, "-c", FORKED_SHARER])
    assert result.largest_mb > 60
    assert result.pss_mb < 1.4 * result.largest_mb  # summed RSS would be about twice


@pytest.mark.slow
def test_prints_the_three_tools_side_by_side(bench_run: tuple[str, Path]) -> None:
    """It should print one table with listenpost, newsboat and reader as columns and a line per
    poll figure and metric (a tool that did not run shows a dash)."""
    lines = bench_run[0].splitlines()
    start = next(n for n, line in enumerate(lines) if "side by side" in line)
    assert lines[start].split()[-3:] == ["listenpost", "newsboat", "reader"]
    body = lines[start + 1 : start + 1 + len(FIGURES) * len(METRICS)]
    for figure in FIGURES:
        for _, label, _ in METRICS:
            assert any(line.startswith(f"{figure}: {label}") for line in body), (figure, label)
    assert all(re.search(r"\d s$|\d MB$|—$", line) for line in body)
