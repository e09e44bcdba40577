"""Tests for schedules.engine: examples, and hypothesis properties against a minute-by-minute reference."""

from __future__ import annotations

import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import engine
from schedules.engine import HolidayPeriod, WeeklyRange

AMS = ZoneInfo("Europe/Amsterdam")
MINUTE = timedelta(minutes=1)
WEEKDAYS = [WeeklyRange(day, time(8, 30), time(17, 30)) for day in range(5)]
OFFICE = (*WEEKDAYS, WeeklyRange(5, time(9), time(12)))
FULL_WEEK = tuple(WeeklyRange(day, time(0), time(0)) for day in range(7))


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def as_utc(value: datetime | None) -> datetime | None:
    # Aware datetimes inside an autumn fold never compare equal to other zones (PEP 495), so compare in UTC.
    return None if value is None else value.astimezone(UTC)


# ---------------------------------------------------------------------------------------------------------
# Value objects and validation
# ---------------------------------------------------------------------------------------------------------


def test_it_refuses_a_weekday_outside_monday_to_sunday() -> None:
    with pytest.raises(ValueError, match="weekday"):
        WeeklyRange(7, time(8), time(9))
    with pytest.raises(ValueError, match="weekday"):
        WeeklyRange(-1, time(8), time(9))


def test_it_refuses_zero_length_ranges_but_accepts_the_whole_day() -> None:
    with pytest.raises(ValueError, match="zero-length"):
        WeeklyRange(0, time(8), time(8))
    assert WeeklyRange(0, time(0), time(0)).duration == timedelta(days=1)


def test_it_reports_duration_and_midnight_crossing() -> None:
    assert WeeklyRange(4, time(22), time(6)).duration == timedelta(hours=8)
    assert WeeklyRange(4, time(22), time(6)).crosses_midnight
    assert WeeklyRange(4, time(22), time(0)).duration == timedelta(hours=2)
    assert not WeeklyRange(4, time(22), time(0)).crosses_midnight


def test_it_refuses_aware_times_in_ranges() -> None:
    with pytest.raises(ValueError, match="naive"):
        WeeklyRange(0, time(8, tzinfo=UTC), time(9))


def test_it_validates_holiday_periods() -> None:
    HolidayPeriod(date(2026, 4, 27), date(2026, 4, 27), "Koningsdag")
    with pytest.raises(ValueError, match="before start"):
        HolidayPeriod(date(2026, 4, 27), date(2026, 4, 26))
    with pytest.raises(ValueError, match="after start"):
        HolidayPeriod(datetime(2026, 4, 27, 12), datetime(2026, 4, 27, 12))
    with pytest.raises(ValueError, match="both"):
        HolidayPeriod(date(2026, 4, 27), datetime(2026, 4, 28, 12))
    with pytest.raises(ValueError, match="naive"):
        HolidayPeriod(utc(2026, 4, 27, 12), utc(2026, 4, 28, 12))


def test_it_keeps_value_objects_hashable() -> None:
    assert len({WeeklyRange(0, time(8), time(9)), WeeklyRange(0, time(8), time(9))}) == 1
    assert hash(HolidayPeriod(date(2026, 1, 1), date(2026, 1, 1)))


def test_it_refuses_naive_datetimes() -> None:
    naive = datetime(2026, 3, 27, 12)
    for function in (engine.is_open, engine.next_change, engine.previous_change, engine.state_at):
        with pytest.raises(ValueError, match="aware"):
            function(OFFICE, (), AMS, naive)


def test_it_accepts_a_zone_name_and_defaults_to_amsterdam() -> None:
    at = utc(2026, 3, 27, 7, 45)  # 08:45 in Amsterdam, 07:45 in London
    assert engine.is_open(OFFICE, None, None, at)
    assert engine.is_open(OFFICE, None, "Europe/Amsterdam", at)
    assert not engine.is_open(OFFICE, None, "Europe/London", at)


# ---------------------------------------------------------------------------------------------------------
# Office hours
# ---------------------------------------------------------------------------------------------------------


def test_it_is_open_during_office_hours_and_closed_outside() -> None:
    assert engine.is_open(OFFICE, None, AMS, ams(2026, 3, 27, 8, 30))
    assert engine.is_open(OFFICE, None, AMS, ams(2026, 3, 27, 17, 29, 59))
    assert not engine.is_open(OFFICE, None, AMS, ams(2026, 3, 27, 17, 30))
    assert not engine.is_open(OFFICE, None, AMS, ams(2026, 3, 27, 8, 29))
    assert engine.is_open(OFFICE, None, AMS, ams(2026, 3, 28, 11, 0))
    assert not engine.is_open(OFFICE, None, AMS, ams(2026, 3, 28, 12, 0))
    assert not engine.is_open(OFFICE, None, AMS, ams(2026, 3, 29, 11, 0))


def test_it_evaluates_instants_given_in_any_zone() -> None:
    assert engine.is_open(OFFICE, None, AMS, utc(2026, 3, 27, 7, 30))
    assert not engine.is_open(OFFICE, None, AMS, utc(2026, 3, 27, 7, 29))


def test_it_finds_the_state_and_its_bounds_over_the_weekend() -> None:
    state = engine.state_at(OFFICE, None, AMS, ams(2026, 3, 28, 15, 0))
    assert state == engine.ScheduleState(False, ams(2026, 3, 28, 12, 0), ams(2026, 3, 30, 8, 30))
    assert state.until is not None and state.until.tzinfo is AMS


def test_it_returns_the_change_strictly_after_the_given_instant() -> None:
    assert engine.next_change(OFFICE, None, AMS, ams(2026, 3, 27, 8, 30)) == ams(2026, 3, 27, 17, 30)
    assert engine.previous_change(OFFICE, None, AMS, ams(2026, 3, 27, 8, 30)) == ams(2026, 3, 27, 8, 30)


def test_it_handles_a_range_crossing_midnight() -> None:
    night = (WeeklyRange(4, time(22), time(6)),)
    assert not engine.is_open(night, None, AMS, ams(2026, 6, 5, 21, 59))
    assert engine.is_open(night, None, AMS, ams(2026, 6, 5, 22, 0))
    assert engine.is_open(night, None, AMS, ams(2026, 6, 6, 5, 59))
    assert not engine.is_open(night, None, AMS, ams(2026, 6, 6, 6, 0))
    assert engine.state_at(night, None, AMS, ams(2026, 6, 6, 1, 0)) == engine.ScheduleState(
        True, ams(2026, 6, 5, 22, 0), ams(2026, 6, 6, 6, 0)
    )


def test_it_wraps_sunday_night_into_monday() -> None:
    wrap = (WeeklyRange(6, time(22), time(2)),)
    assert engine.is_open(wrap, None, AMS, ams(2026, 6, 7, 23, 0))
    assert engine.is_open(wrap, None, AMS, ams(2026, 6, 8, 1, 59))
    assert not engine.is_open(wrap, None, AMS, ams(2026, 6, 8, 2, 0))
    assert engine.next_change(wrap, None, AMS, ams(2026, 6, 8, 0, 30)) == ams(2026, 6, 8, 2, 0)
    assert engine.previous_change(wrap, None, AMS, ams(2026, 6, 8, 0, 30)) == ams(2026, 6, 7, 22, 0)
    assert engine.next_change(wrap, None, AMS, ams(2026, 6, 8, 2, 0)) == ams(2026, 6, 14, 22, 0)


def test_it_treats_an_end_of_midnight_as_until_midnight() -> None:
    evening = (WeeklyRange(2, time(18), time(0)),)
    assert engine.is_open(evening, None, AMS, ams(2026, 6, 3, 23, 59))
    assert not engine.is_open(evening, None, AMS, ams(2026, 6, 4, 0, 0))
    assert engine.next_change(evening, None, AMS, ams(2026, 6, 3, 19)) == ams(2026, 6, 4, 0, 0)


def test_it_treats_midnight_to_midnight_as_the_whole_day() -> None:
    tuesday = (WeeklyRange(1, time(0), time(0)),)
    assert engine.is_open(tuesday, None, AMS, ams(2026, 6, 2, 0, 0))
    assert engine.is_open(tuesday, None, AMS, ams(2026, 6, 2, 23, 59, 59))
    assert not engine.is_open(tuesday, None, AMS, ams(2026, 6, 3, 0, 0))
    assert engine.state_at(tuesday, None, AMS, ams(2026, 6, 2, 12)) == engine.ScheduleState(
        True, ams(2026, 6, 2, 0, 0), ams(2026, 6, 3, 0, 0)
    )


def test_it_never_changes_a_full_week_without_holidays() -> None:
    at = ams(2026, 3, 29, 1, 30)
    assert engine.is_open(FULL_WEEK, None, AMS, at)
    assert engine.next_change(FULL_WEEK, None, AMS, at) is None
    assert engine.previous_change(FULL_WEEK, None, AMS, at) is None
    # Whole days that only touch still make one uninterrupted week.
    touching = (
        *FULL_WEEK[:3],
        WeeklyRange(3, time(0), time(12)),
        WeeklyRange(3, time(12), time(0)),
        *FULL_WEEK[4:],
    )
    assert engine.next_change(touching, None, AMS, at) is None


def test_it_never_changes_an_empty_schedule() -> None:
    at = ams(2026, 1, 1, 12)
    assert not engine.is_open((), None, AMS, at)
    assert engine.state_at((), None, AMS, at) == engine.ScheduleState(False, None, None)


def test_it_finds_the_next_change_however_far_ahead_and_bounds_only_the_past() -> None:
    long_holiday = (HolidayPeriod(date(2026, 1, 1), date(2030, 12, 31)),)
    at = ams(2026, 6, 1, 12)
    assert not engine.is_open(OFFICE, long_holiday, AMS, at)
    assert engine.next_change(OFFICE, long_holiday, AMS, at) == ams(2031, 1, 1, 8, 30)
    assert engine.previous_change(OFFICE, long_holiday, AMS, at) == ams(2025, 12, 31, 17, 30)


@pytest.mark.parametrize(
    ("holiday", "closes"),
    [
        (HolidayPeriod(date(2029, 6, 1), date(2029, 6, 1)), ams(2029, 6, 1)),
        (HolidayPeriod(datetime(2029, 3, 25, 2, 30), datetime(2029, 3, 25, 5)), utc(2029, 3, 25, 1)),
        (HolidayPeriod(date(2400, 1, 3), date(2400, 1, 3)), ams(2400, 1, 3)),
        (HolidayPeriod(date(9999, 12, 1), date(9999, 12, 1)), ams(9999, 12, 1)),
    ],
)
def test_it_finds_a_holiday_years_ahead_in_an_always_open_schedule_quickly(holiday, closes) -> None:
    began = clock.perf_counter()
    found = engine.next_change(FULL_WEEK, (holiday,), AMS, ams(2026, 6, 1, 12))
    assert as_utc(found) == as_utc(closes)  # a holiday starting in the spring gap closes when the gap ends
    assert clock.perf_counter() - began < 0.5
    assert engine.is_open(
        FULL_WEEK, (holiday,), AMS, as_utc(found) - timedelta(microseconds=1)
    ) and not engine.is_open(FULL_WEEK, (holiday,), AMS, found)


def test_it_finds_the_reopening_after_a_holiday_years_ahead() -> None:
    holidays = (
        HolidayPeriod(date(2029, 6, 1), date(2029, 6, 2)),
        HolidayPeriod(date(2033, 1, 1), date(2033, 1, 1)),
    )
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2029, 6, 1, 12)) == ams(2029, 6, 3)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2029, 6, 3)) == ams(2033, 1, 1)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2033, 1, 1, 12)) == ams(2033, 1, 2)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2033, 1, 2)) is None


# ---------------------------------------------------------------------------------------------------------
# DST, Europe/Amsterdam, 2026: spring 29 March 02:00 -> 03:00, autumn 25 October 03:00 -> 02:00
# ---------------------------------------------------------------------------------------------------------


def test_it_opens_at_the_end_of_the_spring_gap_when_the_range_starts_inside_it() -> None:
    early = (WeeklyRange(6, time(2, 30), time(8)),)
    before_gap = utc(2026, 3, 29, 0, 59)  # 01:59 CET
    assert not engine.is_open(early, None, AMS, before_gap)
    assert engine.next_change(early, None, AMS, before_gap) == ams(2026, 3, 29, 3, 0)
    assert engine.next_change(early, None, AMS, before_gap) == utc(2026, 3, 29, 1, 0)
    assert engine.is_open(early, None, AMS, utc(2026, 3, 29, 1, 0))
    assert engine.previous_change(early, None, AMS, ams(2026, 3, 29, 5)) == utc(2026, 3, 29, 1, 0)


def test_it_closes_at_the_end_of_the_spring_gap_when_the_range_ends_inside_it() -> None:
    night = (WeeklyRange(5, time(22), time(2, 30)),)
    assert engine.is_open(night, None, AMS, utc(2026, 3, 29, 0, 59))
    assert engine.next_change(night, None, AMS, ams(2026, 3, 28, 23)) == utc(2026, 3, 29, 1, 0)
    assert not engine.is_open(night, None, AMS, utc(2026, 3, 29, 1, 0))


def test_it_ignores_a_range_lying_entirely_inside_the_spring_gap() -> None:
    ghost = (WeeklyRange(6, time(2, 10), time(2, 40)),)
    at = ams(2026, 3, 29, 1, 0)
    assert engine.next_change(ghost, None, AMS, at) == ams(2026, 4, 5, 2, 10)


def test_it_changes_at_the_gap_for_a_range_starting_at_two() -> None:
    early = (WeeklyRange(6, time(2), time(8)),)
    assert engine.next_change(early, None, AMS, ams(2026, 3, 29, 1, 30)) == utc(2026, 3, 29, 1, 0)


def test_it_crosses_an_autumn_boundary_twice() -> None:
    early = (WeeklyRange(6, time(2, 30), time(8)),)
    first_open = engine.next_change(early, None, AMS, ams(2026, 10, 25, 1, 0))
    assert as_utc(first_open) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    assert first_open is not None and first_open.fold == 0
    closed_again = engine.next_change(early, None, AMS, first_open)
    assert as_utc(closed_again) == utc(2026, 10, 25, 1, 0)  # 02:00 CET: the clock falls back before 02:30
    assert closed_again is not None and closed_again.fold == 1
    second_open = engine.next_change(early, None, AMS, closed_again)
    assert as_utc(second_open) == utc(2026, 10, 25, 1, 30)  # 02:30 CET
    assert second_open is not None and second_open.fold == 1
    assert as_utc(engine.next_change(early, None, AMS, second_open)) == utc(2026, 10, 25, 7, 0)
    assert as_utc(engine.previous_change(early, None, AMS, utc(2026, 10, 25, 1, 15))) == utc(
        2026, 10, 25, 1, 0
    )
    assert as_utc(engine.previous_change(early, None, AMS, ams(2026, 10, 25, 7))) == utc(2026, 10, 25, 1, 30)


def test_it_does_not_flip_at_the_autumn_transition_when_the_whole_fold_is_open() -> None:
    night = (WeeklyRange(5, time(22), time(6)),)
    at = ams(2026, 10, 24, 23)
    until = engine.next_change(night, None, AMS, at)
    assert as_utc(until) == utc(2026, 10, 25, 5, 0)  # 06:00 CET, nine hours after 23:00 CEST
    assert engine.previous_change(night, None, AMS, ams(2026, 10, 25, 5)) == ams(2026, 10, 24, 22, 0)


def test_it_reports_the_autumn_fold_for_a_boundary_in_the_repeated_hour() -> None:
    until_half_past_two = (WeeklyRange(5, time(22), time(2, 30)),)
    first_close = engine.next_change(until_half_past_two, None, AMS, ams(2026, 10, 24, 23))
    assert as_utc(first_close) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    reopen = engine.next_change(until_half_past_two, None, AMS, first_close)
    assert as_utc(reopen) == utc(2026, 10, 25, 1, 0)  # 02:00 CET is inside 22:00-02:30 again
    second_close = engine.next_change(until_half_past_two, None, AMS, reopen)
    assert as_utc(second_close) == utc(2026, 10, 25, 1, 30)  # 02:30 CET
    assert second_close is not None and (second_close.hour, second_close.minute, second_close.fold) == (
        2,
        30,
        1,
    )


def test_it_evaluates_timed_holidays_in_wall_time_across_the_autumn_fold() -> None:
    holidays = (HolidayPeriod(datetime(2026, 10, 25, 2, 15), datetime(2026, 10, 25, 2, 45)),)
    sunday = (WeeklyRange(6, time(0), time(0)),)
    flips = []
    at: datetime | None = ams(2026, 10, 25, 0)
    for _ in range(4):
        assert at is not None
        at = engine.next_change(sunday, holidays, AMS, at)
        flips.append(as_utc(at))
    assert flips == [
        utc(2026, 10, 25, 0, 15),
        utc(2026, 10, 25, 0, 45),
        utc(2026, 10, 25, 1, 15),
        utc(2026, 10, 25, 1, 45),
    ]


# ---------------------------------------------------------------------------------------------------------
# Holidays
# ---------------------------------------------------------------------------------------------------------


KONINGSDAG = HolidayPeriod(date(2026, 4, 27), date(2026, 4, 27), "Koningsdag")


def test_it_closes_on_a_whole_day_holiday_during_business_hours() -> None:
    assert engine.is_open(OFFICE, None, AMS, ams(2026, 4, 27, 10))
    assert not engine.is_open(OFFICE, (KONINGSDAG,), AMS, ams(2026, 4, 27, 10))
    assert engine.state_at(OFFICE, (KONINGSDAG,), AMS, ams(2026, 4, 27, 10)) == engine.ScheduleState(
        False,
        ams(2026, 4, 25, 12, 0),
        ams(2026, 4, 28, 8, 30),  # closed since Saturday noon
    )
    assert engine.holiday_at((KONINGSDAG,), AMS, ams(2026, 4, 27, 10)) == KONINGSDAG
    assert not engine.is_holiday((KONINGSDAG,), AMS, ams(2026, 4, 28, 0))


def test_it_closes_during_a_timed_holiday_and_reopens_at_its_end() -> None:
    afternoon_off = (
        HolidayPeriod(datetime(2026, 12, 24, 14), datetime(2026, 12, 24, 16, 15), "Kerstborrel"),
    )
    assert engine.next_change(OFFICE, afternoon_off, AMS, ams(2026, 12, 24, 9)) == ams(2026, 12, 24, 14)
    assert not engine.is_open(OFFICE, afternoon_off, AMS, ams(2026, 12, 24, 15))
    assert engine.state_at(OFFICE, afternoon_off, AMS, ams(2026, 12, 24, 15)) == engine.ScheduleState(
        False, ams(2026, 12, 24, 14), ams(2026, 12, 24, 16, 15)
    )
    assert engine.is_open(OFFICE, afternoon_off, AMS, ams(2026, 12, 24, 16, 15))


def test_it_skips_a_holiday_week_when_looking_for_the_next_opening() -> None:
    christmas = (
        HolidayPeriod(date(2026, 12, 24), date(2026, 12, 26), "Kerst"),
        HolidayPeriod(date(2026, 12, 27), date(2027, 1, 1), "Tussen kerst en oud en nieuw"),
    )
    assert engine.next_change(OFFICE, christmas, AMS, ams(2026, 12, 23, 17, 30)) == ams(2027, 1, 2, 9, 0)
    assert engine.previous_change(OFFICE, christmas, AMS, ams(2027, 1, 2, 8)) == ams(2026, 12, 23, 17, 30)


def test_it_applies_holidays_to_a_full_week() -> None:
    holidays = (KONINGSDAG,)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2026, 4, 1)) == ams(2026, 4, 27, 0, 0)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2026, 4, 27, 1)) == ams(2026, 4, 28, 0, 0)
    assert engine.next_change(FULL_WEEK, holidays, AMS, ams(2026, 4, 28)) is None


# ---------------------------------------------------------------------------------------------------------
# normalise, find_overlaps, week_grid
# ---------------------------------------------------------------------------------------------------------


def test_it_merges_overlapping_and_touching_ranges() -> None:
    ranges = [
        WeeklyRange(0, time(12), time(17)),
        WeeklyRange(0, time(8), time(12)),
        WeeklyRange(0, time(9), time(10)),
        WeeklyRange(1, time(8), time(12)),
    ]
    assert engine.normalise(ranges) == (WeeklyRange(0, time(8), time(17)), WeeklyRange(1, time(8), time(12)))


def test_it_merges_across_midnight_and_the_week_wrap() -> None:
    ranges = [
        WeeklyRange(4, time(22), time(0)),
        WeeklyRange(5, time(0), time(6)),
        WeeklyRange(6, time(23), time(1)),
        WeeklyRange(0, time(0, 30), time(3)),
    ]
    assert engine.normalise(ranges) == (WeeklyRange(4, time(22), time(6)), WeeklyRange(6, time(23), time(3)))


def test_it_splits_merged_stretches_longer_than_a_day_at_midnight() -> None:
    ranges = [
        WeeklyRange(4, time(18), time(0)),
        WeeklyRange(5, time(0), time(0)),
        WeeklyRange(6, time(0), time(9)),
    ]
    assert engine.normalise(ranges) == tuple(ranges)
    assert engine.normalise([WeeklyRange(0, time(12), time(0)), WeeklyRange(1, time(0), time(12))]) == (
        WeeklyRange(0, time(12), time(0)),
        WeeklyRange(1, time(0), time(12)),
    )
    assert engine.normalise([*FULL_WEEK, WeeklyRange(3, time(5), time(7))]) == FULL_WEEK
    assert engine.normalise([]) == ()


def test_it_finds_overlaps_but_not_touching_ranges() -> None:
    a = WeeklyRange(0, time(8), time(12))
    b = WeeklyRange(0, time(11), time(13))
    c = WeeklyRange(0, time(13), time(14))
    d = WeeklyRange(6, time(23), time(8, 30))
    assert engine.find_overlaps([a, b, c, d]) == [(a, b), (a, d)]
    assert engine.find_overlaps([WeeklyRange(0, time(0), time(0)), WeeklyRange(6, time(22), time(0))]) == []


def test_it_splits_midnight_crossing_ranges_in_the_week_grid() -> None:
    grid = engine.week_grid([WeeklyRange(4, time(22), time(6)), WeeklyRange(6, time(22), time(2)), *WEEKDAYS])
    assert grid == (
        ((0, 120), (510, 1050)),
        ((510, 1050),),
        ((510, 1050),),
        ((510, 1050),),
        ((510, 1050), (1320, 1440)),
        ((0, 360),),
        ((1320, 1440),),
    )


def test_it_widens_sub_minute_times_in_the_week_grid() -> None:
    grid = engine.week_grid([WeeklyRange(2, time(8, 0, 30), time(8, 1, 10))])
    assert grid[2] == ((480, 482),)


def test_it_answers_quickly() -> None:
    holidays = (KONINGSDAG, HolidayPeriod(date(2026, 12, 24), date(2026, 12, 31)))
    start = ams(2026, 1, 1)
    engine.state_at(OFFICE, holidays, AMS, start)  # warm the per-year transition cache
    began = clock.perf_counter()
    for step in range(2000):
        engine.state_at(OFFICE, holidays, AMS, start + timedelta(minutes=263 * step))
    assert (clock.perf_counter() - began) / 2000 < 0.001


# ---------------------------------------------------------------------------------------------------------
# Property tests against a brute-force reference
# ---------------------------------------------------------------------------------------------------------

ZONES = ("Europe/Amsterdam", "America/New_York", "Australia/Sydney", "UTC")
WINDOW = timedelta(days=4)  # each side of the probed instant


@cache
def dst_transitions(zone: str) -> tuple[datetime, ...]:
    """UTC instants in 2025-2035 where the offset changes: a daily scan, then bisection to the minute."""
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> timedelta | None:
        return at.astimezone(tz).utcoffset()

    found = []
    day = utc(2025, 1, 1)
    while day < utc(2036, 1, 1):
        following = day + timedelta(days=1)
        if offset(day) != offset(following):
            low, high = day, following
            while high - low > MINUTE:
                middle = low + (high - low) // 2
                middle -= timedelta(seconds=middle.second)
                if offset(middle) == offset(day):
                    low = middle
                else:
                    high = middle
            found.append(high)
        day = following
    return tuple(found)


def test_it_finds_the_expected_amsterdam_transitions_in_the_reference_scan() -> None:
    transitions = dst_transitions("Europe/Amsterdam")
    assert len(transitions) == 22
    for instant in transitions:
        local = instant.astimezone(AMS)
        # Last Sunday of March or October, at 01:00 UTC.
        assert (
            local.month in (3, 10)
            and local.weekday() == 6
            and (local + timedelta(days=7)).month != local.month
        )
        assert instant.time() == time(1, 0)


def reference_week(ranges: Sequence[WeeklyRange]) -> list[bool]:
    week = [False] * (7 * 1440)
    for weekly in ranges:
        start = weekly.weekday * 1440 + weekly.start.hour * 60 + weekly.start.minute
        end = weekly.weekday * 1440 + weekly.end.hour * 60 + weekly.end.minute
        if end <= start:
            end += 1440
        for minute in range(start, end):
            week[minute % len(week)] = True
    return week


def reference_holidays(holidays: Sequence[HolidayPeriod]) -> list[tuple[datetime, datetime]]:
    spans = []
    for holiday in holidays:
        if isinstance(holiday.start, datetime) and isinstance(holiday.end, datetime):
            spans.append((holiday.start, holiday.end))
        else:
            spans.append(
                (
                    datetime.combine(holiday.start, time()),
                    datetime.combine(holiday.end, time()) + timedelta(1),
                )
            )
    return spans


def reference_states(
    ranges: Sequence[WeeklyRange],
    holidays: Sequence[HolidayPeriod],
    tz: ZoneInfo,
    first: datetime,
    count: int,
) -> list[bool]:
    """Open or not at ``count`` consecutive UTC minutes from ``first``, by naive wall-time membership."""
    week = reference_week(ranges)
    spans = reference_holidays(holidays)
    states = []
    for step in range(count):
        local = (first + step * MINUTE).astimezone(tz)
        wall = local.replace(tzinfo=None)
        open_ = week[local.weekday() * 1440 + local.hour * 60 + local.minute]
        if open_ and spans:
            open_ = not any(start <= wall < end for start, end in spans)
        states.append(open_)
    return states


@st.composite
def times(draw: st.DrawFn) -> time:
    # Extra weight on the DST hours and on midnight, where the interesting edges are.
    minute = draw(
        st.one_of(
            st.integers(0, 1439),
            st.sampled_from([0, 60, 120, 150, 180, 210, 1380, 1410, 1439]),
            st.integers(110, 190),
        )
    )
    return time(minute // 60, minute % 60)


@st.composite
def weekly_ranges(draw: st.DrawFn) -> WeeklyRange:
    weekday = draw(st.integers(0, 6))
    if draw(st.integers(0, 9)) == 0:
        return WeeklyRange(weekday, time(0), time(0))
    start = draw(times())
    end = draw(times().filter(lambda end: end != start))
    return WeeklyRange(weekday, start, end)


schedules = st.lists(weekly_ranges(), max_size=6).map(tuple)


@dataclass(frozen=True)
class Case:
    zone: str
    ranges: tuple[WeeklyRange, ...]
    holidays: tuple[HolidayPeriod, ...]
    at: datetime  # aware, UTC

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@st.composite
def instants(draw: st.DrawFn, zone: str) -> datetime:
    """A minute-aligned UTC instant in 2025-2035, often within a few days of a DST transition."""
    if zone != "UTC" and draw(st.booleans()):
        transition = draw(st.sampled_from(dst_transitions(zone)))
        return transition + draw(st.integers(-3 * 1440, 3 * 1440)) * MINUTE
    return utc(2025, 1, 1) + draw(st.integers(0, 11 * 365 * 1440)) * MINUTE


@st.composite
def holiday_periods(draw: st.DrawFn, near: datetime, tz: ZoneInfo) -> HolidayPeriod:
    local_day = near.astimezone(tz).date()
    if draw(st.booleans()):
        start_day = local_day + timedelta(days=draw(st.integers(-5, 5)))
        return HolidayPeriod(start_day, start_day + timedelta(days=draw(st.integers(0, 2))), "dag")
    start = datetime.combine(local_day, time()) + draw(st.integers(-5 * 1440, 5 * 1440)) * MINUTE
    length = draw(st.one_of(st.integers(1, 3 * 1440), st.integers(1, 180))) * MINUTE
    return HolidayPeriod(start, start + length, "getimed")


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(ZONES + ("Europe/Amsterdam",) * 3))
    at = draw(instants(zone))
    holidays = tuple(draw(st.lists(holiday_periods(at, ZoneInfo(zone)), max_size=3)))
    return Case(zone, draw(schedules), holidays, at)


PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@PROPERTY_SETTINGS
@given(cases(), st.integers(0, 59_999_999))
def test_it_agrees_with_the_minute_by_minute_reference(case: Case, sub_minute: int) -> None:
    tz = case.tz
    first = case.at - WINDOW
    count = 2 * WINDOW // MINUTE + 1
    states = reference_states(case.ranges, case.holidays, tz, first, count)
    flips = [first + index * MINUTE for index in range(1, count) if states[index] != states[index - 1]]
    last = first + (count - 1) * MINUTE

    # Walking next_change from the window start reproduces every flip, which pins is_open on every minute.
    assert engine.is_open(case.ranges, case.holidays, tz, first) == states[0]
    walked = []
    cursor: datetime | None = first
    while cursor is not None and cursor <= last and len(walked) <= len(flips):
        cursor = engine.next_change(case.ranges, case.holidays, tz, cursor)
        if cursor is not None and cursor <= last:
            assert cursor.tzinfo is tz
            walked.append(cursor.astimezone(UTC))
    assert walked == flips

    # The same walk backwards with previous_change.
    walked = []
    cursor = last
    while cursor is not None and cursor > first and len(walked) <= len(flips):
        cursor = engine.previous_change(case.ranges, case.holidays, tz, cursor)
        if cursor is not None and cursor > first:
            # Step back in UTC: arithmetic on the local result is wall-clock arithmetic and can land in a gap.
            cursor = cursor.astimezone(UTC) - timedelta(microseconds=1)
            walked.append(cursor + timedelta(microseconds=1))
    assert walked == flips[::-1]

    # From the probed instant itself, also off the minute grid.
    at = case.at + timedelta(microseconds=sub_minute)
    state = engine.state_at(case.ranges, case.holidays, tz, at)
    assert state.is_open == states[WINDOW // MINUTE]
    after = [flip for flip in flips if flip > at]
    if after:
        assert as_utc(state.until) == after[0]
    else:
        assert state.until is None or state.until > last
    before = [flip for flip in flips if flip <= at]
    if before:
        assert as_utc(state.since) == before[-1]
    else:
        assert state.since is None or state.since <= first
    if state.until is not None:
        assert engine.is_open(case.ranges, case.holidays, tz, state.until) != state.is_open
        assert engine.is_open(
            case.ranges, case.holidays, tz, state.until.astimezone(UTC) - timedelta(microseconds=1)
        ) == (state.is_open)


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_it_normalises_without_changing_coverage(ranges: tuple[WeeklyRange, ...]) -> None:
    normal = engine.normalise(ranges)
    assert reference_week(normal) == reference_week(ranges)
    assert engine.normalise(normal) == normal
    assert list(normal) == sorted(normal)
    assert engine.find_overlaps(normal) == []


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_it_draws_the_week_grid_of_the_coverage(ranges: tuple[WeeklyRange, ...]) -> None:
    grid = engine.week_grid(ranges)
    assert len(grid) == 7
    drawn = [False] * (7 * 1440)
    for day, segments in enumerate(grid):
        for start, end in segments:
            assert 0 <= start < end <= 1440
            drawn[day * 1440 + start : day * 1440 + end] = [True] * (end - start)
        assert all(a[1] < b[0] for a, b in pairwise(segments))
    assert drawn == reference_week(ranges)


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_it_finds_exactly_the_overlapping_pairs(ranges: tuple[WeeklyRange, ...]) -> None:
    weeks = [reference_week([weekly]) for weekly in ranges]
    expected = [
        (ranges[i], ranges[j])
        for i in range(len(ranges))
        for j in range(i + 1, len(ranges))
        if any(a and b for a, b in zip(weeks[i], weeks[j], strict=True))
    ]
    assert engine.find_overlaps(ranges) == expected


@st.composite
def far_cases(draw: st.DrawFn) -> Case:
    """Holidays months or years ahead, as in a schedule kept up to date for years to come."""
    zone = draw(st.sampled_from(ZONES + ("Europe/Amsterdam",) * 3))
    at = draw(instants(zone))
    holidays = []
    for _ in range(draw(st.integers(1, 3))):
        near = at + timedelta(days=draw(st.integers(30, 3 * 365)))
        if zone != "UTC" and draw(st.booleans()):
            # right on a DST transition a few years on, where the wall clock jumps
            near = draw(
                st.sampled_from([t for t in dst_transitions(zone) if t > at + timedelta(days=20)] or [near])
            )
        holidays.append(draw(holiday_periods(near, ZoneInfo(zone))))
    ranges = draw(st.one_of(st.just(FULL_WEEK), schedules))
    return Case(zone, ranges, tuple(holidays), at)


@PROPERTY_SETTINGS
@given(far_cases())
def test_it_jumps_to_a_far_change_without_missing_one_in_between(case: Case) -> None:
    tz = case.tz
    state = engine.is_open(case.ranges, case.holidays, tz, case.at)
    found = engine.next_change(case.ranges, case.holidays, tz, case.at)
    if found is None:
        end = max(h.wall_bounds()[1] for h in case.holidays).replace(tzinfo=UTC) + timedelta(days=8)
        probes = [case.at + (end - case.at) * i / 200 for i in range(201)]
        assert all(engine.is_open(case.ranges, case.holidays, tz, p) == state for p in probes)
        return
    found = found.astimezone(UTC)
    assert found > case.at
    assert engine.is_open(case.ranges, case.holidays, tz, found) != state
    # Every minute of the last four days before the change has the old state, and so has every offset
    # transition and every holiday edge on the way.
    window = min(WINDOW, found - case.at)
    first = found - window
    count = window // MINUTE
    assert all(s == state for s in reference_states(case.ranges, case.holidays, tz, first, count))
    edges = [t for t in dst_transitions(case.zone) if case.at < t < found]
    for holiday in case.holidays:
        for wall in holiday.wall_bounds():
            for fold in (0, 1):
                instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
                if case.at < instant < found:
                    edges.append(instant)
    for edge in edges:
        for probe in (edge - timedelta(microseconds=1), edge):
            if case.at < probe < found:
                assert engine.is_open(case.ranges, case.holidays, tz, probe) == state, probe
