"""The whole PBX configuration of one organisation as one JSON document (docs/pbx-config.md).

Deterministic: the same data gives the same document, key order and list order included.
Later PBX objects (users, hunt groups, IVR menus) add a section through SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django_scopes import scopes_disabled

from accounts.models import Organisation
from schedules import engine
from schedules.models import HolidaySchedule, TimeSchedule
from telephony.models import CallBarring

from .models import NightMode, NightModeSetting

SCHEMA_VERSION = 1
Section = Callable[[Organisation], list[dict[str, Any]]]
# name -> renderer; features register themselves here (users, hunt_groups, ivr_menus).
SECTIONS: dict[str, Section] = {}


def schedule_key(schedule: TimeSchedule | HolidaySchedule) -> str:
    return _key(TimeSchedule if isinstance(schedule, TimeSchedule) else HolidaySchedule, schedule.pk)


def _key(model: type[TimeSchedule] | type[HolidaySchedule], pk: int) -> str:
    # Night mode refers to schedules by these keys; one format for both sides.
    return f"{'t' if model is TimeSchedule else 'h'}{pk}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _time_schedule(schedule: TimeSchedule) -> dict[str, Any]:
    # The PBX takes ranges within one day; the engine splits midnight-crossing ones.
    grid = engine.week_grid(schedule.engine_ranges())
    ranges = [
        {"day": day, "from": _hhmm(start), "to": _hhmm(end)}
        for day, segments in enumerate(grid)
        for start, end in segments
    ]
    return {"key": schedule_key(schedule), "name": schedule.name, "ranges": ranges}


def _fmt_time(value: time | None) -> str:
    return "" if value is None else f"T{value:%H:%M}"


def _holiday_schedule(schedule: HolidaySchedule) -> dict[str, Any]:
    entries = [
        {
            "name": entry.name or schedule.name,
            "start": f"{entry.start_date.isoformat()}{_fmt_time(entry.start_time)}",
            "end": f"{entry.end_date.isoformat()}{_fmt_time(entry.end_time)}",
        }
        for entry in schedule.entries.all()
    ]
    return {"key": schedule_key(schedule), "name": schedule.name, "entries": entries}


def _night_mode(night: NightMode | None) -> dict[str, Any]:
    if night is None:
        return {
            "setting": NightModeSetting.OFF.value,
            "time_schedule": None,
            "holiday_schedule": None,
            "override": None,
            "destination": {"type": "extension", "value": "999"},
        }
    override = None
    if night.setting == NightModeSetting.AUTO and night.override_active is not None:
        until = night.override_until.isoformat() if night.override_until else None
        override = {"active": bool(night.override_active), "until": until}
    return {
        "setting": night.setting,
        "time_schedule": _key(TimeSchedule, night.time_schedule_id) if night.time_schedule_id else None,
        "holiday_schedule": (
            _key(HolidaySchedule, night.holiday_schedule_id) if night.holiday_schedule_id else None
        ),
        "override": override,
        "destination": {"type": night.destination_type, "value": night.destination_value},
    }


def render(organisation: Organisation) -> dict[str, Any]:
    with scopes_disabled():
        barring = CallBarring.objects.filter(organisation=organisation).first()
        night = NightMode.objects.filter(organisation=organisation).first()
        time_schedules = TimeSchedule.objects.filter(organisation=organisation).prefetch_related("ranges")
        holiday_schedules = HolidaySchedule.objects.filter(organisation=organisation).prefetch_related(
            "entries"
        )
        document: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "time_zone": organisation.time_zone,
            },
            "barring": (barring or CallBarring()).as_dict(),
            "night_mode": _night_mode(night),
            "schedules": {
                "time": [_time_schedule(s) for s in sorted(time_schedules, key=lambda s: s.pk)],
                "holiday": [_holiday_schedule(s) for s in sorted(holiday_schedules, key=lambda s: s.pk)],
            },
            "users": [],
            "hunt_groups": [],
            "ivr_menus": [],
        }
        for name, section in SECTIONS.items():
            document[name] = section(organisation)
    return document
