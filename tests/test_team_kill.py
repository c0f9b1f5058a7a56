"""Issue 16, item 5: SIGKILL at random moments loses no acknowledged write and never corrupts.

Two kinds of real process share one database: ``listenpost --poll-once`` ingesting three
loopback feeds that bring new items on every request, and ``tests.kill_triage`` applying random
triage actions through core, printing each action's batch id once it has committed. At moments
the seeded RNG picks (after some acknowledged actions; for the poller sometimes right after its
first batch committed, so kills land inside ingest, triage transactions and undo alike) they
are killed with SIGKILL, a whole process group at once (the poller's parse workers too). After
every round ``PRAGMA integrity_check`` and FTS5's own check are ok, every acknowledged action
is in the ``actions`` log as acknowledged (its rows, or its undo), and every mention's triage
columns are what the last logged action on it set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.inbox.triage import TRIAGE_COLUMNS
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request
from tests.tui.inbox_db import M, insert

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
ROUNDS = 30  # each costs about a second: two Python processes starting on 2 shared cores
SEED = 16
MENTIONS = 40  # seeded mentions the triage process acts on
FEEDS = 3
ITEMS = 40  # new items per feed request: an ingest batch big enough to be killed inside
WAIT_STEPS = 3000  # 10 ms steps: a 30 s bound on a condition that takes well under a second


class Feeds:
    """Three loopback feeds, each answering every request with ITEMS items never seen before."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server, self.served = server, 0
        self._lock = threading.Lock()
        self.urls = [server.route(f"/k{n}.xml", self._reply) for n in range(FEEDS)]

    def _reply(self, request: Request) -> Reply:
        with self._lock:
            self.served += 1
            start = self.served * ITEMS
        items = [FeedItem(f"Northwind report {i}", f"Northwind item {i}, told at length.",
                          f"kill-{i}", link=f"https://blog.example/kill/{i}")
                 for i in range(start, start + ITEMS)]
        return Reply(200, rss(items), {"Content-Type": "application/rss+xml"})


@pytest.fixture
def server() -> LoopbackServer:
    started = LoopbackServer().start()
    yield started  # type: ignore[misc]
    started.stop()


def write_config(tmp_path: Path, feeds: Feeds) -> Path:
    blocks = "".join(f'[[sources]]\nkind = "feed"\nname = "feed {n}"\nurl = "{url}"\n'
                     for n, url in enumerate(feeds.urls))
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
                      '[network]\nallowed_networks = ["127.0.0.1/32"]\n' + blocks,
                      encoding="utf-8")
    return config


class Running:
    """A process in its own process group (so SIGKILL takes its children too), its stdout
    lines gathered by a thread as they come."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.endswith("\n"):  # a line cut by the kill was never acknowledged
                self.lines.append(line.strip())

    def kill(self) -> None:
        """SIGKILL the whole group, then reap it and read what it printed before."""
        with contextlib.suppress(ProcessLookupError):  # it may have finished (the poller)
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._reader.join()


def wait_for(condition: Callable[[], bool]) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("condition never held")


def check(db: Path, acknowledged: list[str]) -> None:
    """The database is sound, and holds every acknowledged action as acknowledged."""
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('integrity-check')")
        for line in acknowledged:
            if line.startswith("undo"):
                batch = line.split()[1]
                if batch != "none":
                    left = con.execute("SELECT count(*) FROM actions WHERE batch = ?"
                                       " AND undone = 0", (int(batch),)).fetchone()[0]
                    assert left == 0, f"acknowledged undo of batch {batch} not in the log"
            else:
                batch, changed = map(int, line.split())
                if changed == 0:  # nothing changed, nothing logged; its number is reused
                    continue
                logged = con.execute("SELECT count(*) FROM actions WHERE batch = ?",
                                     (batch,)).fetchone()[0]
                assert logged == changed, f"batch {batch}: {changed} acknowledged, {logged} logged"
        assert mismatched(con) == []


def mismatched(con: sqlite3.Connection) -> list[tuple[int, str]]:
    """(mention, column) whose value is not what the last logged action on it set."""
    wrong = []
    for column in TRIAGE_COLUMNS:
        sql = (f"SELECT m.id, m.{column}, (SELECT json_extract(a.after, '$.{column}')"
               f" FROM actions a WHERE a.mention_id = m.id AND json_type(a.after, '$.{column}')"
               " IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS logged,"
               " EXISTS (SELECT 1 FROM actions a WHERE a.mention_id = m.id"
               f" AND json_type(a.after, '$.{column}') IS NOT NULL) AS acted"
               f" FROM mentions m WHERE m.id <= {MENTIONS}")
        for mention, value, logged, acted in con.execute(sql):
            if acted and value != logged:
                wrong.append((int(mention), column))
    return wrong


def count_mentions(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM mentions").fetchone()[0])


def lapse_claims(db: Path) -> None:
    """What CLAIM_TTL does five minutes after a poller is killed, now: its claims on sources
    lapse, so the next poller polls them."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE sources SET claimed_by = NULL, claimed_until = NULL")


class Rounds:
    """The poller lives across rounds (a poll takes seconds: starting it, parsing in its
    workers) and is killed in about a quarter of them, two in three of those just as its first
    batch has committed (the others still to come); the triage process is started and killed in
    every round, after a random number of acknowledged actions."""

    def __init__(self, config: Path, db: Path, rng: random.Random) -> None:
        self.config, self.db, self.rng = config, db, rng
        self.poller: Running | None = None
        self.poller_kills = 0
        self._at_start = 0  # mentions stored when the current poller started

    def _poller(self) -> Running:
        if self.poller is None or self.poller.process.poll() is not None:
            self._at_start = count_mentions(self.db)
            self.poller = Running([sys.executable, "-c", CLI, "--config", str(self.config),
                                   "--db", str(self.db), "--poll-once"])
        return self.poller

    def run(self, seed: int) -> list[str]:
        """One round; what the triage process acknowledged before it was killed."""
        poller = self._poller()
        triage = Running([sys.executable, "-m", "tests.kill_triage", str(self.db), str(seed),
                          str(MENTIONS)])
        actions = self.rng.randint(0, 12)
        wait_for(lambda: len(triage.lines) >= actions)
        victims = [triage]
        if self.rng.random() < 1 / 4:
            if self.rng.random() < 2 / 3:  # into the middle of its ingest
                wait_for(lambda: count_mentions(self.db) > self._at_start
                         or poller.process.poll() is not None)
            victims.append(poller)
            self.poller_kills += 1
        for running in self.rng.sample(victims, len(victims)):
            running.kill()
        if poller in victims:
            lapse_claims(self.db)
        return triage.lines

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.kill()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(
        tmp_path: Path, server: LoopbackServer) -> None:
    """It should keep the database sound and every acknowledged action, through ROUNDS rounds
    of ingest and triage killed at random moments."""
    feeds = Feeds(server)
    config, db = write_config(tmp_path, feeds), tmp_path / "kill.db"
    asyncio.run(_create(db))
    insert(db, [M(title=f"seeded {i}") for i in range(MENTIONS)])
    rounds = Rounds(config, db, random.Random(SEED))
    acknowledged: list[str] = []
    mentions_before = MENTIONS
    try:
        for round_ in range(ROUNDS):
            acknowledged += rounds.run(SEED * 1000 + round_)
            check(db, acknowledged)
            mentions = count_mentions(db)
            assert mentions >= mentions_before  # ingest adds whole batches or nothing
            mentions_before = mentions
    finally:
        rounds.stop()
    assert len(acknowledged) >= ROUNDS * 3  # the rounds did act (6 a round on average)
    assert rounds.poller_kills >= ROUNDS // 6  # ingest was killed, too
    assert count_mentions(db) > MENTIONS  # and did store mentions between kills
    print(f"{len(acknowledged)} acknowledged actions, {rounds.poller_kills} poller kills, "
          f"{count_mentions(db) - MENTIONS} mentions ingested")


async def _create(db: Path) -> None:
    async with await Store.open(db):
        pass
