"""Issue 11, item 1: several processes never poll the same source at once.

Three real ``listenpost --poll-once`` (and three ``--poller``) processes started together on one
database, against a loopback server that counts what it is asked for: each source is fetched
exactly once. The claim a process takes before fetching is released when its outcome is
written, and lapses (``CLAIM_TTL``) when its holder dies.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.model import SourceConfig
from core.polling.claims import RoundClaims
from core.store import Store
from core.store.store import CLAIM_TTL
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply

ROOT = Path(__file__).resolve().parents[1]
CODE = "import sys\nfrom tui.cli import main\nraise SystemExit(main(sys.argv[1:]))"
FEEDS = 6


def feed(n: int) -> bytes:
    return rss([FeedItem(f"Northwind post {n}", "Northwind, again.", f"g{n}",
                         link=f"https://blog.example/{n}")])


@pytest.fixture
def server() -> LoopbackServer:
    started = LoopbackServer().start()
    yield started  # type: ignore[misc]
    started.stop()


def setup(tmp_path: Path, server: LoopbackServer) -> tuple[Path, Path]:
    """A config of ``FEEDS`` feeds (each answering in about half a second, so the three
    processes overlap) and its database, created beforehand."""
    blocks = []
    for n in range(FEEDS):
        body = feed(n)
        url = server.route(f"/f{n}.xml", Reply(200, (body[i:i + 200] for i in
                                                   range(0, len(body), 200)), chunk_delay=0.1))
        blocks.append(f'[[sources]]\nkind = "feed"\nname = "feed {n}"\nurl = "{url}"\n')
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
                      '[network]\nallowed_networks = ["127.0.0.1/32"]\n' + "".join(blocks),
                      encoding="utf-8")
    db = tmp_path / "lp.db"
    asyncio.run(_create(db))
    return config, db


async def _create(db: Path) -> None:
    async with await Store.open(db):
        pass


def start(config: Path, db: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CODE, "--config", str(config), "--db", str(db),
                             mode], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def fetch_counts(server: LoopbackServer) -> list[int]:
    return [len(server.hits(f"/f{n}.xml")) for n in range(FEEDS)]


def stored(db: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(db) as con:
        sql = "SELECT name, last_status, claimed_by FROM sources ORDER BY id"
        return con.execute(sql).fetchall()


def test_three_poll_once_processes_fetch_each_source_once(tmp_path: Path,
                                                           server: LoopbackServer) -> None:
    """It should fetch every source exactly once between three processes started together,
    store each outcome and leave no claim behind."""
    config, db = setup(tmp_path, server)
    runs = [start(config, db, "--poll-once") for _ in range(3)]
    errs = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errs
    assert fetch_counts(server) == [1] * FEEDS
    assert stored(db) == [(f"feed {n}", "ok", None) for n in range(FEEDS)]
    polled = sum(int(err.split("polled ")[1].split(" sources")[0]) for err in errs)
    assert polled == FEEDS  # each process reports only what it polled


def test_three_pollers_fetch_each_source_once(tmp_path: Path, server: LoopbackServer) -> None:
    """It should fetch every source once in the first round of three pollers started together."""
    config, db = setup(tmp_path, server)
    runs = [start(config, db, "--poller") for _ in range(3)]
    try:
        while [status is None for _, status, _ in stored(db)] != [False] * FEEDS:
            assert all(run.poll() is None for run in runs), "a poller ended on its own"
            time.sleep(0.05)
    finally:
        for run in runs:
            run.send_signal(signal.SIGTERM)
        errs = [run.communicate(timeout=60)[1] for run in runs]
    assert fetch_counts(server) == [1] * FEEDS, (errs, stored(db))
    assert [status for _, status, _ in stored(db)] == ["ok"] * FEEDS


def test_a_killed_holders_claim_blocks_others_until_it_lapses(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """It should keep another process off a source whose holder was killed mid-fetch, until
    the claim lapses."""
    config, db = setup(tmp_path, server)
    slow = server.route("/f0.xml", Reply(200, (b" " for _ in range(600)), chunk_delay=0.1))
    assert slow
    victim = start(config, db, "--poll-once")
    while len(server.hits("/f0.xml")) == 0:  # it has claimed feed 0 and is fetching it
        assert victim.poll() is None
        time.sleep(0.01)
    victim.kill()
    victim.communicate(timeout=60)
    with sqlite3.connect(db) as con:
        holder, until = con.execute(
            "SELECT claimed_by, claimed_until FROM sources WHERE name = 'feed 0'").fetchone()
    assert holder and until <= time.time() + CLAIM_TTL + 1
    server.route("/f0.xml", Reply(200, feed(0)))
    survivor = start(config, db, "--poll-once")
    survivor.communicate(timeout=120)
    assert len(server.hits("/f0.xml")) == 1  # not fetched again while the claim lives
    with sqlite3.connect(db) as con:  # as if CLAIM_TTL had passed
        con.execute("UPDATE sources SET claimed_until = claimed_until - ? "
                    "WHERE name = 'feed 0'", (CLAIM_TTL + 1,))
    survivor = start(config, db, "--poll-once")
    survivor.communicate(timeout=120)
    assert len(server.hits("/f0.xml")) == 2 and stored(db)[0] == ("feed 0", "ok", None)


async def test_a_claim_is_exclusive_released_by_the_outcome_and_lapses(tmp_path: Path) -> None:
    """It should give a source to one store at a time, and to another once the claim lapses."""
    db = tmp_path / "lp.db"
    async with await Store.open(db) as one, await Store.open(db) as two:
        ids = await one.sync_sources([SourceConfig("s", "feed", "https://s.example/f"),
                                      SourceConfig("t", "feed", "https://t.example/f")])
        now, seen = 1_763_800_000, {ids["s"]: None, ids["t"]: None}
        assert await one.claim_sources(seen, now=now, due_only=True) == set(seen)
        assert await two.claim_sources(seen, now=now + 1, due_only=True) == set()
        assert await two.claim_sources(seen, now=now + CLAIM_TTL, due_only=True) == set(seen)
        await two.release_claims()
        assert await one.claim_sources({ids["s"]: now}, now=now, due_only=True) == set()  # moved
        assert await one.claim_sources({ids["s"]: None}, now=now, due_only=True) == {ids["s"]}


def claimed_by(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as con:
        sql = "SELECT name, claimed_by FROM sources WHERE claimed_by IS NOT NULL"
        return dict(con.execute(sql).fetchall())


async def test_a_round_claims_its_next_sources_ahead_and_stops_cleanly(tmp_path: Path) -> None:
    """It should have the sources after the one being polled claimed before their turn (so a
    claim never waits for the store's write turn while every fetch slot waits for it), and,
    stopped, claim nothing more."""
    db = tmp_path / "lp.db"
    async with await Store.open(db) as store, await Store.open(db) as other:
        ids = await store.sync_sources([SourceConfig(f"s{n}", "feed", f"https://s{n}.example/f")
                                        for n in range(40)])
        order = [ids[f"s{n}"] for n in range(40)]
        claims = RoundClaims(store, dict.fromkeys(order), due_only=False,
                             clock=lambda: 1_763_800_000.0, chunk=2)
        assert await claims.take(order[0])
        await claims.settle()
        ahead = claimed_by(db)
        assert 2 < len(ahead) < 40  # more than the first chunk, not the whole round
        assert set(ahead) == {f"s{n}" for n in range(len(ahead))}  # the next in round order
        refused = {order[n]: None for n in range(len(ahead))}
        assert await other.claim_sources(refused, now=1_763_800_001, due_only=False) == set()
        assert await claims.take(order[1])  # already claimed: no wait for the store
        await claims.stop()
        held = len(claimed_by(db))
        assert not await claims.take(order[-1])  # stopped: never claimed, not to be polled
        assert len(claimed_by(db)) == held
