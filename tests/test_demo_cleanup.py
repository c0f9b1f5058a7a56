"""A demo ended any way leaves nothing in $TMPDIR: real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.demo.run import DEMO_PREFIX, sweep_abandoned_demos

ROOT = Path(__file__).resolve().parents[1]


def start_demo(tmpdir: Path, *args: str) -> subprocess.Popen[str]:
    """``listenpost --demo ARGS`` with its own $TMPDIR."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--demo", *args],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(tmpdir)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_database(tmpdir: Path, process: subprocess.Popen[str]) -> Path:
    """The demo's directory, once its database exists (bounded: the process must be alive)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        found = [d for d in tmpdir.glob(f"{DEMO_PREFIX}*") if (d / "demo.db").exists()]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no demo database appeared; the demo ended with {process.poll()}")


def demo_leftovers(tmpdir: Path) -> list[str]:
    return sorted(p.name for p in tmpdir.glob(f"{DEMO_PREFIX}*"))


@pytest.mark.parametrize("ending", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_a_signalled_demo_removes_its_database_and_config(
    tmp_path: Path, ending: signal.Signals
) -> None:
    """It should remove the demo's database and config when SIGHUP, SIGTERM or Ctrl-C end it."""
    process = start_demo(tmp_path, "--poller")
    try:
        folder = wait_for_database(tmp_path, process)
        assert (folder / "demo.toml").exists()
        process.send_signal(ending)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert demo_leftovers(tmp_path) == []


def test_the_next_demo_sweeps_up_after_a_killed_one(tmp_path: Path) -> None:
    """It should remove a demo directory left by SIGKILL when the next demo starts."""
    killed = start_demo(tmp_path, "--poller")
    try:
        folder = wait_for_database(tmp_path, killed)
    finally:
        killed.kill()
        killed.communicate()
    assert folder.exists()  # SIGKILL cannot be caught
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--demo", "--export", str(tmp_path / "out.json")],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert (tmp_path / "out.json").exists(), result.stderr
    assert demo_leftovers(tmp_path) == []


def test_sweep_keeps_directories_of_running_demos(tmp_path: Path) -> None:
    """It should keep a demo directory whose process still runs, and others' names alone."""
    mine = tmp_path / f"{DEMO_PREFIX}{os.getpid()}-abc"
    unrelated = tmp_path / f"{DEMO_PREFIX}notapid"
    mine.mkdir()
    unrelated.mkdir()
    assert sweep_abandoned_demos(tmp_path) == []
    assert mine.exists() and unrelated.exists()
