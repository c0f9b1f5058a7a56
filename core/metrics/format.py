"""How a figure reads to a person, the same on the screen and in both reports: shares as
percentages, changes with a sign, durations in the largest sensible unit, unknowns as "—"."""

from __future__ import annotations

from core.metrics.queries import Responses

NONE = "—"  # a figure that cannot be computed (no posts, nothing to compare with)
_PERCENT_KEYS = frozenset({"negative_share", "handled_share"})


def figure(key: str, value: float | None) -> str:
    """A headline value: a share as a percentage, sentiment to two places, counts whole."""
    if value is None:
        return NONE
    if key in _PERCENT_KEYS:
        return f"{value * 100:.1f}%"
    if key == "sentiment_average":
        return f"{value:+.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def signed_change(change: float | None) -> str:
    """A relative change as "+12%" or "−3%"; "—" when there is nothing to compare with."""
    if change is None:
        return NONE
    return f"{change * 100:+.0f}%".replace("-", "−")


def rate(value: float | None) -> str:
    """A Kaushik rate (per post) to two places."""
    return NONE if value is None else f"{value:.2f}"


def share(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.1f}%"


def handled(r: Responses, overall: bool) -> str:
    """"12 of 40" for the team (of the period's mentions); a person's own count alone."""
    return f"{r.handled} of {r.mentions}" if overall else str(r.handled)


def duration(seconds: float | None) -> str:
    """Seconds as "45s", "12m", "3.5h" or "2.0d"."""
    if seconds is None:
        return NONE
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"
