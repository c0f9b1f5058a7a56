"""Kaushik's per-post rates: conversation (replies), amplification (reshares), applause (likes).

Over a set of owned posts each rate is the mean count per post, counting only the posts whose
platform reports that count (Hacker News has no reshares: its amplification is unknown, not 0).
This is the one definition; the owned-post schedule and the metrics queries both use it.
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


def _mean(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def change(now: float | None, before: float | None) -> float | None:
    """Relative change from ``before`` to ``now`` (0.25 is +25%); None when either is unknown
    or ``before`` is zero (growth from nothing has no ratio)."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before
