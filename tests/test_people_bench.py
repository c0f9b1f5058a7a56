"""The people benchmark still runs end to end (on a tiny store) and prints every figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("build", "score_everyone_s", "score_after_poll_ms", "first_paint_ms",
           "cursor_move_ms", "page_down_ms", "sort_ms", "filter_ms", "explain_ms")


def test_bench_people_prints_its_figures(tmp_path: Path) -> None:
    """It should build a store, score it, drive the screen and print each figure once."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_people", "--people", "300", "--mentions", "3000",
         "--db", str(tmp_path / "bench.db")],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    names = [line.split(":")[0] for line in result.stdout.splitlines()]
    for figure in FIGURES:
        assert names.count(figure) == 1, result.stdout
    assert "rows_held: 4" in result.stdout  # a screenful of 50 lines, not 300 people
