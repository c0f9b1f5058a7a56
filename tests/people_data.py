"""Mentions for the people tests, written by hand and stored through the real ingest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.model import Engagement, Label, Match, Mention, Sentiment, SourceConfig
from core.people.directory import People
from core.people.refresh import ScoreSettings
from core.store import Store

T0 = 1_717_200_000  # 2024-06-01 00:00 UTC
DAY = 86400


def mention(key: str, author: str, platform: str = "mastodon", *, text: str = "a post",
            matched: Sequence[str] = ("brand:Acme",), followers: int | None = None,
            likes: int | None = None, compound: float = 0.0, at: int = T0,
            name: str | None = None) -> Mention:
    """One mention by ``author`` (their handle) with the given matches and counts."""
    label = Label.POSITIVE if compound > 0.05 else Label.NEGATIVE if compound < -0.05 \
        else Label.NEUTRAL
    return Mention(
        platform=platform, title="", text=text, url=f"https://{platform}.example/{key}",
        platform_id=key, author=name or author.title(), author_id=author,
        author_url=f"https://{platform}.example/@{author}", author_followers=followers,
        published_at=at, engagement=Engagement(likes=likes), key=f"{platform}:{key}",
        language="en", sentiment=Sentiment(compound, label, "vader"),
        matched=[Match(*m.split(":", 1)) for m in matched],
    )


async def store_with(path: Path, mentions: Sequence[Mention], *, now: int = T0) -> Store:
    """A store at ``path`` holding ``mentions`` (one source per platform), ingested for real."""
    store = await Store.open(path)
    platforms = sorted({m.platform for m in mentions})
    ids = await store.sync_sources(
        [SourceConfig(name=p, kind="feed", url=f"https://{p}.example/feed") for p in platforms])
    for platform in platforms:
        await store.ingest(ids[platform], [m for m in mentions if m.platform == platform],
                           now=now)
    return store


def people_of(store: Store, settings: ScoreSettings | None = None) -> People:
    """The people over ``store``."""
    return People(store.db, store.transaction, settings)
