"""Webhooks per team: a delivery that fails twice is retried with backoff until accepted, and
nothing is lost or sent twice; arriving mentions are delivered by a real poll."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import ConfigError, parse_config
from core.net.fetch import Fetcher, NetworkPolicy
from core.rules.webhooks import BACKOFF, deliver, enqueue, states
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request
from tests.tui.inbox_db import T0, M, create_db, insert

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = NetworkPolicy(allow_private_addresses=True, timeout=5.0)


def failing_twice() -> tuple[list[int], Callable[[Request], Reply]]:
    calls: list[int] = []

    def handler(request: Request) -> Reply:
        calls.append(1)
        return Reply(500, b"busy") if len(calls) <= 2 else Reply(200, b"{}")
    return calls, handler


async def test_failed_delivery_is_retried_until_accepted_once(
        tmp_path: Path, loopback: LoopbackServer) -> None:
    """It should retry after growing waits, deliver once, and never again."""
    db = tmp_path / "w.db"
    await create_db(db)
    insert(db, [M(title="Refund missing", category="complaint"),
                M(title="Nice", category="praise")])
    calls, handler = failing_twice()
    urls = {"support": loopback.route("/hook", handler)}
    async with await Store.open(db) as store, Fetcher(LOOPBACK) as fetcher:
        assert await enqueue(store, {}, urls, after_id=0, now=T0) == 1  # praise: marketing
        assert await enqueue(store, {}, urls, after_id=0, now=T0) == 0  # queued once
        assert await deliver(store, fetcher, urls, now=T0) == 0
        assert await deliver(store, fetcher, urls, now=T0 + BACKOFF - 1) == 0  # not due yet
        assert await deliver(store, fetcher, urls, now=T0 + BACKOFF) == 0
        waiting = await states(store)
        assert await deliver(store, fetcher, urls, now=T0 + 3 * BACKOFF) == 1
        assert await deliver(store, fetcher, urls, now=T0 + 9 * BACKOFF) == 0
        done = await states(store)
    assert len(calls) == 3
    bodies = [json.loads(r.body) for r in loopback.hits("/hook")]
    assert {b["delivery_id"] for b in bodies} == {"1:support"}
    assert bodies[0]["title"] == "Refund missing" and bodies[0]["category"] == "complaint"
    assert waiting[0].pending == 1 and waiting[0].last_error == "HTTP 500 from the support webhook"
    assert (done[0].team, done[0].sent, done[0].pending) == ("support", 1, 0)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT status, attempts FROM deliveries").fetchall() == [("sent", 3)]


def test_a_webhook_must_be_a_url() -> None:
    """It should refuse a webhook that is not an http(s) URL, saying where."""
    with pytest.raises(ConfigError, match=r"webhooks\.support: expected an http\(s\) URL"):
        parse_config('[brand]\nname = "N"\n[webhooks]\nsupport = "ftp://x"\n')


async def test_arriving_mentions_are_delivered_and_shown(
        tmp_path: Path, loopback: LoopbackServer) -> None:
    """It should POST a new complaint to support's webhook during a poll, and report it."""
    db = tmp_path / "a.db"
    await create_db(db)
    feed = rss([FeedItem("Northwind refund still missing", "Still waiting for my Northwind "
                         "refund, no reply to my emails.", "r1", link="https://blog.example/r1")])
    url = loopback.route("/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    hook = loopback.route("/support", Reply(200, b"{}"))
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n'
                      "[network]\nallow_private_addresses = true\n\n"
                      f'[webhooks]\nsupport = "{hook}"\n\n'
                      f'[[sources]]\nkind = "feed"\nname = "blog"\nurl = "{url}"\n',
                      encoding="utf-8")
    base = [sys.executable, "-m", "tui.cli", "--config", str(config), "--db", str(db)]
    polled = subprocess.run([*base, "--poll-once"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=False)
    assert polled.returncode == 0, polled.stderr
    (body,) = [json.loads(r.body) for r in loopback.hits("/support")]
    assert body["team"] == "support" and body["title"] == "Northwind refund still missing"
    shown = subprocess.run([*base, "--deliveries"], capture_output=True, text=True, cwd=ROOT,
                           timeout=120, check=False)
    assert shown.stdout == "support: 1 sent, 0 waiting\n"
