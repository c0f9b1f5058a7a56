"""Spikes: an hour whose volume or negative share stands out from the hours before it.

Each hour is compared with a rolling baseline of the ``baseline`` hours before it by a z-score.
Counts are whole mentions, so the spread is floored (``MIN_SPREAD`` mentions, ``MIN_SHARE_SPREAD``
of share): a perfectly steady baseline would otherwise make one extra mention an infinite spike.
An hour must also hold ``min_count`` mentions (negative ones, for the negative share), and after
an alert no other is raised for ``cooldown``: one burst is one alert, not one per hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.config.model import AlertsConfig as AlertSettings
from core.metrics.stats import mean_and_spread

MIN_SPREAD = 1.0  # mentions: below one mention, spread is rounding, not variation
MIN_SHARE_SPREAD = 0.05  # of negative share: five points is the least change worth a look


@dataclass(frozen=True, slots=True)
class Hour:
    """One hour of listening: when it starts, how many mentions, how many negative."""

    start: int
    total: int
    negative: int


@dataclass(frozen=True, slots=True)
class Spike:
    """An hour that stood out, and by how much."""

    start: int
    end: int
    total: int
    negative: int
    expected: float  # the baseline's mean volume
    z: float  # the larger of the volume and negative-share z-scores that fired
    reasons: tuple[str, ...]  # "volume", "negative share"


def find_spikes(hours: Sequence[Hour], settings: AlertSettings) -> list[Spike]:
    """Every spike in ``hours`` (oldest first, consecutive) with a full baseline behind it."""
    spikes: list[Spike] = []
    quiet_until = -1
    baseline = settings.baseline // 3600
    for i in range(baseline, len(hours)):
        hour = hours[i]
        if hour.start < quiet_until:
            continue
        spike = _judge(hour, hours[i - baseline:i], settings)
        if spike is not None:
            spikes.append(spike)
            quiet_until = hour.start + settings.cooldown
    return spikes


def _judge(hour: Hour, baseline: Sequence[Hour], settings: AlertSettings) -> Spike | None:
    reasons, scores = [], []
    mean, spread = mean_and_spread([h.total for h in baseline])
    volume_z = (hour.total - mean) / max(spread, MIN_SPREAD)
    if hour.total >= settings.min_count and volume_z >= settings.z_threshold:
        reasons.append("volume")
        scores.append(volume_z)
    share_z = _negative_share_z(hour, baseline)
    if hour.negative >= settings.min_count and share_z >= settings.z_threshold:
        reasons.append("negative share")
        scores.append(share_z)
    if not reasons:
        return None
    return Spike(hour.start, hour.start + 3600, hour.total, hour.negative, round(mean, 2),
                 round(max(scores), 2), tuple(reasons))


def _negative_share_z(hour: Hour, baseline: Sequence[Hour]) -> float:
    if not hour.total:
        return 0.0
    mean, spread = mean_and_spread([h.negative / h.total for h in baseline if h.total])
    return (hour.negative / hour.total - mean) / max(spread, MIN_SHARE_SPREAD)
