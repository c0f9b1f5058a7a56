"""Shared machinery of the adversarial suite: the real CLI as a measured child, configs, feeds.

Every attack here goes through an entry point a user runs (the ``listenpost`` command, the
poller, the app in a pseudo-terminal) against real loopback servers and real SQLite files.
``run_cli`` measures the child it starts: wall time, and the peak resident set (VmHWM) of the
CLI and of each worker it starts, sampled from /proc every 20 ms while they live, so each test
can assert a bound on time and memory, not only on the outcome. (``os.wait4``'s ru_maxrss is
no use here: it starts from the RSS of the pytest process the child was forked from.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.config import load_config
from core.model import Mention
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
T0 = 1_763_800_000  # 2025-11-22: a fixed moment for seeded mentions

# The network section of every attack config: loopback is unreachable except the one address
# the test servers listen on, so a redirect or entity that points anywhere else is refused.
NETWORK = """
[network]
allow_private_addresses = false
allowed_networks = ["127.0.0.1/32"]
timeout = 4
connect_timeout = 2
concurrency = 16
per_host = 8
"""

HEALTHY_TITLES = ("Northwind grinder is brilliant", "Northwind outage again?")
HEALTHY = rss([
    FeedItem(HEALTHY_TITLES[0], "I love my Northwind grinder.", "h1", link="https://blog.example/1"),
    FeedItem(HEALTHY_TITLES[1], "Northwind app is down, terrible.", "h2",
             link="https://blog.example/2"),
])
SEEDED_TITLES = tuple(f"Stored before the attack {i}" for i in range(3))


@dataclass(frozen=True, slots=True)
class Run:
    """One finished CLI run and what it cost."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float  # the largest peak resident set of the CLI or any of its workers


@dataclass(frozen=True, slots=True)
class Src:
    """One ``[[sources]]`` entry; ``extra`` is raw TOML for kind-specific keys."""

    name: str
    url: str
    kind: str = "feed"
    extra: str = ""


def run_cli(*args: str, env: Mapping[str, str] | None = None, timeout: float = 120.0,
            prelude: str = "", on_start: Callable[[int], None] | None = None) -> Run:
    """Run ``listenpost ARGS`` as a child (after ``prelude`` code) and measure it."""
    code = f"{prelude}\nimport sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=full_env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        sampler = PeakSampler(proc.pid)
        if on_start is not None:
            on_start(proc.pid)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), seconds, sampler.stop())


class PeakSampler:
    """Samples VmHWM of a process and its descendants until stopped; the largest, in MiB."""

    def __init__(self, root: int) -> None:
        self.root, self.peaks = root, dict[int, int]()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peaks.values(), default=0) / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in descendants(self.root) | {self.root}:
                kib = _vm_hwm(pid)
                if kib:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kib)
            self._stop.wait(0.02)  # 20 ms: a worker's peak is held until it exits anyway


def _vm_hwm(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])  # KiB
    return 0


def descendants(root: int) -> set[int]:
    """Every live process below ``root`` in the process tree."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def write_config(path: Path, sources: Sequence[Src], *, network: str = NETWORK,
                 extra: str = "", mode: int = 0o600) -> Path:
    """A config listening for Northwind with ``sources``; hostile sources keep every item."""
    blocks = [f"\n[[sources]]\nkind = {json.dumps(s.kind)}\nname = {json.dumps(s.name)}\n"
              f"url = {json.dumps(s.url)}\nmatch_all = {str(s.name != 'healthy').lower()}\n"
              f"{s.extra}\n" for s in sources]
    text = '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n' + network + extra
    path.write_text(text + "".join(blocks), encoding="utf-8")
    path.chmod(mode)
    load_config(path)  # a mistake in the test's own config must fail here, not look like a pass
    return path


def healthy_source(server: LoopbackServer) -> Src:
    """The well-behaved feed every attack runs beside."""
    url = server.route("/healthy.xml", Reply(200, HEALTHY, {"Content-Type": "application/rss+xml"}))
    return Src("healthy", url)


async def seed(db: Path) -> None:
    """Mentions stored before the attack, which no attack may lose."""
    from core.model import SourceConfig

    async with await Store.open(db) as store:
        ids = await store.sync_sources([SourceConfig(name="archive", kind="feed",
                                                     url="https://archive.example/feed")])
        mentions = [Mention("feed", title=t, text=t, key=f"seed-{i}", published_at=T0 - i)
                    for i, t in enumerate(SEEDED_TITLES)]
        result = await store.ingest(ids["archive"], mentions, now=T0)
        assert result.new == len(SEEDED_TITLES)


def export_document(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


def sources_of(document: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """The export's per-source entries by name."""
    entries = document["sources"]
    assert isinstance(entries, list)
    return {s["name"]: s for s in entries}


def titles_of(document: Mapping[str, object]) -> set[str]:
    mentions = document["mentions"]
    assert isinstance(mentions, list)
    return {str(m["title"]) for m in mentions}


def assert_survivors(document: Mapping[str, object]) -> None:
    """The healthy source polled fine and the mentions stored before are all still there."""
    healthy = sources_of(document)["healthy"]
    assert healthy["status"] == "ok" and healthy["new"] == 2, healthy
    titles = titles_of(document)
    assert set(HEALTHY_TITLES) <= titles and set(SEEDED_TITLES) <= titles


def report(name: str, seconds: float, peak_mib: float | None = None) -> None:
    """One line of figures per attack (shown with ``pytest -s``; the report quotes them)."""
    memory = f", peak {peak_mib:.0f} MiB" if peak_mib is not None else ""
    print(f"\n[adversarial] {name}: {seconds:.2f} s{memory}")


class Witness:
    """A bare HTTP server on another loopback address (127.0.0.2) that records every request.

    The attack configs allow only 127.0.0.1, so anything that reaches this server got past the
    address guard: obfuscated spellings of 127.0.0.2, and redirects to it, must leave it idle.
    """

    def __init__(self, host: str = "127.0.0.2") -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        seen = self.requests = list[str]()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(HEALTHY)))
                self.end_headers()
                self.wfile.write(HEALTHY)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def blns(corpora: Path) -> list[str]:
    """Every Big List of Naughty Strings entry, byte-exact (control characters included);
    bytes that are not UTF-8 become lone surrogates, which is what a hostile decoder makes."""
    import base64

    path = corpora / "malicious-inputs" / "blns" / "blns.base64.json"
    encoded = json.loads(path.read_text(encoding="utf-8"))
    strings = [base64.b64decode(e).decode("utf-8", "surrogateescape") for e in encoded]
    return [s for s in strings if s.strip()]


def hn_listing(strings: Sequence[str]) -> bytes:
    """An Algolia search answer with each string as a story's title, text, author and URL."""
    hits = [{"objectID": str(1000 + i), "title": s, "story_text": s, "author": s, "url": s,
             "created_at_i": T0 - i, "points": i, "num_comments": 1, "_tags": ["story"]}
            for i, s in enumerate(strings)]
    document = {"hits": hits, "page": 0, "nbPages": 1, "hitsPerPage": len(hits)}
    return json.dumps(document).encode("utf-8")
