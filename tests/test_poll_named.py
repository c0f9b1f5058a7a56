"""Poller.poll_named: one source polled now, due or not, but never against a Retry-After."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.headless import open_poller
from core.model import PollStatus
from core.store import Store
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply
from tests.test_poller import config_for

FEED = rss([FeedItem("Northwind rocks", "Northwind is great", "n1")])


async def test_poll_named_polls_one_source_even_when_not_due(
        tmp_path: Path, loopback: LoopbackServer) -> None:
    """It should fetch only the named source, each time it is asked."""
    config = config_for({"a": loopback.route("/a.xml", Reply(200, FEED)),
                         "b": loopback.route("/b.xml", Reply(200, FEED))})
    async with await Store.open(tmp_path / "p.db") as store, open_poller(config, store) as poller:
        first = await poller.poll_named("b")
        again = await poller.poll_named("b")
        with pytest.raises(KeyError):
            await poller.poll_named("nope")
    assert (first.status, first.new) == (PollStatus.OK, 1)
    assert again.status in (PollStatus.OK, PollStatus.NOT_MODIFIED)
    assert (len(loopback.hits("/a.xml")), len(loopback.hits("/b.xml"))) == (0, 2)


async def test_poll_named_waits_out_a_retry_after(tmp_path: Path,
                                                  loopback: LoopbackServer) -> None:
    """It should not ask a server again before the time its Retry-After named, and say so."""
    url = loopback.route("/busy.xml", Reply(429, b"slow down", {"Retry-After": "3600"}))
    config = config_for({"busy": url})
    async with await Store.open(tmp_path / "p.db") as store, open_poller(config, store) as poller:
        assert (await poller.poll_named("busy")).status is PollStatus.THROTTLED
        second = await poller.poll_named("busy")
    assert second.status is PollStatus.THROTTLED and "Retry-After" in second.message
    assert len(loopback.hits("/busy.xml")) == 1
