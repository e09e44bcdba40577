"""Company night mode ("nachtschakeling"): pure evaluation on top of schedules.engine.

In "auto" the night mode follows the linked time schedule (active outside opening hours) and the optional
holiday schedule (active on holidays). A manual override forces it on or off until the schedule itself next
changes state, so the override never outlives the situation it was set for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from schedules import engine

__all__ = ["NightModeReason", "NightModeSetting", "NightModeState", "Override", "evaluate", "override_until"]


class NightModeSetting(StrEnum):
    OFF = "off"
    ON = "on"
    AUTO = "auto"


class NightModeReason(StrEnum):
    OFF = "off"
    ON = "on"
    CLOSED = "closed"
    HOLIDAY = "holiday"
    OPEN = "open"
    OVERRIDE_ON = "override_on"
    OVERRIDE_OFF = "override_off"


@dataclass(frozen=True, slots=True)
class Override:
    """Manual override in auto mode. ``until`` None: the schedule never changes, so it lasts until ended."""

    active: bool
    until: datetime | None

    def applies_at(self, at: datetime) -> bool:
        # Instants, not wall-clock readings: in the repeated autumn hour two datetimes of one zone compare
        # by their wall time (PEP 495), so 02:40 in the first pass would count as after 02:30 in the second.
        return self.until is None or at.astimezone(UTC) < self.until.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class NightModeState:
    active: bool
    reason: NightModeReason
    since: datetime | None
    until: datetime | None


def override_until(
    ranges: Iterable[engine.WeeklyRange],
    holidays: Iterable[engine.HolidayPeriod] | None,
    tz: engine.TzLike,
    set_at: datetime,
) -> datetime | None:
    """When an override set at ``set_at`` ends: the schedule's next change of state after that moment."""
    return engine.next_change(ranges, holidays, tz, set_at)


def evaluate(
    setting: NightModeSetting | str,
    ranges: Iterable[engine.WeeklyRange],
    holidays: Iterable[engine.HolidayPeriod] | None,
    tz: engine.TzLike,
    at: datetime,
    override: Override | None = None,
) -> NightModeState:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"at must be an aware datetime (with tzinfo), got naive {at.isoformat()}")
    setting = NightModeSetting(setting)
    if setting is NightModeSetting.OFF:
        return NightModeState(False, NightModeReason.OFF, None, None)
    if setting is NightModeSetting.ON:
        return NightModeState(True, NightModeReason.ON, None, None)
    if override is not None and override.applies_at(at):
        reason = NightModeReason.OVERRIDE_ON if override.active else NightModeReason.OVERRIDE_OFF
        return NightModeState(override.active, reason, None, override.until)
    ranges, holidays = tuple(ranges), tuple(holidays or ())
    state = engine.state_at(ranges, holidays, tz, at)
    if state.is_open:
        reason = NightModeReason.OPEN
    elif engine.is_holiday(holidays, tz, at):
        reason = NightModeReason.HOLIDAY
    else:
        reason = NightModeReason.CLOSED
    return NightModeState(not state.is_open, reason, state.since, state.until)
