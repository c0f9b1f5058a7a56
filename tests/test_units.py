"""Tests for core.units: durations, sizes and ``--since``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.units import parse_duration, parse_since, parse_size

NOW = int(datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("24h", 86400), ("7d", 604800), ("2W", 1209600)],
)
def test_durations(text: str, seconds: int) -> None:
    """It should read a number and a unit as seconds."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "1.5h", "-1d", "10 years", "5 fortnights"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    """It should refuse anything else with the accepted forms in the message."""
    with pytest.raises(ValueError, match="15m"):
        parse_duration(text)


def test_since_duration_and_dates() -> None:
    """It should read --since as a span back from now or as a UTC date."""
    assert parse_since("24h", NOW) == NOW - 86400
    assert parse_since("2026-11-01", NOW) == int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
    assert parse_since("2026-11-01T08:00+01:00", NOW) == int(
        datetime(2026, 11, 1, 7, tzinfo=UTC).timestamp()
    )
    with pytest.raises(ValueError, match="neither a duration"):
        parse_since("yesterday-ish", NOW)


def test_compound_durations_and_sizes() -> None:
    """It should add up compound durations and read sizes in decimal and binary units."""
    assert parse_duration("1h30m") == 5400
    assert parse_size("15MiB") == 15 * 1024 * 1024
    assert parse_size("2MB") == 2_000_000
    with pytest.raises(ValueError, match="15MiB"):
        parse_size("lots")


@pytest.mark.parametrize("seconds,text", [(1800, "30m"), (5400, "1h30m"), (60, "1m"),
                                          (90061, "1d1h1m1s"), (1209600, "2w"), (0, "0s")])
def test_format_duration_writes_what_a_person_would(seconds: int, text: str) -> None:
    """It should write seconds in the largest units and read back to the same number."""
    from core.units import format_duration

    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds
