"""Durations and points in time as people type them: ``90s``, ``15m``, ``24h``, ``7d``, ``2w``,
or a date such as ``2026-11-01`` (UTC midnight) or ``2026-11-01T08:00``.

Used by ``--since``, by source intervals in the config, and wherever a person types a span.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d{1,9})\s*([smhdw])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Seconds in ``text`` such as ``15m`` or ``7d``; ValueError with the accepted forms."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a duration: use a number and a unit, e.g. 90s, 15m, 24h, 7d, 2w"
        )
    return int(match.group(1)) * UNITS[match.group(2).lower()]


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
