"""parse_snooze: pure, with a fixed clock and time zone (filters: test_inbox_filters.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.inbox.snooze import SnoozeError, describe, examples, parse_snooze, presets

CPH = ZoneInfo("Europe/Copenhagen")
# Wednesday 2024-06-05 14:30 in Copenhagen (12:30 UTC).
NOW = int(datetime(2024, 6, 5, 14, 30, tzinfo=CPH).timestamp())


def local(text: str) -> str:
    return datetime.fromtimestamp(parse_snooze(text, NOW, CPH), CPH).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(("text", "expected"), [
    ("2h", "Wed 2024-06-05 16:30"),
    ("30m", "Wed 2024-06-05 15:00"),
    ("3d", "Sat 2024-06-08 14:30"),
    ("tonight", "Wed 2024-06-05 18:00"),
    ("tomorrow", "Thu 2024-06-06 09:00"),
    ("tomorrow 9:00", "Thu 2024-06-06 09:00"),
    ("tomorrow 2pm", "Thu 2024-06-06 14:00"),
    ("mon", "Mon 2024-06-10 09:00"),
    ("wednesday", "Wed 2024-06-12 09:00"),
    ("fri 16:15", "Fri 2024-06-07 16:15"),
    ("next week", "Mon 2024-06-10 09:00"),
    ("9:00", "Thu 2024-06-06 09:00"),
    ("17:00", "Wed 2024-06-05 17:00"),
    ("2024-06-20", "Thu 2024-06-20 09:00"),
    ("2024-06-20 13:45", "Thu 2024-06-20 13:45"),
])
def test_parse_snooze_reads_what_people_type(text: str, expected: str) -> None:
    """It should read relative, named and ISO times in the given zone."""
    assert local(text) == expected


def test_parse_snooze_iso_with_offset_keeps_the_offset() -> None:
    """It should honour an explicit UTC offset instead of the local zone."""
    assert parse_snooze("2024-06-20T10:00+00:00", NOW, CPH) == int(
        datetime(2024, 6, 20, 10, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("text", ["", "soon", "2024-01-01", "25:00", "tomorrow at noonish"])
def test_parse_snooze_refuses_past_or_unreadable(text: str) -> None:
    """It should refuse text that is not a future time, with a message saying what works."""
    with pytest.raises(SnoozeError) as error:
        parse_snooze(text, NOW, CPH)
    assert "2h" in str(error.value) or "past" in str(error.value)


def at(hour: int, minute: int, day: int = 5) -> int:
    return int(datetime(2024, 6, day, hour, minute, tzinfo=CPH).timestamp())


def test_presets_offer_tonight_only_before_evening() -> None:
    """It should offer "tonight" at 14:30 and leave it out at 19:17, when it is past."""
    assert dict(presets(NOW, CPH))["tonight"] == "today 18:00"
    late = dict(presets(at(19, 17), CPH))
    assert "tonight" not in late
    assert late["tomorrow"] == "tomorrow 09:00" and late["1h"] == "today 20:17"


def test_every_preset_is_in_the_future_all_day() -> None:
    """It should offer only moments after now, at every minute-ish of a day."""
    for minute in range(0, 24 * 60, 7):
        now = at(0, 0) + minute * 60
        offered = presets(now, CPH)
        assert offered and all(parse_snooze(w, now, CPH) > now for w, _ in offered)


def test_examples_are_relative_to_today() -> None:
    """It should give an example date a week from today, whatever the year."""
    later = int(datetime(2031, 2, 27, 10, 0, tzinfo=CPH).timestamp())
    assert examples(later, CPH).endswith("2031-03-06 14:00")
    with pytest.raises(SnoozeError) as error:
        parse_snooze("soonish", later, CPH)
    assert "2031-03-06" in str(error.value) and "2024" not in str(error.value)


def test_describe_names_days_near_now() -> None:
    """It should say today, tomorrow, or the weekday and date."""
    assert describe(at(18, 0), NOW, CPH) == "today 18:00"
    assert describe(at(9, 0, day=6), NOW, CPH) == "tomorrow 09:00"
    assert describe(at(9, 0, day=10), NOW, CPH) == "Mon 10 Jun 09:00"

