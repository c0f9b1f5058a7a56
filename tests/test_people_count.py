"""Counting the influencers table under a platform filter: people heard there alone, found by
index seeks, and merged people heard there among other platforms, up to the cap."""

from __future__ import annotations

from pathlib import Path

from core.people.directory import PeopleFilter
from tests.people_data import T0, mention, people_of, store_with


async def test_platform_counts_include_merged_people_and_stop_at_the_cap(tmp_path: Path
                                                                         ) -> None:
    """It should count three reddit-only people and one merged mastodon+reddit person as four
    on reddit, by stance too, and stop at a cap."""
    posts = [mention(f"r{i}", f"red{i}", "reddit", compound=-0.8 if i == 0 else 0.0)
             for i in range(3)]
    posts += [mention("m0", "ann", "mastodon"), mention("m1", "bob", "mastodon"),
              mention("r9", "ann_r", "reddit", compound=-0.8)]
    async with await store_with(tmp_path / "p.db", posts) as store:
        people = people_of(store)
        await people.refresh(T0)
        ann = next(r for r in await people.ranked(PeopleFilter()) if r.name == "Ann")
        ann_r = next(r for r in await people.ranked(PeopleFilter()) if r.name == "Ann_R")
        await people.merge(ann.id, ann_r.id, actor="ana", now=T0)
        await people.refresh(T0)
        merged = await people.person(ann.id)
        assert merged is not None and merged.platforms == "mastodon,reddit"
        assert await people.count(PeopleFilter(platform="reddit")) == 4
        assert await people.count(PeopleFilter(platform="mastodon")) == 2
        critics = PeopleFilter(platform="reddit", stance="critic")
        assert await people.count(critics) == len(await people.ranked(critics)) == 2
        assert await people.count(PeopleFilter(platform="reddit"), cap=2) == 2
        assert await people.count(PeopleFilter(platform="reddit"), cap=4) == 4
        assert await people.count(PeopleFilter(platform="hackernews")) == 0
