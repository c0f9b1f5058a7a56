"""Priority: each part and its weight, the order they make, explanations, injected clock."""

from __future__ import annotations

import pytest

from core.analysis.priority import (
    ADDRESSED_POINTS,
    COMPLAINT_POINTS,
    NEWS_POINTS,
    REPLY_POINTS,
    explain_priority,
    priority,
    priority_parts,
)
from core.model import Engagement, Label, Match, Mention, Sentiment

NOW = 1_700_000_000


def mention(text: str = "Acme", compound: float = 0.0, category: str | None = "other",
            **fields: object) -> Mention:
    """A mention as enrichment leaves it: sentiment and category already set."""
    label = (
        Label.POSITIVE if compound > 0.05 else Label.NEGATIVE if compound < -0.05 else Label.NEUTRAL
    )
    m = Mention("feed", text=text, sentiment=Sentiment(compound, label, "vader"),
                matched=[Match("brand", "Acme")], category=category)
    for name, value in fields.items():
        setattr(m, name, value)
    return m


def parts(m: Mention) -> dict[str, float]:
    return {part.name: part.points for part in priority_parts(m, NOW)}


def test_needs_a_reply_outranks_reach_threads_and_freshness() -> None:
    """It should put a stale question or complaint above a famous, busy, fresh remark."""
    month = NOW - 30 * 86400
    question = mention("Can I return it", category="question", published_at=month)
    complaint = mention("It broke", -0.3, category="complaint", published_at=month)
    famous = mention("Acme office", author_followers=50_000_000, published_at=NOW,
                     engagement=Engagement(replies=500))
    assert priority(complaint, NOW) > priority(question, NOW) > priority(famous, NOW)
    assert parts(question)["needs a reply"] == REPLY_POINTS
    assert parts(complaint)["needs a reply"] == REPLY_POINTS + COMPLAINT_POINTS


def test_negative_before_positive_and_more_negative_first() -> None:
    """It should rank negative above neutral and positive, and stronger negative higher."""
    mild, strong = mention("I meh", -0.2), mention("I meh", -0.9)
    neutral, positive = mention("I meh"), mention("I yay", 0.8, category="praise")
    assert priority(strong, NOW) > priority(mild, NOW) > priority(neutral, NOW)
    assert priority(neutral, NOW) == priority(positive, NOW) == 0.0


def test_addressed_to_us() -> None:
    """It should raise a mention that names a handle or speaks to the brand."""
    assert parts(mention("@acme where is my order", category="question"))["addressed to us"] == (
        ADDRESSED_POINTS)
    assert "addressed to us" in parts(mention("Could you ship to Norway", category="question"))
    assert "addressed to us" in parts(mention("Kan I sende til Norge", category="question",
                                                  language="da"))
    assert "addressed to us" not in parts(mention("The shop opens in May"))


def test_pure_news_goes_down_but_a_person_speaking_does_not() -> None:
    """It should lower news and regulation that ask nothing, not a person's own remark."""
    assert parts(mention("Acme opens a shop in Malmö."))["pure news"] == NEWS_POINTS
    assert "pure news" not in parts(mention("I saw the new Acme shop today."))
    assert "pure news" not in parts(mention("New EU rules for grinders?", category="regulation"))


def test_reach_threads_then_freshness() -> None:
    """It should rank more followers, more replies and fresher posts higher."""
    small = mention(author_followers=10, published_at=NOW)
    big = mention(author_followers=100_000, published_at=NOW)
    busy = mention(author_followers=10, published_at=NOW, engagement=Engagement(replies=40))
    old = mention(author_followers=10, published_at=NOW - 86400)
    assert priority(big, NOW) > priority(small, NOW) > priority(old, NOW)
    assert priority(busy, NOW) > priority(small, NOW)


def test_freshness_halves_and_future_counts_as_now() -> None:
    """It should halve the freshness points every half-life and cap clock skew at 'now'."""
    fresh = parts(mention(published_at=NOW))["fresh"]
    half = parts(mention(published_at=NOW - 6 * 3600))["fresh"]
    future = parts(mention(published_at=NOW + 3600))["fresh"]
    assert half == pytest.approx(fresh / 2)
    assert future == fresh


def test_priority_depends_only_on_now() -> None:
    """It should give the same answer for the same mention and clock, and less later on."""
    m = mention(published_at=NOW, category="question")
    assert priority(m, NOW) == priority(m, NOW)
    assert priority(m, NOW + 3600) < priority(m, NOW)


def test_explanation_lists_each_part_with_its_points() -> None:
    """It should explain each part of the priority by name, reason and points."""
    m = mention("@acme how do I fix this bad sync", -0.5, category="question",
                author_followers=12_300, published_at=NOW - 600, engagement=Engagement(3))
    assert explain_priority(m, NOW) == [
        "needs a reply: a question: +50",
        "negative: sentiment -0.50: +30",
        "addressed to us: names a handle: +8",
        "reach: 12,300 followers: +17",
        "active thread: 3 replies: +3",
        "fresh: published 10 min ago: +20",
    ]
    assert explain_priority(mention(category="praise"), NOW) == ["fresh: no publication time: +0"]


def test_own_posts_are_not_triaged() -> None:
    """It should give the brand's own posts priority 0."""
    own = mention("Why not try our new release?", -0.5, category=None, owned=True,
                  published_at=NOW)
    assert priority(own, NOW) == 0.0
    assert explain_priority(own, NOW) == ["own post: ours, not triaged: +0"]
