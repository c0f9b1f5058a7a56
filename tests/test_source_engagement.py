"""Platform polls into the real store: counts update without duplicates, and an owned
account's engagement snapshots follow the age-based schedule with an injected clock."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from core.model import SourceConfig
from core.polling.owned import DAY, HOUR
from core.sources import hackernews, mastodon
from core.store import Store
from core.store.snapshots import read_snapshots, take_due_snapshots
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import ReplayContext, hn_fixtures, vcr

pytestmark = pytest.mark.corpus


def _hn_hits(corpora: Path) -> list[dict]:
    recs = hn_fixtures(corpora / "hn-algolia" / "fixtures.json")
    hits = [h for r in recs if "search_by_date" in r.url for h in json.loads(r.body)["hits"]]
    return list({h["objectID"]: h for h in hits}.values())


async def test_second_poll_updates_counts_without_duplicates(
    corpora: Path, loopback: LoopbackServer, tmp_path: Path
) -> None:
    """It should update changed counts on the second poll and store no mention twice."""
    hits = _hn_hits(corpora)
    bump = {"n": 0}

    def search(request: Request) -> Reply:
        served = [{**h, "points": (h.get("points") or 0) + bump["n"],
                   "num_comments": (h.get("num_comments") or 0) + bump["n"]} for h in hits]
        body = {"hits": served, "page": 0, "nbPages": 1}
        return Reply(200, json.dumps(body).encode(), {"content-type": "application/json"})

    loopback.route("/api/v1/search_by_date", search)
    source = SourceConfig(name="hn", kind="hackernews", url=loopback.url(""),
                          options={"query": "apple"})
    async with await Store.open(tmp_path / "lp.db") as store:
        source_id = (await store.sync_sources([source]))[source.name]
        ctx = ReplayContext(source, now=1_600_000_000, enrich=True)
        first = await store.ingest(source_id, (await hackernews.ADAPTER.poll(ctx)).mentions,
                                   now=ctx.now)
        bump["n"] = 7
        second = await store.ingest(source_id, (await hackernews.ADAPTER.poll(ctx)).mentions,
                                    now=ctx.now + 60)
        stored = await store.export_mentions()
    assert first.new == len(hits) and second.new == 0 and second.updated == len(hits)
    assert len(stored) == len(hits)
    by_id = {m.platform_id: m for m in stored}
    for hit in hits:
        likes = by_id[hit["objectID"]].engagement.likes
        assert likes == (hit.get("points") or 0) + 7


async def test_owned_account_snapshots_on_schedule(
    corpora: Path, loopback: LoopbackServer, tmp_path: Path
) -> None:
    """It should poll an owned account over eight days and snapshot hourly, 6-hourly, daily."""
    pytest.importorskip("yaml", reason="PyYAML reads the vcrpy cassettes (test dependency)")
    recs = vcr(corpora / "mastodon-py-cassettes" / "test_get_pagination_info.yaml")
    account = next(r for r in recs if "verify_credentials" in r.url)
    post = json.loads(next(r for r in recs if r.method == "POST").body)
    clock = {"now": 0}

    def statuses(request: Request) -> Reply:
        if "max_id" in request.path:
            return Reply(200, b"[]", {"content-type": "application/json"})
        live = {**post, "favourites_count": clock["now"] // HOUR}
        return Reply(200, json.dumps([live]).encode(), {"content-type": "application/json"})

    loopback.route("/api/v1/accounts/lookup", Reply(200, account.body,
                                                    {"content-type": "application/json"}))
    loopback.route(f"/api/v1/accounts/{json.loads(account.body)['id']}/statuses", statuses)
    source = SourceConfig(name="brand", kind="mastodon", url=loopback.url("/"), owned=True,
                          options={"account": "mastodonpy_test"})
    published = int(datetime.fromisoformat(post["created_at"]).timestamp())
    async with await Store.open(tmp_path / "lp.db") as store:
        source_id = (await store.sync_sources([source]))[source.name]
        ctx = ReplayContext(source, enrich=True)
        for now in range(published, published + 8 * DAY, HOUR):  # polled hourly
            clock["now"], ctx.now = now - published, now
            result = await mastodon.ADAPTER.poll(ctx)
            ctx.state = result.state or ctx.state
            await store.ingest(source_id, result.mentions, now=now)
            async with store.transaction() as db:
                await take_due_snapshots(db, now)
        [stored] = await store.export_mentions()
        snaps = await read_snapshots(store.db, stored.id)
    ages = [s.at - published for s in snaps]
    assert stored.owned
    assert sum(1 for a in ages if a < DAY) == 24
    assert sum(1 for a in ages if DAY <= a < 3 * DAY) == 8
    assert ages[-1] == 7 * DAY and all(s.likes == (s.at - published) // HOUR for s in snaps)


async def test_parsers_run_in_the_poller_worker(corpora: Path, loopback: LoopbackServer) -> None:
    """It should poll through the poller's own context: hardened fetch, parse in a worker."""
    from core.net.fetch import Fetcher
    from core.polling.context import SourceContext
    from core.polling.workers import WorkerPool
    from core.sources.base import SourceState
    from tests.replay import LOOPBACK_ONLY, reply_for

    pytest.importorskip("yaml", reason="PyYAML reads the vcrpy cassettes (test dependency)")
    recs = vcr(corpora / "mastodon-py-cassettes" / "test_public_tl.yaml")
    rec = next(r for r in recs if r.url.endswith("/api/v1/timelines/public"))
    loopback.route("/api/v1/timelines/tag/brand", reply_for(rec, loopback))
    source = SourceConfig(name="m", kind="mastodon", url=loopback.url("/"), match_all=True,
                          options={"tag": "brand"})
    async with Fetcher(LOOPBACK_ONLY) as fetcher, WorkerPool(1) as pool:
        ctx = SourceContext(source, SourceState(), 1_800_000_000, fetcher, pool,
                            ((), True, "m"), 20.0)
        result = await mastodon.ADAPTER.poll(ctx)
    statuses = json.loads(rec.body)
    assert [m.platform_id for m in result.mentions] == [s["uri"] for s in statuses]
    assert all(m.key for m in result.mentions)
