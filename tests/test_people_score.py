"""The influence score: hand-computed cases, relevance before reach, parts adding up."""

from __future__ import annotations

import math

import pytest

from core.people.score import DAY, Stats, Weights, score, stance

NOW = 1_717_200_000

# 5 posts, all naming a product; 2 interactions a post; posting on 5 days, last today; 300
# followers. By hand: relevance 1.0; engagement 2 / (2 + 10) = 1/6; consistency
# (5 / (5 + 5) + 0.5 ** 0) / 2 = 0.75; reach log10(301) / 6 = 0.413094.
MODEST_RELEVANT = Stats(posts=5, relevant=5, specific=5, interactions=10, active_days=5,
                        last_seen=NOW, followers=300)
# 20 posts, one naming only the brand; 500 interactions a post; 2 million followers. By hand:
# relevance 0.5 * 1 / 20 = 0.025; engagement 500 / 510; consistency 0.75; reach 1.0 (capped).
HUGE_IRRELEVANT = Stats(posts=20, relevant=1, specific=0, interactions=10_000, active_days=5,
                        last_seen=NOW, followers=2_000_000)


def test_hand_computed_modest_relevant_author() -> None:
    """It should score the modest, relevant author as computed by hand."""
    result = score(MODEST_RELEVANT, Weights(), NOW)
    expected = 100 * (0.4 * 1.0 + 0.3 / 6 + 0.2 * 0.75 + 0.1 * math.log10(301) / 6)
    assert result.total == pytest.approx(expected)
    assert result.total == pytest.approx(64.1309, abs=1e-4)
    assert result.points("relevance") == pytest.approx(40.0)
    assert result.points("engagement") == pytest.approx(5.0)
    assert result.points("consistency") == pytest.approx(15.0)


def test_hand_computed_huge_irrelevant_author() -> None:
    """It should score the huge, mostly irrelevant author as computed by hand."""
    result = score(HUGE_IRRELEVANT, Weights(), NOW)
    assert result.points("relevance") == pytest.approx(1.0)
    assert result.points("engagement") == pytest.approx(30 * 500 / 510)
    assert result.points("reach") == pytest.approx(10.0)
    assert result.total == pytest.approx(55.4118, abs=1e-4)


def test_relevant_modest_author_outranks_irrelevant_huge_one() -> None:
    """It should put relevance before reach: the modest relevant author ranks higher."""
    assert score(MODEST_RELEVANT, Weights(), NOW).total > \
        score(HUGE_IRRELEVANT, Weights(), NOW).total


def test_parts_add_up_to_the_score_under_any_weights() -> None:
    """It should explain every score exactly: the parts' points sum to the total."""
    for weights in (Weights(), Weights(1, 1, 1, 1), Weights(0, 0, 0, 5), Weights(7, 0.5, 2, 0)):
        for stats in (MODEST_RELEVANT, HUGE_IRRELEVANT, Stats()):
            result = score(stats, weights, NOW)
            assert sum(p.points for p in result.parts) == pytest.approx(result.total)
            assert sum(p.weight for p in result.parts) == pytest.approx(1.0)
            assert [p.name for p in result.parts] == [
                "relevance", "engagement", "consistency", "reach"]


def test_weights_change_the_ranking() -> None:
    """It should let a config that weighs only reach put the huge account first."""
    reach_only = Weights(0, 0, 0, 1)
    assert score(HUGE_IRRELEVANT, reach_only, NOW).total > \
        score(MODEST_RELEVANT, reach_only, NOW).total


def test_reach_has_diminishing_returns() -> None:
    """It should give 1,000 followers half the reach and cap it at a million."""
    def reach_of(followers: int) -> float:
        return score(Stats(posts=1, followers=followers), Weights(0, 0, 0, 1), NOW).total
    assert reach_of(1000) == pytest.approx(50.0, abs=0.01)
    assert reach_of(1_000_000) == pytest.approx(100.0, abs=0.01)
    assert reach_of(50_000_000) == pytest.approx(100.0)


def test_recency_halves_every_thirty_days() -> None:
    """It should halve the "how recently" half of consistency for each 30 days of silence."""
    def consistency(days_ago: int) -> float:
        stats = Stats(posts=1, active_days=0, last_seen=NOW - days_ago * DAY)
        return score(stats, Weights(0, 0, 1, 0), NOW).total
    assert consistency(0) == pytest.approx(50.0)
    assert consistency(30) == pytest.approx(25.0)
    assert consistency(60) == pytest.approx(12.5)


def test_explanations_say_why() -> None:
    """It should give each part a reason in words."""
    why = {p.name: p.why for p in score(MODEST_RELEVANT, Weights(), NOW).parts}
    assert why["relevance"] == "5 of 5 posts about us, 5 naming a product, competitor or niche term"
    assert why["engagement"] == "2.0 interactions per post"
    assert why["reach"] == "300 followers"
    assert score(Stats(posts=1), Weights(), NOW).parts[3].why == "followers unknown"


@pytest.mark.parametrize(("about", "total", "expected"), [
    (0, 0.0, "neutral"), (4, 2.0, "advocate"), (4, -1.0, "critic"), (4, 0.4, "neutral"),
    (2, 0.3, "advocate"), (2, -0.3, "critic"),
])
def test_stance_from_mean_sentiment_about_us(about: int, total: float, expected: str) -> None:
    """It should call a mean of at least +0.15 an advocate and at most -0.15 a critic."""
    assert stance(Stats(posts=about, about_us=about, sentiment_sum=total)) == expected
