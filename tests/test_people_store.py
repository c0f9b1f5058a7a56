"""People in a real SQLite file: identities from ingest, scores kept current, lists, mute,
merges and splits, undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.model import Mention
from core.people.directory import PeopleFilter, PeopleOrder, PersonError
from core.people.refresh import ScoreSettings
from core.people.score import Weights
from core.store.ingest import SKIP_MUTED
from tests.people_data import DAY, T0, mention, people_of, store_with

NOW = T0 + DAY


def corpus() -> list[Mention]:
    """Ada: relevant and modest; Huge: a big account that rarely names us; Cy: a critic."""
    ada = [mention(f"a{i}", "ada", matched=("product:Kettle",), likes=2, followers=300,
                   compound=0.6, at=T0 - i * DAY) for i in range(5)]
    huge = [mention(f"h{i}", "huge", matched=() if i else ("brand:Acme",), likes=500,
                    followers=2_000_000, at=T0 - i * DAY) for i in range(20)]
    cy = [mention(f"c{i}", "cy", "reddit", compound=-0.7, at=T0 - i * 3600) for i in range(3)]
    return ada + huge + cy


async def test_identities_become_people_scored_relevance_first(tmp_path: Path) -> None:
    """It should make each author a person, with counts, stance and relevance-first scores."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        assert await people.refresh(NOW) == 3
        rows = await people.window(PeopleFilter(), PeopleOrder.SCORE, limit=10)
        assert [r.name for r in rows] == ["Ada", "Huge", "Cy"]
        ada, huge, cy = rows
        assert (ada.posts, ada.per_post, ada.followers, ada.stance) == (5, 2.0, 300, "advocate")
        assert (huge.posts, huge.followers, huge.stance) == (20, 2_000_000, "neutral")
        assert (cy.platforms, cy.stance) == ("reddit", "critic")
        for row in rows:
            parts = row.relevance + row.engagement + row.consistency + row.reach
            assert parts == pytest.approx(row.score)
        explained = await people.explain(ada.id, NOW)
        assert explained is not None and explained.total == pytest.approx(ada.score)


async def test_only_dirty_people_are_rescored(tmp_path: Path) -> None:
    """It should rescore only the people whose mentions changed since the last refresh."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        await people.refresh(NOW)
        assert await people.refresh(NOW) == 0
        source = (await store.sources())[0]
        await store.ingest(source.id, [mention("a9", "ada", likes=4)], now=NOW)
        assert await people.refresh(NOW) == 1
        by_posts = await people.window(PeopleFilter(), PeopleOrder.POSTS, limit=3)
        assert [(r.name, r.posts) for r in by_posts] == [("Huge", 20), ("Ada", 6), ("Cy", 3)]


async def test_new_weights_rescore_everyone(tmp_path: Path) -> None:
    """It should rescore everyone when the weights change, and reach-only puts Huge first."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        await people_of(store).refresh(NOW)
        reach_only = people_of(store, ScoreSettings(Weights(0, 0, 0, 1)))
        assert await reach_only.refresh(NOW) == 3
        first = (await reach_only.window(PeopleFilter(), PeopleOrder.SCORE, limit=1))[0]
        assert first.name == "Huge"


async def test_niche_terms_make_posts_relevant(tmp_path: Path) -> None:
    """It should count a post naming a niche term as relevant and specific."""
    posts = [mention("n1", "nia", matched=(), text="My ESPRESSO routine"),
             mention("n2", "nia", matched=(), text="weather today")]
    async with await store_with(tmp_path / "p.db", posts) as store:
        plain, niche = people_of(store), people_of(store, ScoreSettings(niche=("espresso",)))
        await plain.refresh(NOW)
        before = (await plain.window(PeopleFilter(), PeopleOrder.SCORE, limit=1))[0]
        await niche.refresh(NOW)
        after = (await niche.window(PeopleFilter(), PeopleOrder.SCORE, limit=1))[0]
        assert before.relevance == 0
        assert after.relevance == pytest.approx(0.4 * 100 * 0.5)  # 1 of 2 posts, specific


async def test_window_pages_by_keyset_both_ways(tmp_path: Path) -> None:
    """It should page forwards and backwards through every person exactly once."""
    posts = [mention(f"x{i}", f"user{i:02d}", likes=i) for i in range(25)]
    async with await store_with(tmp_path / "p.db", posts) as store:
        people = people_of(store)
        await people.refresh(NOW)
        seen, page = [], await people.window(PeopleFilter(), PeopleOrder.PER_POST, limit=10)
        while page:
            seen += page
            page = await people.window(PeopleFilter(), PeopleOrder.PER_POST, limit=10,
                                       after=page[-1])
        assert [r.name for r in seen] == [f"User{i:02d}" for i in range(24, -1, -1)]
        back = await people.window(PeopleFilter(), PeopleOrder.PER_POST, limit=3,
                                   before=seen[10])
        assert back == seen[7:10]
        assert await people.window(PeopleFilter(), PeopleOrder.PER_POST, limit=2,
                                   last=True) == seen[-2:]


async def test_filters_by_platform_stance_and_list(tmp_path: Path) -> None:
    """It should narrow the table by platform, stance and list, and count what it shows."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        await people.refresh(NOW)
        reddit = await people.window(PeopleFilter(platform="reddit"), PeopleOrder.SCORE, limit=9)
        assert [r.name for r in reddit] == ["Cy"]
        advocates = PeopleFilter(stance="advocate")
        assert [r.name for r in await people.window(advocates, PeopleOrder.SCORE, limit=9)] == \
            ["Ada"]
        assert await people.toggle_list(reddit[0].id, "critics", actor="ana", now=NOW)
        critics = PeopleFilter(list="critics")
        assert await people.count(critics) == 1
        assert (await people.window(critics, PeopleOrder.SCORE, limit=9))[0].lists == ("critics",)
        assert await people.list_names() == ["critics"]
        assert not await people.toggle_list(reddit[0].id, "critics", actor="ana", now=NOW)
        assert await people.count(critics) == 0
        for bad in ("", "  ", "press, tv"):
            with pytest.raises(PersonError, match="a list needs a name without commas"):
                await people.toggle_list(reddit[0].id, bad, actor="ana", now=NOW)


async def test_merge_and_split(tmp_path: Path) -> None:
    """It should merge two identities into one person (lists and notes kept) and split them."""
    posts = [mention("m1", "ada", followers=100), mention("r1", "ada_r", "reddit")]
    async with await store_with(tmp_path / "p.db", posts) as store:
        people = people_of(store)
        await people.refresh(NOW)
        a, b = sorted(await people.window(PeopleFilter(), PeopleOrder.SCORE, limit=9),
                      key=lambda r: r.id)
        await people.toggle_list(b.id, "prospects", actor="ana", now=NOW)
        await people.add_note(b.id, "met at the fair", actor="ana", now=NOW)
        await people.merge(a.id, b.id, actor="ana", now=NOW)
        await people.refresh(NOW)
        merged = await people.window(PeopleFilter(), PeopleOrder.SCORE, limit=9)
        assert [(r.id, r.posts, r.platforms, r.lists) for r in merged] == \
            [(a.id, 2, "mastodon,reddit", ("prospects",))]
        profile = await people.profile(a.id)
        assert profile is not None
        assert [i.handle for i in profile.identities] == ["ada", "ada_r"]
        assert [n[2] for n in profile.notes] == ["met at the fair"]
        with pytest.raises(PersonError):
            await people.merge(a.id, a.id, actor="ana", now=NOW)
        assert await people.split(a.id, actor="ana", now=NOW) == 1
        await people.refresh(NOW)
        assert await people.count(PeopleFilter()) == 2


async def test_muted_person_skips_new_and_undo_unmutes(tmp_path: Path) -> None:
    """It should file a muted person's new mentions as done, log it, and undo the mute."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        await people.refresh(NOW)
        cy = (await people.window(PeopleFilter(platform="reddit"), PeopleOrder.SCORE,
                                  limit=1))[0]
        await people.set_muted(cy.id, True, actor="ana", now=NOW)
        source = next(s for s in await store.sources() if s.name == "reddit")
        result = await store.ingest(source.id, [mention("c9", "cy", "reddit"),
                                                mention("d1", "dee", "reddit")], now=NOW)
        statuses = {m.author_id: m.status for m in
                    [await store.get_mention(i) for i in result.new_ids] if m}
        assert statuses == {"cy": "done", "dee": "new"}
        assert await people.undo_last("ana", now=NOW) == "mute"
        assert await people.undo_last("bo", now=NOW) is None
        result = await store.ingest(source.id, [mention("c10", "cy", "reddit")], now=NOW)
        fresh = await store.get_mention(result.new_ids[0])
        assert fresh is not None and fresh.status == "new"
        profile = await people.profile(cy.id)
        assert profile is not None
        assert [h[2] for h in profile.history] == ["undo", "mute"]


async def test_skipping_a_muted_persons_mentions_reads_only_the_new_rows(tmp_path: Path) -> None:
    """It should look for muted people's mentions among the rows just inserted (a range of
    ids), not among every mention still New: that walk cost each source's ingest 3.3 ms at
    20,000 stored mentions."""
    async with await store_with(tmp_path / "p.db", corpus()):
        pass
    with sqlite3.connect(tmp_path / "p.db") as con:
        plan = [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {SKIP_MUTED}", (0,))]
    assert "SEARCH mentions USING INTEGER PRIMARY KEY (rowid>?)" in plan, plan


async def test_profile_lists_mentions_with_outcome_and_first_response(tmp_path: Path) -> None:
    """It should show each mention with its triage outcome and how fast we first acted."""
    from core.inbox.triage import Ids, Inbox

    async with await store_with(tmp_path / "p.db", corpus(), now=T0) as store:
        people = people_of(store)
        await people.refresh(NOW)
        cy = (await people.window(PeopleFilter(platform="reddit"), PeopleOrder.SCORE,
                                  limit=1))[0]
        profile = await people.profile(cy.id)
        assert profile is not None and len(profile.mentions) == 3
        first = profile.mentions[0]
        inbox = Inbox(store.db, store.transaction, me="ana")
        await inbox.set_status(Ids((first.id,)), "done", actor="ana", now=T0 + 7200)
        profile = await people.profile(cy.id)
        assert profile is not None
        assert (profile.mentions[0].status, profile.mentions[0].first_response) == ("done", 7200)
        assert profile.mentions[1].first_response is None


async def test_a_new_day_rescores_everyone(tmp_path: Path) -> None:
    """It should rescore everyone once a day, since recency ages every score."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        assert await people.refresh(NOW) == 3
        assert await people.refresh(NOW + 3600) == 0
        before = (await people.window(PeopleFilter(), PeopleOrder.SCORE, limit=1))[0]
        assert await people.refresh(NOW + 40 * DAY) == 3
        after = await people.person(before.id)
        assert after is not None and after.consistency < before.consistency


async def test_tags_and_notes_are_undone_newest_first(tmp_path: Path) -> None:
    """It should undo a tag, then a note, each by the person who made it."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        await people.refresh(NOW)
        ada = (await people.window(PeopleFilter(), PeopleOrder.SCORE, limit=1))[0]
        await people.add_note(ada.id, "loves the kettle", actor="ana", now=NOW)
        await people.add_tag(ada.id, "vip", actor="ana", now=NOW)
        profile = await people.profile(ada.id)
        assert profile is not None
        assert (profile.tags, profile.notes) == (("vip",), ((NOW, "ana", "loves the kettle"),))
        assert await people.undo_last("ana", now=NOW) == "tag"
        assert await people.undo_last("ana", now=NOW) == "note"
        profile = await people.profile(ada.id)
        assert profile is not None and (profile.tags, profile.notes) == ((), ())


async def test_a_mention_arriving_during_a_rescore_keeps_its_author_dirty(
        tmp_path: Path) -> None:
    """It should count a mention that arrives after a rescore claimed its author, next pass."""
    async with await store_with(tmp_path / "p.db", corpus()) as store:
        people = people_of(store)
        await people.refresh(NOW)
        source = next(s for s in await store.sources() if s.name == "reddit")
        async with store.transaction() as db:  # what refresh's claim does, frozen mid-pass
            await db.execute("UPDATE people SET dirty = 2")
        await store.ingest(source.id, [mention("c7", "cy", "reddit")], now=NOW)
        await people.refresh(NOW)
        cy = (await people.window(PeopleFilter(platform="reddit"), PeopleOrder.SCORE,
                                  limit=1))[0]
        assert cy.posts == 4
        assert await people.refresh(NOW) == 0


async def test_filtered_counts_stop_at_the_cap(tmp_path: Path) -> None:
    """It should count a filtered table up to its cap and the whole table exactly."""
    posts = [mention(f"x{i}", f"user{i}", "reddit") for i in range(12)]
    async with await store_with(tmp_path / "p.db", posts) as store:
        people = people_of(store)
        await people.refresh(NOW)
        assert await people.count(PeopleFilter(platform="reddit"), cap=5) == 5
        assert await people.count(PeopleFilter(platform="reddit")) == 12
        assert await people.count(PeopleFilter(), cap=5) == 12
