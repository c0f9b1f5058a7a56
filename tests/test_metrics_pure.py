"""core.metrics' plain functions on hand-built data with hand-computed answers: periods across
a DST change, percentiles and shares of nothing, spikes with their cooldown, emerging terms."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.metrics.periods import (
    buckets,
    custom_period,
    following,
    parse_period,
    period_of,
    previous,
)
from core.metrics.rates import change
from core.metrics.spikes import AlertSettings, Hour, find_spikes
from core.metrics.stats import percentile, ratio, shares
from core.metrics.terms import brand_words, count_terms, count_terms_and_authors, emerging

CPH = ZoneInfo("Europe/Copenhagen")


def at(text: str, tz: ZoneInfo = CPH) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=tz).timestamp())


def test_day_across_the_autumn_dst_change_has_25_hourly_buckets() -> None:
    """It should make 27 Oct 2024 in Copenhagen one 25-hour day of 25 hourly buckets."""
    day = period_of("day", at("2024-10-27T12:00"), CPH)
    assert (day.start, day.end) == (at("2024-10-27T00:00"), at("2024-10-28T00:00"))
    assert day.seconds == 25 * 3600 and len(buckets(day, CPH)) == 25
    before = previous(day, CPH)
    assert (before.start, before.end, before.seconds) == (at("2024-10-26T00:00"), day.start,
                                                           24 * 3600)


def test_week_buckets_are_local_days_even_across_dst() -> None:
    """It should cut the week holding the spring change into seven local-midnight days."""
    week = period_of("week", at("2024-03-31T09:00"), CPH)  # a Sunday; DST starts that night
    assert week.start == at("2024-03-25T00:00") and week.end == at("2024-04-01T00:00")
    days = buckets(week, CPH)
    assert [datetime.fromtimestamp(lo, CPH).hour for lo, _ in days] == [0] * 7
    assert days[-1][1] - days[-1][0] == 23 * 3600
    assert previous(week, CPH).start == at("2024-03-18T00:00")


def test_month_and_its_previous_month_follow_the_calendar() -> None:
    """It should take March's previous period to be all of (leap) February."""
    march = period_of("month", at("2024-03-15T00:00", UTC), UTC)
    feb = previous(march, UTC)
    assert (feb.label, feb.seconds) == ("2024-02", 29 * 86400)
    assert len(buckets(march, UTC)) == 31


def test_custom_period_and_its_previous_have_the_same_number_of_days() -> None:
    """It should make the period before 1-10 June be 22-31 May, and refuse a backwards one."""
    june = custom_period(date(2024, 6, 1), date(2024, 6, 10), UTC)
    may = previous(june, UTC)
    assert may.label == "2024-05-22 to 2024-05-31" and may.seconds == june.seconds
    with pytest.raises(ValueError, match="before it starts"):
        custom_period(date(2024, 6, 2), date(2024, 6, 1), UTC)
    with pytest.raises(ValueError, match="unknown period"):
        period_of("year", 0, UTC)


def test_statistics_of_nothing_are_none_not_errors() -> None:
    """It should answer None for percentiles of no values, shares of zero, growth from zero."""
    assert percentile([], 50) is None
    assert percentile([10, 20, 30, 40], 50) == 25 and percentile([10, 20, 30, 40], 90) == 37
    assert ratio(3, 0) is None and ratio(1, 4) == 0.25
    assert shares({}) == {} and shares({"a": 0}) == {}
    assert shares({"b": 1, "a": 3}) == {"a": 0.75, "b": 0.25}
    assert change(5, 0) is None and change(None, 2) is None and change(3, 2) == 0.5


SETTINGS = AlertSettings(z_threshold=3.0, min_count=5, baseline=24 * 3600, cooldown=6 * 3600)


def steady(n: int, start: int = 0) -> list[Hour]:
    return [Hour(start + i * 3600, 4, 1) for i in range(n)]


def test_a_negative_burst_raises_one_alert_and_the_cooldown_holds() -> None:
    """It should raise one alert for a three-hour burst, and a second one after the cooldown."""
    hours = steady(24)
    hours += [Hour(h.start + 24 * 3600, 12, 10) for h in steady(3)]
    hours += steady(3, 27 * 3600)
    hours += [Hour(30 * 3600, 12, 10)]  # three hours after the first: inside the cooldown
    hours += [*steady(3, 31 * 3600), Hour(34 * 3600, 30, 10)]  # ten hours after: a new alert
    spikes = find_spikes(hours, SETTINGS)
    assert [s.start // 3600 for s in spikes] == [24, 34]
    first = spikes[0]
    assert first.reasons == ("volume", "negative share") and first.expected == 4
    # volume z = (12 - 4) / 1 (spread 0, floored); share z = (10/12 - 1/4) / 0.05: the larger
    assert first.z == 11.67


def test_steady_noise_and_small_counts_raise_nothing() -> None:
    """It should stay quiet for noisy but steady volume, and below the minimum count."""
    rng = random.Random(3)
    noisy = [Hour(i * 3600, n, rng.randint(0, n)) for i, n in
             enumerate(rng.randint(20, 30) for _ in range(200))]
    assert find_spikes(noisy, SETTINGS) == []
    quiet = [Hour(i * 3600, 0, 0) for i in range(24)] + [Hour(24 * 3600, 4, 4)]
    assert find_spikes(quiet, SETTINGS) == []  # from 0 to 4 is a big z but under min_count


def test_emerging_terms_leave_out_stop_words_and_the_brand() -> None:
    """It should rank a new word first, and never list stop words or the brand's own names."""
    now = count_terms(["Northwind grinder recall is here"] * 4 + ["the espresso is fine"] * 4)
    before = count_terms(["the espresso is fine"] * 8)
    found = emerging(now, before, brand_words(["Northwind", "Copper Pot"]))
    assert [t.term for t in found] == ["grinder", "recall"]
    assert found[0].count == 4 and found[0].baseline == 0 and found[0].score == 5
    assert count_terms(["ok 42 ok", "The and"]) == (Counter(), 2)  # short words, numbers, stop
    assert emerging((Counter({"rare": 2}), 2), (Counter(), 0)) == []  # said under three times


def test_following_periods_step_forward_by_kind() -> None:
    """It should step a day, a month and a custom range forward, inverse to previous()."""
    day = period_of("day", at("2024-10-26T12:00"), CPH)
    assert following(day, CPH).seconds == 25 * 3600  # into the DST change
    feb = period_of("month", at("2024-02-10T00:00", UTC), UTC)
    assert following(feb, UTC).label == "2024-03"
    week = custom_period(date(2024, 10, 21), date(2024, 10, 27), CPH)  # ends on the 25-hour day
    after = following(week, CPH)
    assert after.label == "2024-10-28 to 2024-11-03" and previous(after, CPH) == week
    assert parse_period("2024-10-21..2024-10-27", 0, CPH) == week
    with pytest.raises(ValueError, match="bad period 'fortnight'"):
        parse_period("fortnight", 0, CPH)


def test_a_new_author_rises_beside_new_words() -> None:
    """It should count each author once per mention as "@name", so a new voice can emerge."""
    now = count_terms_and_authors([("hello there", "kim")] * 3 + [("fine day", "bo")])
    before = count_terms_and_authors([("fine day", "bo")] * 4)
    found = [t.term for t in emerging(now, before)]
    assert "@kim" in found and "@bo" not in found and "hello" in found
