"""Issue 16, item 3, in core: reply claims and presence between two people on one real file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.config import ConfigError, parse_config
from core.store import Store
from core.team.awareness import TeamAwareness
from core.team.claims import Claims
from core.team.presence import LIVE, Heartbeat, Presence, also_here
from tests.tui.inbox_db import T0, M, create_db, insert


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    await create_db(path)
    insert(path, [M(title="first"), M(title="second"), M(title="third")])
    return path


async def test_a_claim_shows_to_others_and_not_to_its_holder(db: Path) -> None:
    """It should show ana's claim to bo as "ana is replying (2 min)", and not to ana."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana, bo = Claims(a, "ana", length=180), Claims(b, "bo", length=180)
        await ana.take(1, now=T0)
        seen = await bo.by_others([1, 2, 3], now=T0 + 150)
        assert list(seen) == [1]
        assert seen[1].words(T0 + 150) == "ana is replying (2 min)"
        assert seen[1].words(T0 + 5) == "ana is replying (1 min)"  # never "0 min"
        assert await ana.by_others([1, 2, 3], now=T0 + 150) == {}
        holder = await bo.holder(1, now=T0 + 150)
        assert holder is not None and holder.person == "ana"


async def test_an_expired_claim_shows_nothing(db: Path) -> None:
    """It should forget a claim once its length has passed without renewal."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        await Claims(a, "ana", length=180).take(1, now=T0)
        bo = Claims(b, "bo", length=180)
        assert await bo.holder(1, now=T0 + 179) is not None
        assert await bo.holder(1, now=T0 + 180) is None
        assert await bo.by_others([1], now=T0 + 180) == {}


async def test_renewing_keeps_the_start_and_extends_the_end(db: Path) -> None:
    """It should keep a claim alive while its holder types, counting minutes from the start."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana, bo = Claims(a, "ana", length=180), Claims(b, "bo", length=180)
        await ana.take(1, now=T0)
        assert await ana.renew(1, now=T0 + 170)
        await ana.take(1, now=T0 + 175)  # reopening the editor on one's own live claim
        claim = await bo.holder(1, now=T0 + 300)
        assert claim is not None and claim.words(T0 + 300) == "ana is replying (5 min)"
        assert not await bo.renew(1, now=T0 + 300)  # bo holds no claim to renew


async def test_taking_over_and_releasing(db: Path) -> None:
    """It should let bo take ana's claim over (after the warning), stop ana's renewals from
    taking it back, and release only one's own claim."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana, bo = Claims(a, "ana", length=180), Claims(b, "bo", length=180)
        await ana.take(1, now=T0)
        await bo.take(1, now=T0 + 60)
        claim = await ana.holder(1, now=T0 + 60)
        assert claim is not None and (claim.person, claim.claimed_at) == ("bo", T0 + 60)
        assert not await ana.renew(1, now=T0 + 70)
        await ana.release(1)  # not ana's any more: left alone
        assert await ana.holder(1, now=T0 + 70) is not None
        await bo.release(1)
        assert await ana.holder(1, now=T0 + 70) is None


async def test_presence_names_the_others_on_a_mention(db: Path) -> None:
    """It should say who else has the mention open, drop them after LIVE seconds unrenewed,
    and forget an inbox that leaves."""
    async with await Store.open(db) as a, await Store.open(db) as b:
        ana = Presence(a, "ana", session=a.holder)
        bo = Presence(b, "bo", session=b.holder)
        await ana.beat(1, now=T0)
        await bo.beat(1, now=T0)
        assert await ana.others_on(1, now=T0 + 1) == ["bo"]
        assert await bo.others_on(1, now=T0 + 1) == ["ana"]
        assert await bo.others_on(2, now=T0 + 1) == []
        await bo.beat(2, now=T0 + 2)  # bo moves on
        assert await ana.others_on(1, now=T0 + 3) == []
        assert await ana.others_on(2, now=T0 + 3) == ["bo"]
        assert await ana.others_on(2, now=T0 + 2 + LIVE) == []  # a killed inbox fades
        await bo.beat(2, now=T0 + 20)
        await bo.leave(now=T0 + 20)
        assert await ana.others_on(2, now=T0 + 21) == []
    assert also_here(["bo", "cy"]) == "also here: bo, cy" and also_here([]) == ""


async def test_the_detail_line_joins_claim_and_presence(db: Path) -> None:
    """It should read "ana is replying (2 min) · also here: bo" to cy, naming ana once."""
    async with await Store.open(db) as a, await Store.open(db) as b, \
            await Store.open(db) as c:
        await Claims(a, "ana").take(1, now=T0)
        await Presence(a, "ana", session=a.holder).beat(1, now=T0 + 120)
        await Presence(b, "bo", session=b.holder).beat(1, now=T0 + 120)
        cy = TeamAwareness(c, "cy")
        assert await cy.note(1, now=T0 + 125) == "ana is replying (2 min) · also here: bo"
        assert await cy.row_claims([1, 2, 3], now=T0 + 125) == {1: "ana is replying (2 min)"}
        assert await cy.note(2, now=T0 + 125) == ""


async def test_heartbeats_are_throttled(db: Path) -> None:
    """It should write at most every MIN_GAP when the cursor moves, and every BEAT when not."""
    beat = Heartbeat(beat=5, gap=2)
    assert beat.due(1, 100.0)
    beat.wrote(1, 100.0)
    assert not beat.due(1, 104.9) and beat.due(1, 105.0)
    assert not beat.due(2, 101.9) and beat.due(2, 102.0)
    times = iter([0.0, 0.5, 1.0, 2.5])
    async with await Store.open(db) as a:
        team = TeamAwareness(a, "ana", monotonic=lambda: next(times))
        assert await team.beat(1, now=T0)
        assert not await team.beat(2, now=T0)  # 0.5 s later: too soon
        assert not await team.beat(3, now=T0)
        assert await team.beat(3, now=T0)  # 2.5 s after the first write
        async with a.db.execute("SELECT mention_id FROM presence") as cursor:
            assert [r[0] for r in await cursor.fetchall()] == [3]


def test_the_claim_length_is_configurable() -> None:
    """It should read [team] claim as a duration, bounded, defaulting to three minutes."""
    assert parse_config('[team]\nclaim = "5m"\n').team.claim == 300
    assert parse_config("").team.claim == 180
    with pytest.raises(ConfigError, match="claim"):
        parse_config('[team]\nclaim = "5s"\n')


async def test_a_heartbeat_skips_rather_than_waits_for_a_busy_database(db: Path) -> None:
    """It should give a heartbeat up at once while another process holds the write lock."""
    async with await Store.open(db, busy_timeout_ms=50) as a:
        presence = Presence(a, "ana", session=a.holder)
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            assert not await presence.beat(1, now=T0)
        finally:
            blocker.rollback()
            blocker.close()
        assert await presence.beat(1, now=T0)
        assert await Presence(a, "bo", session="x").others_on(1, now=T0) == ["ana"]
