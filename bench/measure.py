"""Run a child process and measure it: wall time, CPU time and memory, two ways.

CPU time is user+sys of the child and every descendant it waited for, from ``os.wait4`` (exact
per child, unlike deltas of RUSAGE_CHILDREN, which would also pick up anything else we reaped).
Memory is sampled from /proc over the child's whole process tree, because a tool with worker
processes holds memory in several processes at once:

- ``pss_mb``, the peak of the tree's summed PSS (``smaps_rollup``): each shared page is split
  between the processes sharing it, so pages shared copy-on-write or mapped from one library
  count once, and the sum is what the tool really costs the machine. Summed RSS would count a
  worker's inherited pages twice.
- ``largest_mb``, the peak RSS of the largest single process (and at least the child's own
  ``ru_maxrss``): what one process needs, the figure an out-of-memory killer looks at.
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
    pss_mb: float  # peak of the process tree's summed PSS, MB
    largest_mb: float  # peak RSS of the largest single process, MB
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
    result = Run(wall, usage.ru_utime + usage.ru_stime, sampler.peak_pss_kb / 1024,
                 max(usage.ru_maxrss, sampler.peak_largest_kb) / 1024, proc.returncode, stderr)
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
    """Samples the process tree's summed PSS and its largest RSS until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_pss_kb = 0
        self.peak_largest_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_EVERY):
            pss, largest = tree_memory_kb(self.root)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_largest_kb = max(self.peak_largest_kb, largest)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed PSS, largest single RSS) in KB of ``root`` and its descendants; (0, 0) once gone."""
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
    return sum(_pss_kb(pid) for pid in tree), max((rss.get(pid, 0) for pid in tree), default=0)


def _pss_kb(pid: int) -> int:
    """The process's proportional set size: shared pages divided among their sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # ended between listing and reading, or not ours to read
    return 0


def _read_stat(pid: int, parents: dict[int, int], rss: dict[int, int]) -> None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return  # the process ended between listing and reading
    fields = raw.rsplit(")", 1)[1].split()  # the command name may hold spaces and ')'
    parents[pid] = int(fields[1])
    rss[pid] = int(fields[21]) * PAGE_KB
