"""Tests for the polling policy in core.polling.schedule."""

from __future__ import annotations

import random

from core.model import PollStatus
from core.polling.schedule import SchedulePolicy, backoff_delay, is_due, next_poll_at

NOW = 1_700_000_000


def test_healthy_source_returns_after_its_interval_within_jitter() -> None:
    """It should schedule an ok source one interval later, give or take the jitter."""
    rng = random.Random(1)
    policy = SchedulePolicy(jitter=0.1)
    delays = [
        next_poll_at(
            now=NOW, interval=600, status=PollStatus.OK, error_count=0, policy=policy, rng=rng
        )
        - NOW
        for _ in range(200)
    ]
    assert all(540 <= d <= 660 for d in delays)
    assert len(set(delays)) > 20  # jitter really spreads the polls


def test_failures_back_off_exponentially_up_to_the_ceiling() -> None:
    """It should double the wait per consecutive failure and stop at max_backoff."""
    assert [backoff_delay(300, n, 3600) for n in (1, 2, 3, 4, 5)] == [300, 600, 1200, 2400, 3600]
    policy = SchedulePolicy(jitter=0.0, max_backoff=3600)
    late = next_poll_at(
        now=NOW, interval=300, status=PollStatus.ERROR, error_count=50, policy=policy
    )
    assert late - NOW == 3600


def test_backoff_survives_months_of_failure() -> None:
    """It should not build huge integers for a source failing for a very long time."""
    assert backoff_delay(900, 10**6, 6 * 3600) == 6 * 3600


def test_retry_after_is_honoured() -> None:
    """It should not poll again before the server's Retry-After has passed."""
    policy = SchedulePolicy(jitter=0.0)
    at = next_poll_at(
        now=NOW,
        interval=300,
        status=PollStatus.THROTTLED,
        error_count=1,
        retry_after=7200,
        policy=policy,
    )
    assert at - NOW == 7200


def test_never_more_often_than_the_minimum_interval() -> None:
    """It should clamp an absurdly short interval to the minimum."""
    policy = SchedulePolicy(jitter=0.0, min_interval=60)
    assert (
        next_poll_at(now=NOW, interval=1, status=PollStatus.OK, error_count=0, policy=policy) - NOW
        == 60
    )


def test_due() -> None:
    """It should treat a never-polled source as due, and a future one as not."""
    assert is_due(None, NOW)
    assert is_due(NOW, NOW)
    assert not is_due(NOW + 1, NOW)
