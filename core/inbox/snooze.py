"""Reading "when should this come back?" the way a person types it.

``parse_snooze`` turns ``2h``, ``tonight``, ``tomorrow 9:00``, ``mon``, ``next week`` or an ISO
date/time into Unix seconds. It is pure: ``now`` and the time zone are passed in, so tests fix
both and the inbox never needs a cron job (a snoozed mention's view predicate compares
``snoozed_until`` with the current time). The ready answers (``presets``) and the examples in
hints and errors are computed from the same ``now``: only future times are offered, and an
example date is next week's, never a fixed year.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

MORNING = time(9, 0)  # "tomorrow" and weekdays without a time mean the start of a workday
EVENING = time(18, 0)  # "tonight": after work, when the person said they would look again
# What the snooze prompt offers, in this order; each is shown only while it is in the future.
PRESET_WORDS = ("1h", "3h", "tonight", "tomorrow", "next week")
EXAMPLE_DAYS = 7  # the example ISO date in hints: a week from today

_RELATIVE = re.compile(r"^(\d{1,4})\s*(m|min|mins|h|hr|hrs|d|day|days|w|wk|wks)$")  # ≤ 9999 units
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SnoozeError(ValueError):
    """Text that does not name a future time; the message shows what would work."""


def parse_snooze(text: str, now: int, tz: tzinfo) -> int:
    """The moment ``text`` names, as Unix seconds, strictly after ``now``."""
    words = text.strip().lower()
    if not words:
        raise SnoozeError(f"say when: {examples(now, tz)}")
    local_now = datetime.fromtimestamp(now, tz)
    moment = _relative(words, now) or _named(words, local_now) or _iso(words, tz)
    if moment is None:
        raise SnoozeError(f"cannot read {text!r}: try {examples(now, tz)}")
    if moment <= now:
        raise SnoozeError(f"{text!r} is in the past; snooze needs a future time")
    return moment


def examples(now: int, tz: tzinfo) -> str:
    """What a person could type, with an ISO example a week from today."""
    day = datetime.fromtimestamp(now, tz).date() + timedelta(days=EXAMPLE_DAYS)
    return f"2h, tomorrow 9:00, fri, {day.isoformat()} 14:00"


def presets(now: int, tz: tzinfo) -> tuple[tuple[str, str], ...]:
    """The ready answers still in the future at ``now``, each with the moment it means."""
    offered = []
    for words in PRESET_WORDS:
        try:
            moment = parse_snooze(words, now, tz)
        except SnoozeError:  # "tonight" after 18:00
            continue
        offered.append((words, describe(moment, now, tz)))
    return tuple(offered)


def describe(moment: int, now: int, tz: tzinfo) -> str:
    """A moment as a person reads it next to "now": ``today 18:00``, ``tomorrow 09:00``,
    ``Mon 7 Dec 09:00``."""
    when, today = datetime.fromtimestamp(moment, tz), datetime.fromtimestamp(now, tz).date()
    if when.date() == today:
        day = "today"
    elif when.date() == today + timedelta(days=1):
        day = "tomorrow"
    else:
        day = f"{when:%a} {when.day} {when:%b}"
    return f"{day} {when:%H:%M}"


def _relative(words: str, now: int) -> int | None:
    found = _RELATIVE.match(words)
    if not found:
        return None
    return now + int(found.group(1)) * _UNITS[found.group(2)[0]]


def _named(words: str, local_now: datetime) -> int | None:
    head, _, rest = words.partition(" ")
    if words == "next week":
        return _at(_next_weekday(local_now.date(), 0), MORNING, local_now.tzinfo)
    if head == "tonight" and not rest:
        return _at(local_now.date(), EVENING, local_now.tzinfo)
    day = _day_named(head, local_now.date())
    if day is None:
        return _clock_only(words, local_now)
    clock = _clock(rest) if rest else MORNING
    return None if clock is None else _at(day, clock, local_now.tzinfo)


def _day_named(word: str, today: date) -> date | None:
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word[:3]) and _is_weekday_word(word, name):
            return _next_weekday(today, index)
    return None


def _is_weekday_word(word: str, short: str) -> bool:
    full = {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday",
            "fri": "friday", "sat": "saturday", "sun": "sunday"}[short]
    return full.startswith(word)


def _next_weekday(today: date, weekday: int) -> date:
    """The next such weekday strictly after today (``mon`` on a Monday means next Monday)."""
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead)


def _clock_only(words: str, local_now: datetime) -> int | None:
    clock = _clock(words)
    if clock is None:
        return None
    moment = _at(local_now.date(), clock, local_now.tzinfo)
    if moment <= local_now.timestamp():  # a time already past today means tomorrow
        moment = _at(local_now.date() + timedelta(days=1), clock, local_now.tzinfo)
    return moment


def _clock(words: str) -> time | None:
    found = _CLOCK.match(words.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if found.group(3) == "pm" and hour < 12:
        hour += 12
    elif found.group(3) == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _at(day: date, clock: time, tz: tzinfo | None) -> int:
    return int(datetime.combine(day, clock, tzinfo=tz).timestamp())


def _iso(words: str, tz: tzinfo) -> int | None:
    try:
        moment = datetime.fromisoformat(words.upper() if "t" in words else words)
    except ValueError:
        return None
    if len(words) <= len("yyyy-mm-dd"):  # a bare date means that morning
        moment = datetime.combine(moment.date(), MORNING)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return int(moment.timestamp())
