"""The time zone a human-read report shows its times in, and how it names that zone.

A daily report is read by people in one place, so its times are local: the zone set in
``[report] timezone`` (an IANA name such as "Europe/Copenhagen"), else the machine's own zone,
found from ``$TZ`` or the /etc/localtime link. The report says which zone it used. CSV and JSON
are data for programs and stay in UTC, marked with a Z.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from core.units import parse_timezone

LOCALTIME = Path("/etc/localtime")


@dataclass(frozen=True, slots=True)
class ReportZone:
    """A zone and the name a reader knows it by."""

    tz: tzinfo
    name: str

    def stamp(self, ts: int | None) -> str | None:
        """``ts`` as "2026-11-30 09:15" in this zone, or None."""
        if ts is None:
            return None
        return datetime.fromtimestamp(ts, self.tz).strftime("%Y-%m-%d %H:%M")

    def describe(self, at: int) -> str:
        """The zone's name with its offset at ``at``: "Europe/Copenhagen, UTC+01:00"."""
        offset = datetime.fromtimestamp(at, self.tz).strftime("%z")
        return f"{self.name}, UTC{offset[:3]}:{offset[3:]}" if offset else self.name


UTC_ZONE = ReportZone(UTC, "UTC")


def report_zone(configured: str = "") -> ReportZone:
    """The configured zone, else the machine's, else UTC (named as such)."""
    if configured:
        return ReportZone(parse_timezone(configured), configured)
    name = local_zone_name()
    if name is None:
        return UTC_ZONE
    try:
        return ReportZone(parse_timezone(name), name)
    except ValueError:  # $TZ in POSIX form ("CET-1") or a zone this system lacks
        return UTC_ZONE


def local_zone_name() -> str | None:
    """The IANA name of the machine's zone: ``$TZ`` if set, else where /etc/localtime points."""
    env = os.environ.get("TZ", "").removeprefix(":")
    if env:
        return env
    try:
        target = str(LOCALTIME.resolve(strict=True))
    except OSError:
        return None
    _, found, name = target.partition("/zoneinfo/")
    return name if found and name else None
