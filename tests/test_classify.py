"""Default category and priority: rules, ordering, explanations, injected clock."""

from __future__ import annotations

import pytest

from core.analysis.classify import categorize, categorize_with_reason, explain_priority, priority
from core.model import Label, Match, Mention, Sentiment

NOW = 1_700_000_000
BRAND = Match("brand", "Acme")
RIVAL = Match("competitor", "Globex")


def mention(text: str, compound: float = 0.0, **fields: object) -> Mention:
    """A mention with a given sentiment, as enrichment would have scored it."""
    label = (
        Label.POSITIVE if compound > 0.05 else Label.NEGATIVE if compound < -0.05 else Label.NEUTRAL
    )
    m = Mention("feed", text=text, sentiment=Sentiment(compound, label, "vader"), matched=[BRAND])
    for name, value in fields.items():
        setattr(m, name, value)
    return m


CATEGORIES = [
    ("How do I export my notes", 0.0, "question"),
    ("Is Acme down for anyone else?", 0.0, "question"),
    ("Anyone tried the new Acme release", 0.0, "question"),
    ("Does anyone know if Acme syncs offline.", 0.0, "question"),
    ("Hvordan eksporterer jeg mine noter", 0.0, "question"),
    ("Kan man bruge Acme offline", 0.0, "question"),
    ("Can't believe how good Acme is", 0.7, "praise"),
    ("Feature request: dark mode in Acme", 0.0, "idea"),
    ("It would be nice if Acme had a CSV export", 0.4, "idea"),
    ("Could you please add a dark mode?", 0.3, "idea"),
    ("Mit forslag: lav en mørk tilstand", 0.0, "idea"),
    ("Det ville være fedt med eksport til CSV", 0.4, "idea"),
    ("The app is broken again, worst update ever", -0.7, "complaint"),
    ("Acme crashes every time I open it", -0.3, "complaint"),
    ("Appen virker ikke, jeg er skuffet", -0.5, "complaint"),
    ("I hate this so much", -0.8, "complaint"),
    ("Mildly annoyed today", -0.3, "other"),
    ("Acme is down but I am happy anyway", 0.5, "praise"),  # a problem word needs negativity
    ("Acme is amazing, thank you!", 0.8, "praise"),
    ("Acme is fine", 0.2, "other"),
    ("We met at the Acme office", 0.0, "other"),
]


@pytest.mark.parametrize(("text", "compound", "category"), CATEGORIES)
def test_categories(text: str, compound: float, category: str | None) -> None:
    """It should pick the default category by the documented rules."""
    assert categorize(mention(text, compound)) == category


def test_competitor_only_mentions() -> None:
    """It should file a mention that matched only competitors under 'competitor'."""
    assert categorize(mention("Globex is broken", -0.7, matched=[RIVAL])) == "competitor"
    assert categorize(mention("Globex beats Acme?", 0.0, matched=[BRAND, RIVAL])) == "question"


def test_idea_wins_over_question() -> None:
    """It should treat a request phrased as a question as an idea."""
    assert categorize(mention("Can you add dark mode?", 0.0)) == "idea"


def test_reason_names_the_rule() -> None:
    """It should explain which rule chose the category."""
    category, reason = categorize_with_reason(mention("The sync is broken", -0.5))
    assert category == "complaint"
    assert "broken" in reason


def test_own_posts_are_not_triaged() -> None:
    """It should give the brand's own posts no category and no priority."""
    own = mention("Why not try our new release?", -0.5, owned=True, published_at=NOW)
    assert categorize(own) is None
    assert priority(own, NOW) == 0.0
    assert explain_priority(own, NOW) == ["our own post: not triaged"]


def with_category(m: Mention) -> Mention:
    m.category = categorize(m)
    return m


def test_negative_and_questions_outrank_reach_and_freshness() -> None:
    """It should put negative mentions and questions above famous, fresh, neutral ones."""
    stale_negative = with_category(mention("meh, bad", -0.3, published_at=NOW - 30 * 86400))
    stale_question = with_category(mention("How do I log in", 0.0, published_at=NOW - 30 * 86400))
    famous_fresh = with_category(
        mention("Acme office", 0.0, author_followers=50_000_000, published_at=NOW)
    )
    assert priority(stale_negative, NOW) > priority(famous_fresh, NOW)
    assert priority(stale_question, NOW) > priority(famous_fresh, NOW)


def test_more_negative_and_complaints_rank_higher() -> None:
    """It should rank a stronger negative, and a complaint, above a milder negative."""
    mild = with_category(mention("meh", -0.2))
    strong = with_category(mention("meh", -0.9))
    complaint = with_category(mention("it is broken", -0.2))
    assert priority(strong, NOW) > priority(mild, NOW)
    assert priority(complaint, NOW) > priority(mild, NOW)


def test_reach_then_freshness() -> None:
    """It should rank more followers higher, and fresher higher, among neutral mentions."""
    small = mention("Acme", author_followers=10, published_at=NOW)
    big = mention("Acme", author_followers=100_000, published_at=NOW)
    old = mention("Acme", author_followers=10, published_at=NOW - 86400)
    assert priority(big, NOW) > priority(small, NOW) > priority(old, NOW)


def test_freshness_halves_and_future_counts_as_now() -> None:
    """It should halve the freshness points every half-life and cap clock skew at 'now'."""
    fresh = priority(mention("Acme", published_at=NOW), NOW)
    half = priority(mention("Acme", published_at=NOW - 6 * 3600), NOW)
    future = priority(mention("Acme", published_at=NOW + 3600), NOW)
    assert half == pytest.approx(fresh / 2, abs=0.01)
    assert future == fresh


def test_priority_depends_only_on_now() -> None:
    """It should give the same answer for the same mention and clock, and less later on."""
    m = mention("Acme", published_at=NOW)
    assert priority(m, NOW) == priority(m, NOW)
    assert priority(m, NOW + 3600) < priority(m, NOW)


def test_explanation_lists_each_part() -> None:
    """It should explain each part of the priority with its points."""
    m = with_category(
        mention("How do I fix this bad sync", -0.5, author_followers=12_300, published_at=NOW - 600)
    )
    lines = explain_priority(m, NOW)
    assert any(line.startswith("negative (-0.50)") for line in lines)
    assert "a question: +50" in lines
    assert any("12,300 followers" in line for line in lines)
    assert any(line.startswith("published 10 min ago") for line in lines)
    unknown = explain_priority(mention("Acme"), NOW)
    assert unknown == ["no publication time: no freshness points"]
