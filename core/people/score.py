"""The influence score: relevance to us first, then engagement, consistency and reach.

Follower counts say how loud someone is, not whether they reach our customers, so the score
weighs, in this order: relevance (how much of what they write that we see is about our brand,
products, competitors or niche terms, and how specifically), engagement (interactions their
posts earn, per post), consistency (how often they post, how recently) and reach (followers,
on a log scale so a million followers cannot swamp the rest). Each part is a number in [0, 1];
the score is ``100 * sum(weight * part) / sum(weights)``, and ``Score.parts`` carries each
part's points, which add up to the score exactly, so ``?`` can show where it came from.

Stance (advocate, neutral, critic) is the mean sentiment of their posts about us; it is shown
beside the score and never mixed into it. Everything here is pure: plain numbers in, ``now``
passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY = 86400
# A post naming only the brand counts half as relevant as one naming a product, a competitor
# or a niche term: "Northwind" in a list of ten coffee brands says less than "Northwind's
# Kettle Pro leaks".
BRAND_ONLY = 0.5
# Interactions per post at which the engagement part is one half; it approaches 1 above.
ENGAGEMENT_HALF = 10.0
# Days with a post at which "how often" is one half.
ACTIVE_DAYS_HALF = 5.0
# Days since their last post after which "how recently" has halved.
RECENCY_HALF_LIFE_DAYS = 30.0
# Followers at which reach is 1: log10(1 + followers) / 6, so 1,000 followers give 0.5.
REACH_FULL_DIGITS = 6.0
# Mean sentiment of their posts about us beyond which they are an advocate (or a critic).
STANCE_THRESHOLD = 0.15

PART_NAMES = ("relevance", "engagement", "consistency", "reach")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part counts; only their ratios matter (the score is normalised)."""

    relevance: float = 0.4
    engagement: float = 0.3
    consistency: float = 0.2
    reach: float = 0.1

    def of(self, part: str) -> float:
        """The weight of the part named ``part``."""
        return float(getattr(self, part))

    def total(self) -> float:
        """The sum of the weights (the loader refuses a zero sum)."""
        return sum(self.of(p) for p in PART_NAMES)


@dataclass(frozen=True, slots=True)
class Stats:
    """What we know of one person from their stored mentions."""

    posts: int = 0
    relevant: int = 0  # posts about the brand, a product, a competitor or a niche term
    specific: int = 0  # relevant posts naming more than the brand alone
    interactions: int = 0  # replies + reshares + likes over all posts
    active_days: int = 0
    last_seen: int | None = None
    followers: int | None = None
    about_us: int = 0  # relevant posts with a sentiment score
    sentiment_sum: float = 0.0


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a score: its value in [0, 1], its weight, the points it adds, and why."""

    name: str
    value: float
    weight: float
    points: float
    why: str


@dataclass(frozen=True, slots=True)
class Score:
    """A score out of 100 and its parts, whose points add up to it."""

    total: float
    parts: tuple[Part, ...]

    def points(self, name: str) -> float:
        """The points of the part named ``name``."""
        return next(p.points for p in self.parts if p.name == name)


def relevance(stats: Stats) -> tuple[float, str]:
    """Share of their posts about us, specific ones counting fully, brand-only ones half."""
    if stats.posts <= 0:
        return 0.0, "no posts"
    brand_only = stats.relevant - stats.specific
    value = (stats.specific + BRAND_ONLY * brand_only) / stats.posts
    why = (f"{stats.relevant} of {stats.posts} posts about us, {stats.specific} naming a "
           "product, competitor or niche term")
    return min(1.0, value), why


def engagement(stats: Stats) -> tuple[float, str]:
    """Interactions per post, saturating: ENGAGEMENT_HALF per post gives one half."""
    per_post = stats.interactions / stats.posts if stats.posts > 0 else 0.0
    return per_post / (per_post + ENGAGEMENT_HALF), f"{per_post:.1f} interactions per post"


def consistency(stats: Stats, now: int) -> tuple[float, str]:
    """The mean of how often (days with a post) and how recently (a 30-day half-life)."""
    often = stats.active_days / (stats.active_days + ACTIVE_DAYS_HALF)
    if stats.last_seen is None:
        return often / 2, f"posted on {stats.active_days} days"
    days_ago = max(0.0, (now - stats.last_seen) / DAY)
    recent = 0.5 ** (days_ago / RECENCY_HALF_LIFE_DAYS)
    return (often + recent) / 2, f"posted on {stats.active_days} days, last {days_ago:.0f} days ago"


def reach(stats: Stats) -> tuple[float, str]:
    """Followers on a log scale: 1,000 gives 0.5, a million or more gives 1."""
    if not stats.followers or stats.followers <= 0:
        return 0.0, "followers unknown" if stats.followers is None else "no followers"
    value = min(1.0, math.log10(1 + stats.followers) / REACH_FULL_DIGITS)
    return value, f"{stats.followers:,} followers"


def score(stats: Stats, weights: Weights, now: int) -> Score:
    """The influence score of ``stats`` under ``weights`` at ``now``, with its parts."""
    measured = {"relevance": relevance(stats), "engagement": engagement(stats),
                "consistency": consistency(stats, now), "reach": reach(stats)}
    total_weight = weights.total()
    parts = []
    for name in PART_NAMES:
        value, why = measured[name]
        weight = weights.of(name) / total_weight if total_weight > 0 else 0.0
        parts.append(Part(name, value, weight, 100.0 * weight * value, why))
    return Score(sum(p.points for p in parts), tuple(parts))


def stance(stats: Stats) -> str:
    """Advocate, critic or neutral, from the mean sentiment of their posts about us."""
    if stats.about_us <= 0:
        return "neutral"
    mean = stats.sentiment_sum / stats.about_us
    if mean >= STANCE_THRESHOLD:
        return "advocate"
    if mean <= -STANCE_THRESHOLD:
        return "critic"
    return "neutral"
