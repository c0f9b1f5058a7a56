"""parse_snooze: pure, with a fixed clock and time zone (filters: test_inbox_filters.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.inbox.snooze import SnoozeError, parse_snooze

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
