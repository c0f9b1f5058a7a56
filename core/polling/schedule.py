"""When to poll a source next: pure policy over plain numbers, with an injected clock.

The poller asks this module after every poll. Healthy sources come back after their interval
plus a little jitter (so a hundred feeds configured at once do not all fire in the same
second); failing sources back off exponentially, also with jitter, up to a ceiling; a server
that asked us to wait (429/503 with Retry-After) is not asked again before that time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.model import FAILED_STATUSES, PollStatus


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """The knobs of ``[poller]`` in the config."""

    jitter: float = 0.1  # up to ±10 % of the interval: spreads load without changing the cadence
    max_backoff: int = 6 * 3600  # a broken feed is still retried four times a day
    min_interval: int = 60  # never hammer a server more than once a minute


def next_poll_at(
    *,
    now: int,
    interval: int,
    status: PollStatus,
    error_count: int,
    retry_after: int | None = None,
    policy: SchedulePolicy = SchedulePolicy(),
    rng: random.Random | None = None,
) -> int:
    """The Unix time of the next poll of a source after a poll that ended with ``status``.

    ``error_count`` is the number of consecutive failures including this one.
    """
    rng = rng or random.Random()
    delay = max(interval, policy.min_interval)
    if status in FAILED_STATUSES and error_count > 0:
        delay = backoff_delay(delay, error_count, policy.max_backoff)
    delay = round(delay * (1 + rng.uniform(-policy.jitter, policy.jitter)))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + max(delay, policy.min_interval)


def backoff_delay(interval: int, error_count: int, ceiling: int) -> int:
    """The interval doubled for each consecutive failure after the first, capped at ``ceiling``.

    The exponent is bounded before exponentiating so a source failing for months cannot build
    an enormous integer.
    """
    exponent = min(error_count - 1, 20)
    return int(min(interval * (2**exponent), max(ceiling, interval)))


def is_due(next_at: int | None, now: int) -> bool:
    """Whether a source whose next poll is ``next_at`` should be polled at ``now``."""
    return next_at is None or next_at <= now
