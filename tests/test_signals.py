"""Issue 11, item 5: SIGTERM and SIGHUP end headless runs the way Ctrl-C does.

Real ``listenpost`` processes, real signals: a ``--poller`` stopped while one source is still
being fetched writes the outcome of the source that finished (it would otherwise wait in the
batch and be lost); an ``--export`` to a file stopped while writing leaves neither the file nor
its hidden temp file; ``--export -`` stopped halfway says on stderr that stdout is incomplete.
Each ends with one line on stderr and exit code 128 + the signal's number.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from core.model import Mention, SourceConfig
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply

ROOT = Path(__file__).resolve().parents[1]
CODE = "import sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
CODES = {signal.SIGTERM: ExitCode.TERMINATED, signal.SIGHUP: ExitCode.HANGUP,
         signal.SIGINT: ExitCode.INTERRUPTED}
NAMES = {signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP", signal.SIGINT: "Ctrl-C"}
FAST = rss([FeedItem("Northwind is fast", "Northwind answered at once.", "f1",
                     link="https://blog.example/f1")])
MENTIONS = 30_000  # an export of this many takes a second or two: time to be stopped midway


def config_for(tmp: Path, server: LoopbackServer) -> Path:
    """A config with a fast feed and one whose server drips for a minute."""
    fast = server.route("/fast.xml", Reply(200, FAST, {"Content-Type": "application/rss+xml"}))
    slow = server.route("/slow.xml", Reply(200, (b" " for _ in range(600)), chunk_delay=0.1))
    config = tmp / "c.toml"
    config.write_text(
        '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
        '[network]\nallowed_networks = ["127.0.0.1/32"]\ntimeout = 120\n'
        f'[[sources]]\nkind = "feed"\nname = "fast"\nurl = "{fast}"\n'
        f'[[sources]]\nkind = "feed"\nname = "slow"\nurl = "{slow}"\n', encoding="utf-8")
    return config


def start(*args: str, stdout: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CODE, *args], cwd=ROOT, stdout=stdout,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def wait_for_line(process: subprocess.Popen[bytes], needle: str) -> str:
    """Read stderr until a line holding ``needle`` (the test's timeout bounds the wait)."""
    assert process.stderr is not None
    seen = ""
    while needle not in seen:
        line = process.stderr.readline().decode()
        assert line, f"the process ended before saying {needle!r}: {seen}"
        seen += line
    return seen


def last_status(db: Path, source: str) -> tuple[str | None, int | None]:
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT last_status, next_poll_at FROM sources WHERE name = ?",
                          (source,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_poller_writes_the_outcomes_it_has(tmp_path: Path, signum: int) -> None:
    """It should write the finished source's outcome, say one line and exit 128 + signal."""
    server = LoopbackServer().start()
    try:
        db = tmp_path / "lp.db"
        poller = start("--config", str(config_for(tmp_path, server)), "--db", str(db),
                       "--poller")
        wait_for_line(poller, "fast: ok (1 new")  # logged as it joins the batch, not yet written
        poller.send_signal(signum)
        _, err = poller.communicate(timeout=60)
    finally:
        server.stop()
    assert poller.returncode == CODES[signum], err
    lines = err.decode().strip().splitlines()
    assert lines[-1] == f"listenpost: stopped by {NAMES[signum]}; nothing half-written"
    status, next_poll = last_status(db, "fast")
    assert status == "ok" and next_poll is not None  # the pending outcome was written
    assert last_status(db, "slow")[0] is None  # the unfinished one is polled next time
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of ``MENTIONS`` short mentions."""
    db = tmp_path_factory.mktemp("big") / "lp.db"

    async def fill() -> None:
        async with await Store.open(db) as store:
            ids = await store.sync_sources([SourceConfig("bulk", "feed", "https://b.example/f")])
            for start_at in range(0, MENTIONS, 5000):
                batch = [Mention("feed", title=f"Northwind note {i}", text="Northwind " * 10,
                                 key=f"bulk-{i}", published_at=1_763_800_000 - i)
                         for i in range(start_at, start_at + 5000)]
                await store.ingest(ids["bulk"], batch, now=1_763_800_000)

    asyncio.run(fill())
    return db


@pytest.fixture
def copy_of(big_db: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    db = tmp_path / "lp.db"
    shutil.copy(big_db, db)
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n', encoding="utf-8")
    yield config, db


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_an_export_stopped_while_writing_leaves_no_temp_file(
    copy_of: tuple[Path, Path], tmp_path: Path, signum: int
) -> None:
    """It should remove its hidden temp file, keep the last good export, and say one line."""
    config, db = copy_of
    out = tmp_path / "report.json"
    out.write_text('{"previous": "export"}', encoding="utf-8")
    export = start("--config", str(config), "--db", str(db), "--export", str(out), "--no-poll")
    while not list(tmp_path.glob(".report.json.*")):  # writing has begun
        assert export.poll() is None, "the export finished before it could be stopped"
        time.sleep(0.005)
    export.send_signal(signum)
    _, err = export.communicate(timeout=60)
    assert export.returncode == CODES[signum], err
    assert err.decode().strip() == f"listenpost: stopped by {NAMES[signum]}; nothing half-written"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert json.loads(out.read_text(encoding="utf-8")) == {"previous": "export"}


def test_an_export_to_stdout_stopped_halfway_says_so(copy_of: tuple[Path, Path]) -> None:
    """It should say on stderr that stdout got only part of the export."""
    config, db = copy_of
    export = start("--config", str(config), "--db", str(db), "--export", "-", "--no-poll",
                   "--format", "json", stdout=subprocess.PIPE)
    assert export.stdout is not None
    head = export.stdout.read(4096)  # the export has begun, and blocks on the full pipe
    export.send_signal(signal.SIGTERM)
    rest, err = export.communicate(timeout=60)
    assert export.returncode == ExitCode.TERMINATED, err
    assert err.decode().strip() == ("listenpost: stopped by SIGTERM; the export written to "
                                    "stdout is incomplete")
    with pytest.raises(json.JSONDecodeError):
        json.loads(head + rest)
