"""The brand's own posts: when to re-read their engagement, and the Kaushik rates over them.

Engagement on a post grows fast in its first hours and has mostly settled within a week, so
snapshots are taken on a schedule that slows with age: hourly for the first day, every six
hours to day three, daily to day seven, then a last one at exactly seven days and no more.
A post first seen when already older than that gets one snapshot (its final counts) and stops.
Everything here is pure over plain numbers with the clock passed in; the SQL that stores
snapshots lives in ``core.store.snapshots``.

The Kaushik rates over these posts are defined once, in ``core.metrics.rates``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from core.model import Engagement

HOUR = 3600
DAY = 24 * HOUR

# (posts younger than this, snapshot this often): the schedule that slows with age.
SCHEDULE: tuple[tuple[int, int], ...] = (
    (1 * DAY, 1 * HOUR),  # the first day: counts move hour by hour
    (3 * DAY, 6 * HOUR),  # to day 3: the long tail of replies and reshares
    (7 * DAY, 1 * DAY),  # to day 7: settling
)
WINDOW = SCHEDULE[-1][0]  # after a week a post's counts are final enough; stop re-polling


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An owned post's counts at one moment."""

    at: int
    replies: int | None = None
    reshares: int | None = None
    likes: int | None = None

    @property
    def engagement(self) -> Engagement:
        return Engagement(self.replies, self.reshares, self.likes)


def step_for_age(age: int) -> int | None:
    """How long after a snapshot taken at ``age`` seconds the next one is due; None: stop."""
    for younger_than, step in SCHEDULE:
        if age < younger_than:
            return step
    return None


def next_snapshot_at(published_at: int, last_snapshot_at: int | None, now: int) -> int | None:
    """When the next snapshot of a post is due (a time <= ``now`` means due now), or None.

    The first snapshot is due at once, whatever the post's age; later ones follow
    ``SCHEDULE`` by the post's age at the previous snapshot, with a last one at exactly
    ``WINDOW`` after publication. A missed slot (the poller was down) is simply due now.
    """
    if last_snapshot_at is None:
        return now
    end = published_at + WINDOW
    if last_snapshot_at >= end:
        return None
    step = step_for_age(max(0, last_snapshot_at - published_at))
    if step is None:
        return None
    return min(last_snapshot_at + step, end)


def is_due(published_at: int, last_snapshot_at: int | None, now: int) -> bool:
    """Whether a snapshot of the post should be taken at ``now``."""
    due = next_snapshot_at(published_at, last_snapshot_at, now)
    return due is not None and due <= now


def engagement_at_age(
    snapshots: Sequence[Snapshot], published_at: int, age: int
) -> Engagement | None:
    """The counts of the last snapshot taken within ``age`` seconds of publication.

    Comparing posts at the same age (say 24 h) is fair where comparing live counts is not:
    an older post has simply had longer to collect replies.
    """
    limit = published_at + age
    taken = [s for s in snapshots if s.at <= limit]
    return max(taken, key=lambda s: s.at).engagement if taken else None


def growth(snapshots: Sequence[Snapshot]) -> list[tuple[int, Engagement]]:
    """Per interval between consecutive snapshots: its end time and the counts gained."""
    ordered = sorted(snapshots, key=lambda s: s.at)
    return [(b.at, _delta(a, b)) for a, b in pairwise(ordered)]


def _delta(a: Snapshot, b: Snapshot) -> Engagement:
    def diff(x: int | None, y: int | None) -> int | None:
        return None if x is None or y is None else y - x

    return Engagement(diff(a.replies, b.replies), diff(a.reshares, b.reshares),
                      diff(a.likes, b.likes))
