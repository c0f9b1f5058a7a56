"""What machine and versions a run measured, for the head of RESULTS.md."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from importlib import metadata


def describe() -> dict[str, str]:
    """Cores, CPU, memory, OS, Python, SQLite and the versions of the libraries we lean on."""
    info = {
        "cores": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    for package in ("feedparser", "vaderSentiment", "textual", "aiosqlite", "httpx"):
        info[package] = _version(package)
    info["newsboat"] = _newsboat()
    # Other work on the machine skews every figure; ratios measured side by side skew less.
    info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: platform.processor() is the best we have
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return "unknown"
    return f"{pages / 2**30:.1f} GiB"


def _newsboat() -> str:
    if shutil.which("newsboat") is None:
        return "not installed"
    out = subprocess.run(["newsboat", "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else "unknown"
