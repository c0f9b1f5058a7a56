"""People from real recorded platform responses: Mastodon accounts with followers, Reddit and
Hacker News authors, Bluesky handles — parsed by the real adapters, enriched, ingested into a
real SQLite file, then counted, merged and scored."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from core.analysis.enrich import EnrichSpec, enrich
from core.model import Match, Mention, SourceConfig
from core.people.directory import PeopleFilter
from core.sources import bluesky, hackernews, mastodon, reddit
from core.store import Store
from tests.people_data import people_of
from tests.replay import betamax, hn_fixtures, options_for, vcr

pytestmark = pytest.mark.corpus
pytest.importorskip("yaml", reason="PyYAML reads the vcrpy cassettes (test dependency)")

NOW = 1_764_000_000
# "the" as the brand's query: a real share of these posts are "about us", the rest are not.
SPEC = EnrichSpec(sets=((Match("brand", "Acme"), ("the",)),), match_all=True)


def _mastodon(corpora: Path) -> tuple[list[Mention], list[dict]]:
    rec = next(r for r in vcr(corpora / "mastodon-py-cassettes" / "test_public_tl.yaml")
               if r.method == "GET" and "/timelines/public" in r.url)
    source = SourceConfig(name="m", kind="mastodon", url=rec.url)
    page = mastodon.parse_statuses(rec.body, rec.headers, options_for(source, rec.url))
    return page.mentions, [(s["reblog"] or s)["account"] for s in json.loads(rec.body)]


def _reddit(corpora: Path) -> list[Mention]:
    path = corpora / "reddit-recorded" / "praw" / "TestSubredditListings.test_new.json"
    rec = next(r for r in betamax(path) if "access_token" not in r.url)
    source = SourceConfig(name="r", kind="reddit", url="x", options={"subreddit": "askreddit"})
    return reddit.parse_listing(rec.body, rec.headers, options_for(source, "https://x/")).mentions


def _hackernews(corpora: Path) -> list[Mention]:
    found: list[Mention] = []
    for rec in hn_fixtures(corpora / "hn-algolia" / "fixtures.json"):
        if "/search" in rec.url:
            source = SourceConfig(name="hn", kind="hackernews", url=rec.url,
                                  options={"query": "x"})
            found += hackernews.parse_search(rec.body, rec.headers,
                                             options_for(source, rec.url)).mentions
    return found


def _bluesky(corpora: Path) -> tuple[list[Mention], dict]:
    path = corpora / "bluesky-atproto" / "responses" / "thread_view_post_with_embed_media.json"
    view = json.loads(path.read_text(encoding="utf-8"))["thread"]["post"]
    body = json.dumps({"posts": [view]}).encode()
    source = SourceConfig(name="b", kind="bluesky", url="x", options={"query": "brand"})
    return bluesky.parse_search(body, {}, options_for(source, "https://x/")).mentions, view


async def _ingest(path: Path, batches: dict[str, list[Mention]]) -> Store:
    store = await Store.open(path)
    ids = await store.sync_sources([SourceConfig(name=n, kind="feed", url=f"https://{n}.x/")
                                    for n in batches])
    for name, mentions in batches.items():
        kept = enrich(list(mentions), EnrichSpec(SPEC.sets, True, name), now=NOW)
        result = await store.ingest(ids[name], kept, now=NOW)
        assert not result.skipped
    return store


async def test_mastodon_accounts_become_people_with_followers(corpora: Path,
                                                              tmp_path: Path) -> None:
    """It should make one person per account, with its profile URL and follower count."""
    mentions, accounts = _mastodon(corpora)
    async with await _ingest(tmp_path / "m.db", {"mastodon": mentions}) as store:
        people = people_of(store)
        await people.refresh(NOW)
        by_acct = {a["acct"]: a for a in accounts}
        rows = await people.ranked(PeopleFilter(platform="mastodon"))
        assert len(rows) == len(by_acct) > 0
        posts = Counter(a["acct"] for a in accounts)
        for row in rows:
            profile = await people.profile(row.id)
            assert profile is not None
            [identity] = profile.identities
            account = next(a for a in accounts if a["url"] == identity.url)
            assert identity.followers == account["followers_count"] == row.followers
            assert row.posts == posts[account["acct"]]
            assert row.score == pytest.approx(
                row.relevance + row.engagement + row.consistency + row.reach)


async def test_reddit_and_hn_authors_and_bluesky_handles(corpora: Path, tmp_path: Path) -> None:
    """It should make people of Reddit and HN authors (deleted ones stay anonymous) and of a
    Bluesky DID, each with a profile URL on its platform."""
    reddit_posts, hn_posts = _reddit(corpora), _hackernews(corpora)
    sky_posts, view = _bluesky(corpora)
    batches = {"reddit": reddit_posts, "hackernews": hn_posts, "bluesky": sky_posts}
    async with await _ingest(tmp_path / "r.db", batches) as store:
        people = people_of(store)
        await people.refresh(NOW)
        named = {m.author for m in reddit_posts if m.author not in ("", "[deleted]")}
        assert await people.count(PeopleFilter(platform="reddit")) == len(named) > 0
        hn_authors = {m.author_id for m in hn_posts if m.author_id}
        hn_people = await people.ranked(PeopleFilter(platform="hackernews"))
        assert len(hn_people) == len(hn_authors) > 10
        assert sum(p.posts for p in hn_people) == len({m.platform_id for m in hn_posts
                                                        if m.author_id})
        [sky] = await people.ranked(PeopleFilter(platform="bluesky"))
        profile = await people.profile(sky.id)
        assert profile is not None
        assert profile.identities[0].handle == view["author"]["did"]
        assert profile.identities[0].url == f"https://bsky.app/profile/{view['author']['handle']}"
        assert sky.name == view["author"]["displayName"]


async def test_merge_across_platforms_and_rank(corpora: Path, tmp_path: Path) -> None:
    """It should merge an HN author and a Reddit author into one person whose counts are the
    sum, rescore them, and split them back."""
    batches = {"reddit": _reddit(corpora), "hackernews": _hackernews(corpora)}
    async with await _ingest(tmp_path / "x.db", batches) as store:
        people = people_of(store)
        await people.refresh(NOW)
        before = await people.count(PeopleFilter())
        [r] = (await people.ranked(PeopleFilter(platform="reddit")))[:1]
        [h] = (await people.ranked(PeopleFilter(platform="hackernews")))[:1]
        await people.merge(h.id, r.id, actor="ana", now=NOW)
        await people.refresh(NOW)
        merged = await people.person(h.id)
        assert merged is not None
        assert (merged.platforms, merged.posts) == ("hackernews,reddit", h.posts + r.posts)
        assert await people.count(PeopleFilter()) == before - 1
        ranked = await people.ranked(PeopleFilter())
        assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
        await people.split(h.id, actor="ana", now=NOW)
        await people.refresh(NOW)
        assert await people.count(PeopleFilter()) == before
