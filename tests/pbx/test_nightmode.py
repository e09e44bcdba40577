"""Tests for pbx.nightmode: the company night mode ("nachtschakeling") built on schedules.engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbx.domain import nightmode
from pbx.domain.nightmode import NightModeReason, NightModeSetting, NightModeState, Override
from schedules import engine
from schedules.engine import HolidayPeriod, WeeklyRange

AMS = ZoneInfo("Europe/Amsterdam")
OFFICE = (
    *(WeeklyRange(day, time(8, 30), time(17, 30)) for day in range(5)),
    WeeklyRange(5, time(9), time(12)),
)
KONINGSDAG = (HolidayPeriod(date(2026, 4, 27), date(2026, 4, 27), "Koningsdag"),)
FULL_WEEK = tuple(WeeklyRange(day, time(0), time(0)) for day in range(7))


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_it_is_never_active_when_switched_off() -> None:
    state = nightmode.evaluate("off", OFFICE, KONINGSDAG, AMS, ams(2026, 4, 27, 22))
    assert state == NightModeState(False, NightModeReason.OFF, None, None)


def test_it_is_always_active_when_switched_on() -> None:
    state = nightmode.evaluate(NightModeSetting.ON, OFFICE, None, AMS, ams(2026, 4, 28, 10))
    assert state == NightModeState(True, NightModeReason.ON, None, None)
    assert state.reason == "on"


def test_it_refuses_an_unknown_setting() -> None:
    with pytest.raises(ValueError):
        nightmode.evaluate("sometimes", OFFICE, None, AMS, ams(2026, 4, 28, 10))


def test_it_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        nightmode.evaluate("auto", OFFICE, None, AMS, datetime(2026, 4, 28, 10))


def test_it_follows_opening_hours_in_auto() -> None:
    open_ = nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 28, 10))
    assert open_ == NightModeState(
        False, NightModeReason.OPEN, ams(2026, 4, 28, 8, 30), ams(2026, 4, 28, 17, 30)
    )
    closed = nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 28, 20))
    assert closed == NightModeState(
        True, NightModeReason.CLOSED, ams(2026, 4, 28, 17, 30), ams(2026, 4, 29, 8, 30)
    )


def test_it_reports_a_holiday_during_business_hours() -> None:
    state = nightmode.evaluate("auto", OFFICE, KONINGSDAG, AMS, ams(2026, 4, 27, 10))
    assert state == NightModeState(
        True, NightModeReason.HOLIDAY, ams(2026, 4, 25, 12), ams(2026, 4, 28, 8, 30)
    )


def test_it_prefers_holiday_over_closed_when_both_apply() -> None:
    evening = nightmode.evaluate("auto", OFFICE, KONINGSDAG, AMS, ams(2026, 4, 27, 21))
    assert evening.active and evening.reason == "holiday"
    assert nightmode.evaluate("auto", OFFICE, KONINGSDAG, AMS, ams(2026, 4, 28, 0, 30)).reason == "closed"


def test_it_lets_an_override_last_until_the_next_schedule_change() -> None:
    set_at = ams(2026, 4, 28, 11)
    until = nightmode.override_until(OFFICE, None, AMS, set_at)
    assert until == ams(2026, 4, 28, 17, 30)
    override = Override(active=True, until=until)
    state = nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 28, 12), override)
    assert state == NightModeState(True, NightModeReason.OVERRIDE_ON, None, until)
    # At the end the schedule rules again: closed, so night mode stays on, now for the schedule's reason.
    assert nightmode.evaluate("auto", OFFICE, None, AMS, until, override).reason == "closed"


def test_it_can_force_night_mode_off_outside_hours() -> None:
    set_at = ams(2026, 4, 28, 18)
    override = Override(active=False, until=nightmode.override_until(OFFICE, None, AMS, set_at))
    assert override.until == ams(2026, 4, 29, 8, 30)
    late = nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 29, 2), override)
    assert late == NightModeState(False, NightModeReason.OVERRIDE_OFF, None, override.until)
    assert nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 29, 8, 30), override).reason == "open"


def test_it_ignores_an_expired_override() -> None:
    override = Override(active=True, until=ams(2026, 4, 28, 9))
    assert nightmode.evaluate("auto", OFFICE, None, AMS, ams(2026, 4, 28, 10), override).reason == "open"


def test_it_ignores_an_override_outside_auto() -> None:
    override = Override(active=True, until=ams(2026, 4, 28, 17, 30))
    assert nightmode.evaluate("off", OFFICE, None, AMS, ams(2026, 4, 28, 10), override).reason == "off"


def test_it_keeps_an_override_on_a_schedule_that_never_changes_until_ended_by_hand() -> None:
    set_at = ams(2026, 4, 28, 10)
    assert nightmode.override_until(FULL_WEEK, None, AMS, set_at) is None
    override = Override(active=True, until=None)
    far_future = ams(2030, 1, 1)
    assert nightmode.evaluate("auto", FULL_WEEK, None, AMS, far_future, override).reason == "override_on"
    assert nightmode.evaluate("auto", FULL_WEEK, None, AMS, far_future).reason == "open"


def test_it_ends_an_override_at_the_end_of_the_spring_gap() -> None:
    early = (WeeklyRange(6, time(2, 30), time(8)),)
    until = nightmode.override_until(early, None, AMS, ams(2026, 3, 29, 1))
    assert until == utc(2026, 3, 29, 1, 0)  # 03:00 CEST, the first instant after the gap
    override = Override(active=False, until=until)
    assert (
        nightmode.evaluate("auto", early, None, AMS, utc(2026, 3, 29, 0, 59), override).reason
        == "override_off"
    )
    assert nightmode.evaluate("auto", early, None, AMS, utc(2026, 3, 29, 1, 0), override).reason == "open"


def test_it_ends_an_override_on_an_always_open_schedule_at_a_holiday_years_ahead() -> None:
    in_three_years = (HolidayPeriod(date(2029, 4, 27), date(2029, 4, 27), "Koningsdag"),)
    set_at = ams(2026, 4, 28, 10)
    until = nightmode.override_until(FULL_WEEK, in_three_years, AMS, set_at)
    assert until == ams(2029, 4, 27)
    override = Override(active=True, until=until)
    assert nightmode.evaluate(
        "auto", FULL_WEEK, in_three_years, AMS, ams(2029, 4, 26, 23), override
    ).reason == ("override_on")
    assert nightmode.evaluate("auto", FULL_WEEK, in_three_years, AMS, until, override).reason == "holiday"


def test_it_holds_an_override_in_the_first_pass_of_the_autumn_hour_when_it_ends_in_the_second() -> None:
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET, so 02:00-03:00 happens twice.
    until = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMS)  # second pass, 01:30 UTC
    override = Override(active=True, until=until)
    first_pass = datetime(2026, 10, 25, 2, 40, tzinfo=AMS)  # 00:40 UTC, before the end
    assert first_pass.astimezone(UTC) < until.astimezone(UTC)
    state = nightmode.evaluate("auto", OFFICE, None, AMS, first_pass, override)
    assert state.reason == "override_on"
    second_pass = datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=AMS)  # 01:40 UTC, after it
    assert nightmode.evaluate("auto", OFFICE, None, AMS, second_pass, override).reason == "closed"


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

ZONES = ("Europe/Amsterdam", "Europe/Amsterdam", "America/New_York", "Australia/Sydney", "UTC")


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


# European summer time changes at 01:00 UTC on the last Sundays of March and October.
EU_TRANSITIONS = tuple(
    datetime.combine(last_sunday(year, month), time(1), tzinfo=UTC)
    for year in range(2025, 2036)
    for month in (3, 10)
)

minute_of_day = st.one_of(
    st.integers(0, 1439), st.integers(100, 200), st.sampled_from([0, 120, 150, 180, 1410])
)


@st.composite
def weekly_ranges(draw: st.DrawFn) -> WeeklyRange:
    weekday = draw(st.integers(0, 6))
    start = draw(minute_of_day)
    end = draw(minute_of_day.filter(lambda end: end != start or end == 0))
    return WeeklyRange(weekday, time(start // 60, start % 60), time(end // 60, end % 60))


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    if draw(st.booleans()):
        return draw(st.sampled_from(EU_TRANSITIONS)) + timedelta(minutes=draw(st.integers(-4000, 4000)))
    return utc(2025, 1, 1) + timedelta(minutes=draw(st.integers(0, 11 * 365 * 1440)))


@st.composite
def holiday_lists(draw: st.DrawFn, near: datetime) -> tuple[HolidayPeriod, ...]:
    holidays = []
    for _ in range(draw(st.integers(0, 2))):
        start = near.replace(tzinfo=None, second=0, microsecond=0) + timedelta(
            minutes=draw(st.integers(-6000, 6000))
        )
        if draw(st.booleans()):
            holidays.append(
                HolidayPeriod(start.date(), start.date() + timedelta(days=draw(st.integers(0, 2))))
            )
        else:
            holidays.append(HolidayPeriod(start, start + timedelta(minutes=draw(st.integers(1, 3000)))))
    return tuple(holidays)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[tuple[WeeklyRange, ...], tuple[HolidayPeriod, ...], ZoneInfo, datetime]:
    at = draw(instants())
    ranges = tuple(draw(st.lists(weekly_ranges(), max_size=6)))
    return ranges, draw(holiday_lists(at)), ZoneInfo(draw(st.sampled_from(ZONES))), at


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_it_is_active_in_auto_exactly_when_the_schedule_is_closed(
    scenario: tuple[tuple[WeeklyRange, ...], tuple[HolidayPeriod, ...], ZoneInfo, datetime],
) -> None:
    ranges, holidays, tz, at = scenario
    state = nightmode.evaluate("auto", ranges, holidays, tz, at)
    assert state.active == (not engine.is_open(ranges, holidays, tz, at))
    assert state.reason == (
        "open" if not state.active else "holiday" if engine.is_holiday(holidays, tz, at) else "closed"
    )
    schedule = engine.state_at(ranges, holidays, tz, at)
    assert (state.since, state.until) == (schedule.since, schedule.until)


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.booleans(), st.lists(st.integers(0, 8 * 24 * 60), min_size=1, max_size=12))
def test_it_honours_an_override_until_the_schedule_changes_and_then_follows_the_schedule(
    scenario: tuple[tuple[WeeklyRange, ...], tuple[HolidayPeriod, ...], ZoneInfo, datetime],
    active: bool,
    offsets: list[int],
) -> None:
    ranges, holidays, tz, set_at = scenario
    until = nightmode.override_until(ranges, holidays, tz, set_at)
    override = Override(active, until)
    schedule_at_set = engine.is_open(ranges, holidays, tz, set_at)
    probes = [set_at + timedelta(minutes=minutes) for minutes in offsets]
    if until is not None:
        # Probe right around the end too, in UTC so that no wall-clock arithmetic is involved.
        end = until.astimezone(UTC)
        probes += [end - timedelta(microseconds=1), end, end + timedelta(minutes=1)]
    for probe in probes:
        state = nightmode.evaluate("auto", ranges, holidays, tz, probe, override)
        if until is None or probe < until:
            assert state.active == active
            assert state.reason == ("override_on" if active else "override_off")
            assert state.until == until
            # The override covers a stretch in which the schedule itself does not change.
            assert engine.is_open(ranges, holidays, tz, probe) == schedule_at_set
        else:
            assert state.active == (not engine.is_open(ranges, holidays, tz, probe))
            assert state.reason in ("open", "closed", "holiday")
    if until is not None:
        assert engine.is_open(ranges, holidays, tz, until) != schedule_at_set
