"""IVR menus ("keuzemenu's"), pure: the keys of a keypad and which menu plays at an instant.

A menu has a part for business hours and one for after hours. The business-hours part plays
while the linked time schedule is open and no holiday of the optional holiday schedule
applies; otherwise the after-hours part plays (its own menu, or straight to a destination).
Night mode, when it applies to the menu, sends calls to the night destination instead.
Standard library and schedules.engine only, so the simulator and the portal agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schedules import engine

# The keys in the order of a phone's keypad: three columns, four rows.
KEYPAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
KEYS = frozenset(KEYPAD)


class Part(StrEnum):
    BUSINESS = "business"
    AFTER = "after"


class Playing(StrEnum):
    BUSINESS = "business"  # the business-hours menu
    AFTER_MENU = "after_menu"  # the after-hours menu
    AFTER_DESTINATION = "after_destination"  # after hours, straight to a destination
    NIGHT = "night"  # night mode applies to the menu: its night destination


@dataclass(frozen=True, slots=True)
class Now:
    playing: Playing
    until: datetime | None  # None: this does not change by itself (or only by the night mode)


def always_business(ranges: Iterable[engine.WeeklyRange], holidays: Iterable[engine.HolidayPeriod]) -> bool:
    """True when the business-hours menu always applies ("Elke dag, de hele dag" and no holidays),
    so the after-hours part never plays."""
    if tuple(holidays):
        return False
    return engine.week_grid(tuple(ranges)) == (((0, 1440),),) * 7


def playing_at(
    ranges: Iterable[engine.WeeklyRange],
    holidays: Iterable[engine.HolidayPeriod],
    tz: engine.TzLike,
    at: datetime,
    *,
    after_is_menu: bool,
    night_active: bool = False,
    night_until: datetime | None = None,
) -> Now:
    """What a caller of the menu gets at `at`, and until when that stays so."""
    if night_active:
        return Now(Playing.NIGHT, night_until)
    state = engine.state_at(tuple(ranges), tuple(holidays), tz, at)
    if state.is_open:
        return Now(Playing.BUSINESS, state.until)
    return Now(Playing.AFTER_MENU if after_is_menu else Playing.AFTER_DESTINATION, state.until)


def loops_back(own_key: str, destinations: Iterable[str | None]) -> bool:
    """True when every choice a caller has (the keys set, the reception) leads back to the menu
    itself: callers can then never reach anyone. `destinations` are document keys or None."""
    targets = [d for d in destinations if d is not None]
    return bool(targets) and all(target == own_key for target in targets)
