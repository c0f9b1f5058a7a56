"""Kaushik's per-post rates: conversation (replies), amplification (reshares), applause (likes).

Over a set of owned posts each rate is the mean count per post, counting only the posts whose
platform reports that count (Hacker News has no reshares: its amplification is unknown, not 0).
This is the one definition; the owned-post schedule and the metrics queries both use it.

Per 1,000 followers, each post's count is first divided by its account's followers (x 1,000),
then averaged the same way, so a post from a big account weighs no more than one from a small
one. Only posts whose platform gives the account's followers count (Mastodon does; Bluesky's
author feed does not): with none, every rate is unknown, shown as "—".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.model import Engagement


@dataclass(frozen=True, slots=True)
class Rates:
    """Kaushik's per-post rates over a set of owned posts (None: no post reports the count)."""

    posts: int
    conversation: float | None
    amplification: float | None
    applause: float | None


def rates(posts: Iterable[Engagement]) -> Rates:
    """Mean replies, reshares and likes per post over ``posts``."""
    rows = list(posts)
    return Rates(
        posts=len(rows),
        conversation=_mean(e.replies for e in rows),
        amplification=_mean(e.reshares for e in rows),
        applause=_mean(e.likes for e in rows),
    )


PER = 1000  # followers: the rates per thousand of them


def rates_per_followers(posts: Iterable[tuple[Engagement, int | None]]) -> Rates:
    """Mean replies, reshares and likes per post per 1,000 followers, over the posts whose
    account's followers are known and above zero (``posts`` still counts every post)."""
    rows = list(posts)
    known = [(e, f) for e, f in rows if f]

    def per(counts: Iterable[tuple[int | None, int]]) -> float | None:
        return _mean_of([c * PER / f for c, f in counts if c is not None])

    return Rates(
        posts=len(rows),
        conversation=per((e.replies, f) for e, f in known),
        amplification=per((e.reshares, f) for e, f in known),
        applause=per((e.likes, f) for e, f in known),
    )


def _mean_of(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _mean(values: Iterable[int | None]) -> float | None:
    return _mean_of([float(v) for v in values if v is not None])


def change(now: float | None, before: float | None) -> float | None:
    """Relative change from ``before`` to ``now`` (0.25 is +25%); None when either is unknown
    or ``before`` is zero (growth from nothing has no ratio)."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before
