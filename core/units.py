"""Durations, sizes and points in time as people type them.

Durations: ``90s``, ``15m``, ``1h30m``, ``7d``, ``2w``; sizes: ``15MiB``, ``512KiB``, ``2MB``;
points in time: a duration back from now, or a date such as ``2026-11-01`` (UTC midnight) or
``2026-11-01T08:00``; time zones by their IANA names. Used by the config (intervals, timeouts,
byte caps, the report's zone) and by ``--since``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIB = 1024 * 1024
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION_PART = re.compile(r"(\d+)\s*(s|sec|min|m|h|d|w)", re.IGNORECASE)
_SIZE = re.compile(r"^\s*(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_FACTOR = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": MIB,
    "gb": 1000**3,
    "gib": 1024 * MIB,
}


def parse_duration(text: str) -> int:
    """Seconds in ``"30s"``, ``"15m"``, ``"1h30m"``, ``"2d"``, ``"1w"``; ValueError otherwise."""
    compact = text.strip().replace(" ", "")
    parts = _DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts).lower() != compact.lower():
        raise ValueError(f'not a duration: {text!r}; write e.g. "30s", "15m", "1h", "2d"')
    return sum(int(number) * _UNIT_SECONDS[unit.lower()] for number, unit in parts)


def format_duration(seconds: int) -> str:
    """``seconds`` the way a person writes it (1800 -> "30m", 5400 -> "1h30m"); it reads back
    through ``parse_duration`` to the same number."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit in ("w", "d", "h", "m", "s"):
        count, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` ("Europe/Copenhagen", "UTC"); ValueError otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'expected an IANA time zone such as "Europe/Copenhagen" or "UTC", '
                         f"got {name!r}") from None


def parse_size(text: str) -> int:
    """Bytes in ``"15MiB"``, ``"512KiB"``, ``"2MB"`` or ``"4096"``; ValueError otherwise."""
    found = _SIZE.match(text)
    if not found:
        raise ValueError(f'not a size: {text!r}; write e.g. "15MiB", "512KiB" or a byte count')
    return int(found.group(1)) * _SIZE_FACTOR[(found.group(2) or "b").lower()]


def parse_since(text: str, now: int) -> int:
    """The Unix time ``text`` names: a duration back from ``now``, or an ISO date/datetime (UTC
    unless it carries an offset)."""
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a duration (24h, 7d) nor a date (2026-11-01, 2026-11-01T08:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
