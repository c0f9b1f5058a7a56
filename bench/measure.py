"""Run a child process and measure it: wall time, CPU time and peak memory.

CPU time is user+sys of the child and every descendant it waited for, from ``os.wait4`` (exact
per child, unlike deltas of RUSAGE_CHILDREN, which would also pick up anything else we reaped).
Peak memory is the larger of the child's own ``ru_maxrss`` and the peak of its whole process
tree's summed RSS, sampled from /proc, because a tool with a worker process holds memory in two
processes at once and ru_maxrss reports only the largest single one.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds between /proc samples: fine enough for runs of a second or more
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True, slots=True)
class Run:
    """What one measured run of a child cost."""

    wall: float  # seconds
    cpu: float  # seconds, user + sys, child and its reaped descendants
    rss_mb: float  # peak resident memory, MB
    returncode: int
    stderr: str


class ChildFailed(RuntimeError):
    """A measured child exited non-zero; the message carries the end of its stderr."""


def run(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 900.0, check: bool = True) -> Run:
    """Run ``cmd`` to completion and measure it; raise ``ChildFailed`` if ``check`` and it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=dict(env) if env else None, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    stderr = _drain(proc, timeout)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = Run(wall, usage.ru_utime + usage.ru_stime,
                 max(usage.ru_maxrss / 1024, sampler.peak_kb / 1024), proc.returncode, stderr)
    if check and result.returncode != 0:
        raise ChildFailed(f"{Path(cmd[0]).name} exited {result.returncode}: {last_line(stderr)}")
    return result


def last_line(text: str) -> str:
    """The last non-blank line of a child's stderr, bounded: what a table cell can hold."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no message)"


def _drain(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """Read stderr to EOF (so the child never blocks on a full pipe), killing it on timeout."""
    assert proc.stderr is not None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        return proc.stderr.read().decode(errors="replace")
    finally:
        timer.cancel()
        proc.stderr.close()


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_EVERY):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.root))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def tree_rss_kb(root: int) -> int:
    """Summed RSS (KB) of ``root`` and its descendants now; 0 once they are gone."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            _read_stat(int(entry.name), parents, rss)
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(pid, 0) for pid in tree)


def _read_stat(pid: int, parents: dict[int, int], rss: dict[int, int]) -> None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return  # the process ended between listing and reading
    fields = raw.rsplit(")", 1)[1].split()  # the command name may hold spaces and ')'
    parents[pid] = int(fields[1])
    rss[pid] = int(fields[21]) * PAGE_KB
