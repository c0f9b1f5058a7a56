"""The priority's rising part: hand-computed cases of the pure part, then the store moving a
mention's priority as its snapshots land (real SQLite), then the real poller over loopback."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from core.analysis.enrich import EnrichSpec, enrich
from core.analysis.priority import RISING_POINTS, rising_part, thread_part
from core.config import parse_config
from core.headless import open_poller
from core.inbox.triage import Inbox
from core.inbox.views import Filters, builtin_view
from core.inbox.why import rising_of, why
from core.model import Engagement, Match, Mention, SourceConfig
from core.polling.owned import Snapshot
from core.store import Store
from core.store.snapshots import gained
from tests.loopback import LoopbackServer, Reply

T0 = 1_763_800_000
SPEC = EnrichSpec(((Match("brand", "Northwind"), ("northwind",)),), source="blog")


@pytest.mark.parametrize(("gain", "seconds", "points"), [
    (99, 3600, 10.0),  # 99 an hour: log10(100) / 2 = 1, all the points
    (9, 3600, 5.0),  # 9 an hour: log10(10) / 2 = 0.5
    (9, 1800, 10 * math.log10(19) / 2),  # 18 an hour: 6.39
    (1, 60, 10 * math.log10(7) / 2),  # one in a minute counts as one in ten: 6 an hour, 4.23
    (5000, 3600, 10.0),  # capped at all the points
])
def test_rising_points_are_logarithmic_in_interactions_per_hour(
        gain: int, seconds: int, points: float) -> None:
    """It should give RISING_POINTS x log10(1 + gained per hour) / 2, at most RISING_POINTS."""
    part = rising_part(gain, seconds)
    assert part is not None and part.points == pytest.approx(points)
    assert RISING_POINTS == 10.0


def test_no_growth_is_no_part_and_the_part_explains_its_weights() -> None:
    """It should give nothing for no growth, and say the gain, the rate and the weights."""
    assert rising_part(0, 3600) is None and rising_part(5, 0) is None
    part = rising_part(9, 3600)
    assert part is not None
    assert part.worked() == "rising: 10 × 0.50 = +5.0 (+9 interactions in 1 h, 9 an hour)"


def test_gained_counts_only_what_rose() -> None:
    """It should add the rises of replies, reshares and likes; a fall or a gap adds nothing."""
    before = Snapshot(T0, replies=2, reshares=None, likes=40)
    after = Snapshot(T0 + 600, replies=7, reshares=3, likes=35)
    assert gained(before, after) == 5


def post(replies: int, likes: int, *, guid: str = "g1", text: str = "Northwind grinder",
         published: int = T0 - 3600) -> Mention:
    return Mention("feed", text=text, guid=guid, published_at=published,
                   engagement=Engagement(replies=replies, likes=likes))


async def stored(path: Path, batches: list[tuple[int, list[Mention]]]) -> list[float]:
    """Ingest each batch at its time; the priorities (by id) after each."""
    seen = []
    async with await Store.open(path) as store:
        ids = await store.sync_sources([SourceConfig(name="blog", kind="feed",
                                                     url="https://blog.example/feed")])
        for now, mentions in batches:
            await store.ingest(ids["blog"], enrich(mentions, SPEC, now=now), now=now)
            with sqlite3.connect(path) as con:
                seen.append([r[0] for r in con.execute("SELECT priority FROM mentions"
                                                       " ORDER BY id")])
    return [p for row in seen for p in row]


async def test_growth_between_polls_raises_the_priority_then_it_falls_back(
        tmp_path: Path) -> None:
    """It should add the rising and thread change when counts grow, and take rising back off
    when a later poll sees them unchanged."""
    path = tmp_path / "r.db"
    first, grown, calm, still = await stored(path, [
        (T0, [post(0, 0)]), (T0 + 3600, [post(9, 90)]), (T0 + 7200, [post(9, 90)]),
        (T0 + 9000, [post(9, 90)])])
    with sqlite3.connect(path) as con:
        taken = [r[0] for r in con.execute("SELECT at FROM engagement_snapshots ORDER BY at")]
    assert taken == [T0, T0 + 3600, T0 + 7200]  # arrival, growth, the stop; then no more
    assert still == calm
    thread = thread_part(9)
    assert thread is not None  # 10 x log10(10) / 2 = 5
    rising = 10.0  # 99 interactions in an hour: all the points
    assert grown == pytest.approx(first + thread.points + rising, abs=0.01)
    assert calm == pytest.approx(first + thread.points, abs=0.01)


async def test_a_rule_boost_survives_rescoring_and_why_adds_up(tmp_path: Path) -> None:
    """It should keep what a rule added, and explain the rising part in the parts."""
    from core.analysis.match import compile_query
    from core.rules.model import Actions, Conditions, Rule
    from core.rules.stored import apply

    path = tmp_path / "b.db"
    await stored(path, [(T0, [post(0, 0)])])
    rule = Rule("grinders", Conditions(query=compile_query("grinder")), Actions(boost=7.0))
    async with await Store.open(path) as store:
        await apply(store, (rule,), now=T0 + 10)
    await stored(path, [(T0 + 1800, [post(3, 20)])])
    async with await Store.open(path) as store:
        detail = await Inbox(store.db, store.transaction, me="ana").detail(1)
        assert detail is not None
        rising = await rising_of(store.db, 1)
    assert rising is not None and rising.reason.startswith("+23 interactions in 30 min")
    reasons = why(detail, rising)
    names = [part.name for part in reasons.parts]
    assert "rising" in names and "active thread" in names and "rule boost" in names
    assert sum(part.points for part in reasons.parts) == pytest.approx(detail.row.priority,
                                                                      abs=0.01)
    assert next(p for p in reasons.parts if p.name == "rule boost").points == pytest.approx(7)


async def test_the_brands_own_posts_are_not_rescored(tmp_path: Path) -> None:
    """It should leave an owned post's priority and its snapshot schedule alone."""
    own = post(0, 0)
    own.owned = True
    grown = post(9, 90)
    grown.owned = True
    first, later = await stored(tmp_path / "o.db", [(T0, [own]), (T0 + 3600, [grown])])
    assert first == later == 0.0


def slash_feed(items: list[tuple[str, str, int, int]]) -> bytes:
    """RSS with slash:comments: (guid, title, published, comments) per item."""
    entries = "".join(
        f"<item><title>{title}</title><guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{_rfc822(published)}</pubDate><slash:comments>{comments}</slash:comments>"
        "</item>" for guid, title, published, comments in items)
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:slash='
            '"http://purl.org/rss/1.0/modules/slash/"><channel><title>t</title>'
            f"<link>http://example.com/</link><description>d</description>{entries}"
            "</channel></rss>").encode()


def _rfc822(epoch: int) -> str:
    from email.utils import formatdate
    return formatdate(epoch, usegmt=True)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_a_thread_growing_between_two_real_polls_moves_up(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should put a mention whose comments grew between two polls above one that did
    not, in the inbox's own triage order."""
    comments = {"grow": 0}

    def reply(_: object) -> Reply:
        return Reply(200, slash_feed([
            ("calm", "Northwind grinder thread one", T0 - 3600, 2),
            ("grow", "Northwind grinder thread two", T0 - 7200, comments["grow"])]),
            {"Content-Type": "application/rss+xml"})

    url = loopback.route("/feed.xml", reply)
    config = parse_config(
        '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n[network]\n'
        'allow_private_addresses = true\n\n[poller]\njitter = 0\n\n'
        f'[[sources]]\nkind = "feed"\nname = "forum"\nurl = "{url}"\n', Path("t.toml"))
    clock = Clock(T0)
    async with await Store.open(tmp_path / "p.db") as store:
        inbox = Inbox(store.db, store.transaction, me="ana")

        async def order() -> list[str]:
            rows = await inbox.window(builtin_view("new"), Filters(), now=int(clock()), limit=9)
            return [row.title for row in rows]

        async with open_poller(config, store, clock=clock) as poller:
            await poller.poll_once()
            assert await order() == ["Northwind grinder thread one", "Northwind grinder thread two"]
            clock.now, comments["grow"] = T0 + 1800, 60
            await poller.poll_once()
            assert await order() == ["Northwind grinder thread two", "Northwind grinder thread one"]
            rows = await inbox.window(builtin_view("new"), Filters(), now=T0 + 1800, limit=9)
            rising = await rising_of(store.db, rows[0].id)
    assert rising is not None and rising.points == pytest.approx(10.0)  # 120 an hour
    assert len(loopback.requests) == 2
