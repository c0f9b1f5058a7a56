"""Small statistics with their edge cases decided once: percentiles of nothing, the spread of
a perfectly steady series, shares of zero."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks; None for
    no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean_and_spread(values: Sequence[float]) -> tuple[float, float]:
    """Mean and population standard deviation (0, 0 for no values)."""
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when ``whole`` is zero (no share of nothing)."""
    return part / whole if whole else None


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Each name's share of the total, largest first (ties by name), rounded to 4 places."""
    total = sum(counts.values())
    if not total:
        return {}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {name: round(n / total, 4) for name, n in ordered}
