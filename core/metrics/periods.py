"""Periods a person asks about ("today", "this week", "this month", a custom range), in their
time zone, with the period before each one and the buckets its charts are drawn in.

Boundaries are local midnights turned into Unix seconds, so a day across a DST change is 23 or
25 hours long and still one day; buckets are computed the same way, never by adding 86,400.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KINDS = ("day", "week", "month")
HOUR = 3600


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open range of Unix seconds [start, end) and what to call it."""

    kind: str  # day | week | month | custom
    start: int
    end: int
    label: str

    @property
    def seconds(self) -> int:
        return self.end - self.start


def _midnight(day: date, tz: tzinfo) -> int:
    return int(datetime.combine(day, time(), tzinfo=tz).timestamp())


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_of(kind: str, now: int, tz: tzinfo) -> Period:
    """The day, ISO week (Monday first) or calendar month holding ``now``, up to its end."""
    today = datetime.fromtimestamp(now, tz).date()
    if kind == "day":
        first, after = today, today + timedelta(days=1)
        label = today.isoformat()
    elif kind == "week":
        first = today - timedelta(days=today.weekday())
        after = first + timedelta(days=7)
        label = f"week of {first.isoformat()}"
    elif kind == "month":
        first, after = _month_start(today), _next_month(today)
        label = first.strftime("%Y-%m")
    else:
        raise ValueError(f"unknown period {kind!r} (expected one of {', '.join(KINDS)})")
    return Period(kind, _midnight(first, tz), _midnight(after, tz), label)


def custom_period(first: date, last: date, tz: tzinfo) -> Period:
    """From the start of ``first`` to the end of ``last`` (both local days, inclusive)."""
    if last < first:
        raise ValueError(f"a period cannot end ({last}) before it starts ({first})")
    after = last + timedelta(days=1)
    return Period("custom", _midnight(first, tz), _midnight(after, tz),
                  f"{first.isoformat()} to {last.isoformat()}")


def previous(period: Period, tz: tzinfo) -> Period:
    """The period of the same kind just before ``period`` (same length in local days)."""
    first = datetime.fromtimestamp(period.start, tz).date()
    if period.kind == "day":
        before = first - timedelta(days=1)
        return Period("day", _midnight(before, tz), period.start, before.isoformat())
    if period.kind == "week":
        before = first - timedelta(days=7)
        return Period("week", _midnight(before, tz), period.start, f"week of {before.isoformat()}")
    if period.kind == "month":
        before = _month_start(first - timedelta(days=1))
        return Period("month", _midnight(before, tz), period.start, before.strftime("%Y-%m"))
    last = datetime.fromtimestamp(period.end, tz).date()
    days = (last - first).days
    return custom_period(first - timedelta(days=days), first - timedelta(days=1), tz)


def following(period: Period, tz: tzinfo) -> Period:
    """The period of the same kind just after ``period``."""
    if period.kind in KINDS:
        return period_of(period.kind, period.end, tz)
    first = datetime.fromtimestamp(period.end, tz).date()
    days = round(period.seconds / 86400)  # a DST change makes it 23 or 25 hours short of whole
    return custom_period(first, first + timedelta(days=days - 1), tz)


def buckets(period: Period, tz: tzinfo) -> list[tuple[int, int]]:
    """The chart buckets of a period: hours for a day, local days for anything longer."""
    if period.kind == "day":
        return [(t, min(t + HOUR, period.end)) for t in range(period.start, period.end, HOUR)]
    edges, day = [], datetime.fromtimestamp(period.start, tz).date()
    while (t := _midnight(day, tz)) < period.end:
        edges.append(t)
        day += timedelta(days=1)
    edges.append(period.end)
    return list(pairwise(edges))


def parse_period(text: str, now: int, tz: tzinfo) -> Period:
    """``day``, ``week``, ``month`` (the one holding ``now``) or ``2026-11-01..2026-11-07``."""
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            return custom_period(date.fromisoformat(first), date.fromisoformat(last), tz)
        except ValueError as error:
            raise ValueError(f"bad period {text!r}: {error}; expected YYYY-MM-DD..YYYY-MM-DD"
                             ) from None
    if text not in KINDS:
        raise ValueError(f"bad period {text!r}: expected day, week, month or "
                         "YYYY-MM-DD..YYYY-MM-DD")
    return period_of(text, now, tz)


def local_zone() -> tzinfo:
    """The reader's zone: ``TZ`` when it names one (DST rules and all), else the system's
    current offset."""
    name = os.environ.get("TZ", "")
    if name:
        try:
            return ZoneInfo(name.lstrip(":"))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a POSIX rule string such as "CET-1CEST": fall back to the current offset
    return datetime.now().astimezone().tzinfo or UTC
