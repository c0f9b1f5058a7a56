"""Start and stop bench/server.py as a child process, and read its request counters."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HOSTS = 8  # loopback addresses the feeds are spread over (127.0.0.1 … 127.0.0.8)
START_TIMEOUT = 60.0  # seconds to build 1,000 feeds' bytes and bind; it takes about one


@dataclass(frozen=True, slots=True)
class FeedServer:
    port: int
    feeds: int

    def urls(self, mode: str) -> list[str]:
        """Every feed's URL; ``mode`` "v" serves validators (304s), "nv" does not."""
        return [f"http://127.0.0.{i % HOSTS + 1}:{self.port}/{mode}/{i}.xml"
                for i in range(self.feeds)]

    def take_stats(self) -> dict[str, int]:
        """Status counts since the last call (and reset them)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats/reset", timeout=10) as r:
            counts: dict[str, int] = json.loads(r.read())
        return counts


@contextmanager
def feed_server(feeds: int, kind: str = "post") -> Iterator[FeedServer]:
    """Serve ``feeds`` feeds of ``kind`` on loopback for the duration of the block."""
    cmd = [sys.executable, "-m", "bench.server", "--feeds", str(feeds), "--kind", kind,
           "--hosts", str(HOSTS)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the server prints its port once it is listening
        if not line.strip().isdigit():
            raise RuntimeError(f"bench server did not start (exit {proc.poll()})")
        yield FeedServer(int(line), feeds)
    finally:
        proc.terminate()
        proc.wait(timeout=START_TIMEOUT)
