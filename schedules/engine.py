"""Opening-hours evaluation for weekly time schedules ("tijdschema's") and holiday schedules.

Pure standard-library code so it can be unit- and property-tested without Django.

Everything is defined in local *wall-clock* time of an IANA zone: a weekly range says "Monday 08:30 to
17:30 local", a holiday says "27 April, all day, local". An aware instant is open iff its local wall time
falls in a weekly range and in no holiday. Consequences across daylight saving time (Europe/Amsterdam):

* spring (02:00 jumps to 03:00): wall times in the gap never occur, so a boundary at 02:30 takes effect
  at the first instant after the gap (03:00 local);
* autumn (03:00 falls back to 02:00): wall times 02:00-03:00 occur twice, so a boundary at 02:30 is
  crossed twice, once in each fold.

Instants are returned in the requested zone, so an instant in the autumn fold carries ``fold=1`` where
needed. Two caveats for callers: Python never considers such an instant equal (==) to a datetime in another
zone (PEP 495), so compare via ``.astimezone(UTC)`` or ``.timestamp()``; and arithmetic on an aware local
datetime is wall-clock arithmetic (``until - timedelta(microseconds=1)`` may land in the spring gap), so
convert to UTC before adding or subtracting.

Nothing here steps minute by minute. Between two UTC-offset transitions of the zone, wall time is UTC plus a
constant, so changes of state are found by jumping between the schedule's wall-clock edges (bisect over the
week and over the merged holidays) and checking the state again at each offset transition.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Final, TypeAlias
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TZ_NAME",
    "HORIZON",
    "HolidayPeriod",
    "ScheduleState",
    "TzLike",
    "WeeklyRange",
    "find_overlaps",
    "holiday_at",
    "is_holiday",
    "is_open",
    "next_change",
    "normalise",
    "previous_change",
    "resolve_tz",
    "state_at",
    "week_grid",
]

DEFAULT_TZ_NAME: Final = "Europe/Amsterdam"
# Bounds the search backwards ("since when"); the search forwards jumps from event to event, unbounded.
HORIZON: Final = timedelta(days=800)
# More than the spread of any one zone's UTC offsets (Samoa skipped a day) and less than the time between
# two of its offset changes.
_OFFSET_SPAN: Final = timedelta(days=2)
_FAR_WALL: Final = datetime.max - timedelta(days=16)

TzLike: TypeAlias = tzinfo | str | None

_DAY_US: Final = 86_400 * 1_000_000
_WEEK_US: Final = 7 * _DAY_US
_WEEK: Final = timedelta(days=7)
# datetimes have microsecond resolution and every edge is a datetime, so "just before x" is exactly x - 1 µs.
_TICK: Final = timedelta(microseconds=1)
_EARLIEST: Final = datetime.min.replace(tzinfo=UTC)
_LATEST: Final = datetime.max.replace(tzinfo=UTC)
_DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _time_us(value: time | datetime) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _time_from_us(us: int) -> time:
    seconds, micro = divmod(us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


# --------------------------------------------------------------------------------------------------------
# Value objects
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True, slots=True)
class WeeklyRange:
    """Open from ``start`` on ``weekday`` (0 = Monday) until ``end``, in local wall-clock time.

    ``end <= start`` means the range runs into the next day (Sunday wraps to Monday); ``end == 00:00`` means
    "until midnight"; ``00:00-00:00`` is the whole day. Any other ``start == end`` is refused.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if isinstance(self.weekday, bool) or not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise ValueError(
                f"weekday must be an integer from 0 (Monday) to 6 (Sunday), got {self.weekday!r}"
            )
        for label, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, time):
                raise ValueError(f"{label} must be a datetime.time, got {type(value).__name__}")
            if value.tzinfo is not None:
                raise ValueError(f"{label} must be a naive local wall-clock time, got {value.isoformat()}")
        if self.start == self.end and self.start != time(0):
            raise ValueError(
                f"range on {_DAY_NAMES[self.weekday]} starts and ends at {self.start.isoformat()}: "
                "a zero-length range is not allowed (use 00:00-00:00 for the whole day)"
            )

    @property
    def duration(self) -> timedelta:
        length = _time_us(self.end) - _time_us(self.start)
        if length <= 0:
            length += _DAY_US
        return timedelta(microseconds=length)

    @property
    def crosses_midnight(self) -> bool:
        """True when the range continues into the next day (a range ending exactly at 00:00 does not)."""
        return self.end != time(0) and self.end < self.start

    def _span(self) -> tuple[int, int]:
        # Position in microseconds from Monday 00:00; the end may pass the end of the week (wrap).
        start = self.weekday * _DAY_US + _time_us(self.start)
        return start, start + self.duration // _TICK


@dataclass(frozen=True, slots=True)
class HolidayPeriod:
    """A period during which the schedule is closed regardless of its weekly ranges.

    Two dates: whole local days, both inclusive. Two naive datetimes: local wall-clock, end exclusive.
    """

    start: date | datetime
    end: date | datetime
    name: str = ""

    def __post_init__(self) -> None:
        self.validate()

    @property
    def is_timed(self) -> bool:
        return isinstance(self.start, datetime)

    def validate(self) -> None:
        label = f"holiday {self.name!r}" if self.name else "holiday"
        start_timed = isinstance(self.start, datetime)
        end_timed = isinstance(self.end, datetime)
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise ValueError(f"{label}: start and end must be dates or datetimes")
        if start_timed != end_timed:
            raise ValueError(f"{label}: start and end must both be dates (whole days) or both datetimes")
        if start_timed:
            assert isinstance(self.start, datetime) and isinstance(self.end, datetime)
            if self.start.tzinfo is not None or self.end.tzinfo is not None:
                raise ValueError(
                    f"{label}: timed periods take naive local wall-clock datetimes, not aware ones"
                )
            if self.end <= self.start:
                raise ValueError(
                    f"{label}: end ({self.end.isoformat()}) must be after start ({self.start.isoformat()})"
                )
        elif self.end < self.start:
            raise ValueError(
                f"{label}: end date ({self.end.isoformat()}) must not be before start date "
                f"({self.start.isoformat()})"
            )

    def wall_bounds(self) -> tuple[datetime, datetime]:
        """The period as a half-open interval of naive local wall-clock datetimes."""
        if isinstance(self.start, datetime) and isinstance(self.end, datetime):
            return self.start, self.end
        start = datetime.combine(self.start, time(0))
        try:
            end = datetime.combine(self.end, time(0)) + timedelta(days=1)
        except OverflowError:
            end = datetime.max
        return start, end

    def contains(self, wall: datetime) -> bool:
        start, end = self.wall_bounds()
        return start <= wall < end


@dataclass(frozen=True, slots=True)
class ScheduleState:
    is_open: bool
    since: datetime | None
    until: datetime | None


# --------------------------------------------------------------------------------------------------------
# Week geometry
# --------------------------------------------------------------------------------------------------------


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _linear_spans(ranges: Iterable[WeeklyRange]) -> list[tuple[int, int]]:
    """Merged coverage as sorted, disjoint, non-touching spans within [0, week], split at the week wrap."""
    pieces: list[tuple[int, int]] = []
    for weekly in ranges:
        start, end = weekly._span()
        if end <= _WEEK_US:
            pieces.append((start, end))
        else:
            pieces.extend(((start, _WEEK_US), (0, end - _WEEK_US)))
    return _merge(pieces)


def _circular_spans(linear: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # Rejoin the piece ending at Sunday midnight with the one starting Monday 00:00 (unless it is 24/7).
    if len(linear) >= 2 and linear[0][0] == 0 and linear[-1][1] == _WEEK_US:
        return [*linear[1:-1], (linear[-1][0], linear[0][1] + _WEEK_US)]
    return list(linear)


def normalise(ranges: Iterable[WeeklyRange]) -> tuple[WeeklyRange, ...]:
    """Canonical, sorted form of ``ranges`` with overlapping and touching ranges merged.

    Merging also happens across midnight and across the Sunday/Monday wrap. A merged stretch that a single
    WeeklyRange cannot express (longer than a day, or exactly 24 h not starting at midnight) is split at
    midnights into a head up to midnight, whole days (00:00-00:00) and a tail from midnight, so only those
    pieces touch each other. ``normalise(normalise(x)) == normalise(x)``.
    """
    result: list[WeeklyRange] = []
    for start, end in _circular_spans(_linear_spans(ranges)):
        cursor = start
        while cursor < end:
            remaining = end - cursor
            aligned = cursor % _DAY_US == 0
            if remaining < _DAY_US or (remaining == _DAY_US and aligned):
                piece_end = end
            elif aligned:
                piece_end = cursor + _DAY_US
            else:
                piece_end = (cursor // _DAY_US + 1) * _DAY_US
            result.append(
                WeeklyRange(
                    (cursor // _DAY_US) % 7,
                    _time_from_us(cursor % _DAY_US),
                    _time_from_us(piece_end % _DAY_US),
                )
            )
            cursor = piece_end
    return tuple(sorted(result))


def find_overlaps(ranges: Sequence[WeeklyRange]) -> list[tuple[WeeklyRange, WeeklyRange]]:
    """Pairs (in input order) of ranges that share some time; ranges that merely touch do not overlap."""
    pieces = [_linear_spans([weekly]) for weekly in ranges]
    overlaps: list[tuple[WeeklyRange, WeeklyRange]] = []
    for i, first in enumerate(pieces):
        for j in range(i + 1, len(pieces)):
            if any(max(a0, b0) < min(a1, b1) for a0, a1 in first for b0, b1 in pieces[j]):
                overlaps.append((ranges[i], ranges[j]))
    return overlaps


def week_grid(ranges: Iterable[WeeklyRange]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Seven tuples (Monday..Sunday) of merged (start_minute, end_minute) segments within 0..1440.

    Sub-minute times are widened outwards (start floored, end ceiled) so that no open time disappears.
    """
    minute_us = 60 * 1_000_000
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for start, end in _linear_spans(ranges):
        cursor = start
        while cursor < end:
            day = cursor // _DAY_US
            piece_end = min(end, (day + 1) * _DAY_US)
            offset = day * _DAY_US
            days[day].append(
                (
                    (cursor - offset) // minute_us,
                    -(-(piece_end - offset) // minute_us),
                )
            )
            cursor = piece_end
    return tuple(tuple(_merge(segments)) for segments in days)


# --------------------------------------------------------------------------------------------------------
# Compiled schedule: wall-clock queries
# --------------------------------------------------------------------------------------------------------


def _week_position(wall: datetime) -> tuple[datetime, int]:
    """Monday 00:00 of ``wall``'s week and the offset of ``wall`` into that week in microseconds."""
    weekday = wall.weekday()
    monday = datetime(wall.year, wall.month, wall.day) - timedelta(days=weekday)
    return monday, weekday * _DAY_US + _time_us(wall)


class _Compiled:
    """A schedule reduced to sorted edge lists; every query is a handful of bisects."""

    __slots__ = ("constant", "falls", "h_ends", "h_starts", "rises", "span_ends", "span_starts")

    def __init__(self, ranges: tuple[WeeklyRange, ...], holidays: tuple[HolidayPeriod, ...]) -> None:
        linear = _linear_spans(ranges)
        self.span_starts = [start for start, _ in linear]
        self.span_ends = [end for _, end in linear]
        wraps = bool(linear) and linear[0][0] == 0 and linear[-1][1] == _WEEK_US
        # Monday 00:00 / Sunday 24:00 is no edge when coverage continues across the wrap (or is 24/7).
        self.rises = [start for start in self.span_starts if not (wraps and start == 0)]
        self.falls = sorted(end % _WEEK_US for end in self.span_ends if not (wraps and end == _WEEK_US))

        merged: list[tuple[datetime, datetime]] = []
        for start, end in sorted(h.wall_bounds() for h in holidays):
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        self.h_starts = [start for start, _ in merged]
        self.h_ends = [end for _, end in merged]
        # Never open, or open 24/7 without holidays: the answer is the same at every instant.
        self.constant = not linear or (not self.rises and not self.h_starts)

    def weekly_open(self, wall: datetime) -> bool:
        position = _week_position(wall)[1]
        index = bisect_right(self.span_starts, position) - 1
        return index >= 0 and position < self.span_ends[index]

    def holiday_index(self, wall: datetime) -> int | None:
        index = bisect_right(self.h_starts, wall) - 1
        return index if index >= 0 and wall < self.h_ends[index] else None

    def open_at(self, wall: datetime) -> bool:
        return self.weekly_open(wall) and self.holiday_index(wall) is None

    @staticmethod
    def _next_edge(edges: list[int], wall: datetime) -> datetime | None:
        """First weekly edge strictly after ``wall``."""
        if not edges:
            return None
        monday, position = _week_position(wall)
        index = bisect_right(edges, position)
        if index < len(edges):
            return monday + timedelta(microseconds=edges[index])
        return monday + _WEEK + timedelta(microseconds=edges[0])

    @staticmethod
    def _previous_edge(edges: list[int], wall: datetime) -> datetime | None:
        """Last weekly edge at or before ``wall``."""
        if not edges:
            return None
        monday, position = _week_position(wall)
        index = bisect_right(edges, position) - 1
        if index >= 0:
            return monday + timedelta(microseconds=edges[index])
        return monday - _WEEK + timedelta(microseconds=edges[-1])

    def next_flip(self, wall: datetime, limit: datetime) -> datetime | None:
        """First wall time after ``wall`` and before ``limit`` where the state differs from ``wall``'s."""
        if self.open_at(wall):
            index = bisect_right(self.h_starts, wall)
            candidates = [
                edge
                for edge in (
                    self._next_edge(self.falls, wall),
                    self.h_starts[index] if index < len(self.h_starts) else None,
                )
                if edge is not None
            ]
            best = min(candidates, default=None)
            return best if best is not None and best < limit else None
        cursor = wall
        while cursor < limit:
            holiday = self.holiday_index(cursor)
            if holiday is not None:
                # Holidays are merged and never touch, so their end is outside every holiday.
                cursor = self.h_ends[holiday]
                if cursor >= limit:
                    return None
                if self.weekly_open(cursor):
                    return cursor
            rise = self._next_edge(self.rises, cursor)
            if rise is None or rise >= limit:
                return None
            if self.holiday_index(rise) is None:
                return rise
            cursor = rise
        return None

    def previous_flip(self, wall: datetime, limit: datetime) -> datetime | None:
        """Start of the run of equal state containing ``wall``; None if the run reaches back to ``limit``."""
        if self.open_at(wall):
            index = bisect_right(self.h_ends, wall) - 1
            candidates = [
                edge
                for edge in (
                    self._previous_edge(self.rises, wall),
                    self.h_ends[index] if index >= 0 else None,
                )
                if edge is not None
            ]
            best = max(candidates, default=None)
            return best if best is not None and best > limit else None
        cursor = wall
        while cursor > limit:
            holiday = self.holiday_index(cursor)
            if holiday is not None:
                start = self.h_starts[holiday]
                if start <= limit:
                    return None
                cursor = start - _TICK
                if self.weekly_open(cursor):
                    return start
            fall = self._previous_edge(self.falls, cursor)
            if fall is None or fall <= limit:
                return None
            if self.holiday_index(fall - _TICK) is None:
                return fall
            cursor = fall - _TICK
        return None


@lru_cache(maxsize=256)
def _compile(ranges: tuple[WeeklyRange, ...], holidays: tuple[HolidayPeriod, ...]) -> _Compiled:
    return _Compiled(ranges, holidays)


def _compiled(ranges: Iterable[WeeklyRange], holidays: Iterable[HolidayPeriod] | None) -> _Compiled:
    ranges = tuple(ranges)
    holidays = tuple(holidays or ())
    for weekly in ranges:
        if not isinstance(weekly, WeeklyRange):
            raise TypeError(f"expected WeeklyRange, got {type(weekly).__name__}")
    for holiday in holidays:
        if not isinstance(holiday, HolidayPeriod):
            raise TypeError(f"expected HolidayPeriod, got {type(holiday).__name__}")
    return _compile(ranges, holidays)


# --------------------------------------------------------------------------------------------------------
# Time zone offset transitions
# --------------------------------------------------------------------------------------------------------


def resolve_tz(tz: TzLike) -> tzinfo:
    """A tzinfo from an IANA name, a tzinfo, or None (Europe/Amsterdam)."""
    if tz is None:
        return ZoneInfo(DEFAULT_TZ_NAME)
    if isinstance(tz, str):
        return ZoneInfo(tz)
    if isinstance(tz, tzinfo):
        return tz
    raise TypeError(f"expected an IANA time zone name or tzinfo, got {type(tz).__name__}")


def _offset_at(tz: tzinfo, timestamp: int) -> timedelta | None:
    return datetime.fromtimestamp(timestamp, tz).utcoffset()


@lru_cache(maxsize=1024)
def _transitions_in_year(tz: tzinfo, year: int) -> tuple[datetime, ...]:
    """UTC instants in UTC calendar year ``year`` at which ``tz``'s UTC offset changes.

    zoneinfo does not expose its transition table, so probe the offset once a day and bisect to the second
    (TZif transitions are whole seconds). This assumes no two transitions fall within one day, which holds
    for every real zone; the result is cached, so the ~370 probes are paid once per zone and year.
    """
    if isinstance(tz, timezone) or not 1 < year < 9999:
        return ()
    first = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    offsets = [_offset_at(tz, first + day * 86_400) for day in range(days + 1)]
    found: list[datetime] = []
    for day in range(days):
        if offsets[day] == offsets[day + 1]:
            continue
        low, high = first + day * 86_400, first + (day + 1) * 86_400
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_at(tz, middle) == offsets[day]:
                low = middle
            else:
                high = middle
        found.append(datetime.fromtimestamp(high, UTC))
    return tuple(found)


def _next_transition(tz: tzinfo, after: datetime, limit: datetime) -> datetime | None:
    for year in range(after.year, limit.year + 1):
        transitions = _transitions_in_year(tz, year)
        index = bisect_right(transitions, after)
        if index < len(transitions):
            found = transitions[index]
            return found if found <= limit else None
    return None


def _previous_transition(tz: tzinfo, at: datetime, limit: datetime) -> datetime | None:
    for year in range(at.year, limit.year - 1, -1):
        transitions = _transitions_in_year(tz, year)
        index = bisect_right(transitions, at) - 1
        if index >= 0:
            found = transitions[index]
            return found if found >= limit else None
    return None


# --------------------------------------------------------------------------------------------------------
# Public queries
# --------------------------------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with tzinfo), got naive {value.isoformat()}")


def _shift(value: datetime, delta: timedelta) -> datetime:
    # Keep a few days of slack so adding a UTC offset or a week to the result cannot overflow either.
    slack = timedelta(days=8)
    try:
        return min(max(value + delta, _EARLIEST + slack), _LATEST - slack)
    except OverflowError:
        return _LATEST - slack if delta > timedelta(0) else _EARLIEST + slack


def _wall(tz: tzinfo, instant: datetime) -> tuple[datetime, timedelta]:
    local = instant.astimezone(tz)
    offset = local.utcoffset()
    assert offset is not None
    return local.replace(tzinfo=None), offset


def _next_change(schedule: _Compiled, tz: tzinfo, after: datetime, state: bool) -> datetime | None:
    """Jumps from event to event, so a change years ahead is found as fast as one tomorrow.

    The events are the schedule's wall-clock edges (``next_flip``) and the zone's offset transitions. Far
    from the next edge, the stretch in between is skipped at once: every instant in it has a wall time
    within _OFFSET_SPAN of a wall time already known to have the current state, and short of the edge.
    """
    cursor = after.astimezone(UTC)
    end = _LATEST - timedelta(days=8)
    check = False
    try:
        while cursor < end:
            wall, offset = _wall(tz, cursor)
            if check and schedule.open_at(wall) != state:
                # The offset changed here and the wall clock jumped across an edge (e.g. the spring gap).
                return cursor.astimezone(tz)
            target = schedule.next_flip(wall, _FAR_WALL)
            if target is None:
                limit = min(_shift(cursor, _OFFSET_SPAN), end)
            else:
                approach = (target - offset).replace(tzinfo=UTC)
                if approach - cursor > 2 * _OFFSET_SPAN and (
                    schedule.previous_flip(wall, wall - _OFFSET_SPAN) is None
                ):
                    cursor, check = approach - _OFFSET_SPAN, False
                    continue
                limit = min(_shift(approach, _OFFSET_SPAN), end)
            transition = _next_transition(tz, cursor, limit)
            segment_end = transition or limit
            flip = schedule.next_flip(wall, (segment_end + offset).replace(tzinfo=None))
            if flip is not None:
                return (flip - offset).replace(tzinfo=UTC).astimezone(tz)
            if transition is None and target is None:
                # No edge ahead on the wall clock and no offset change soon: the state holds for good.
                return None
            cursor, check = segment_end, transition is not None
    except OverflowError:  # edges in the last week of the year 9999, where datetime ends
        return None
    return None


def _previous_change(schedule: _Compiled, tz: tzinfo, at: datetime, state: bool) -> datetime | None:
    cursor = at.astimezone(UTC)
    horizon = _shift(cursor, -HORIZON)
    while cursor > horizon:
        wall, offset = _wall(tz, cursor)
        segment_start = _previous_transition(tz, cursor, horizon)
        floor = segment_start if segment_start is not None else horizon
        flip = schedule.previous_flip(wall, (floor + offset).replace(tzinfo=None))
        if flip is not None:
            return (flip - offset).replace(tzinfo=UTC).astimezone(tz)
        if segment_start is None:
            return None
        # The run reaches back to the offset transition; whether it began there depends on the old offset.
        before = segment_start - _TICK
        if schedule.open_at(_wall(tz, before)[0]) != state:
            return segment_start.astimezone(tz)
        cursor = before
    return None


def is_open(
    ranges: Iterable[WeeklyRange], holidays: Iterable[HolidayPeriod] | None, tz: TzLike, at: datetime
) -> bool:
    """Whether the schedule is open at the aware instant ``at``."""
    _require_aware(at, "at")
    return _compiled(ranges, holidays).open_at(_wall(resolve_tz(tz), at)[0])


def next_change(
    ranges: Iterable[WeeklyRange], holidays: Iterable[HolidayPeriod] | None, tz: TzLike, after: datetime
) -> datetime | None:
    """First instant strictly after ``after`` with a different state, in ``tz``; None if there is none."""
    _require_aware(after, "after")
    zone = resolve_tz(tz)
    schedule = _compiled(ranges, holidays)
    state = schedule.open_at(_wall(zone, after)[0])
    if schedule.constant:
        return None
    return _next_change(schedule, zone, after, state)


def previous_change(
    ranges: Iterable[WeeklyRange], holidays: Iterable[HolidayPeriod] | None, tz: TzLike, at: datetime
) -> datetime | None:
    """The instant (<= ``at``) at which the current state began, in ``tz``; None within HORIZON."""
    _require_aware(at, "at")
    zone = resolve_tz(tz)
    schedule = _compiled(ranges, holidays)
    state = schedule.open_at(_wall(zone, at)[0])
    if schedule.constant:
        return None
    return _previous_change(schedule, zone, at, state)


def state_at(
    ranges: Iterable[WeeklyRange], holidays: Iterable[HolidayPeriod] | None, tz: TzLike, at: datetime
) -> ScheduleState:
    """Open or closed at ``at``, since when, and until when."""
    _require_aware(at, "at")
    zone = resolve_tz(tz)
    schedule = _compiled(ranges, holidays)
    state = schedule.open_at(_wall(zone, at)[0])
    if schedule.constant:
        return ScheduleState(state, None, None)
    return ScheduleState(
        state,
        _previous_change(schedule, zone, at, state),
        _next_change(schedule, zone, at, state),
    )


def holiday_at(holidays: Iterable[HolidayPeriod] | None, tz: TzLike, at: datetime) -> HolidayPeriod | None:
    """The first of ``holidays`` (in the given order) whose period contains ``at``'s local wall time."""
    _require_aware(at, "at")
    wall = _wall(resolve_tz(tz), at)[0]
    return next((holiday for holiday in holidays or () if holiday.contains(wall)), None)


def is_holiday(holidays: Iterable[HolidayPeriod] | None, tz: TzLike, at: datetime) -> bool:
    return holiday_at(holidays, tz, at) is not None
