"""The "schedules" section of the PBX document (docs/pbx-config.md)."""

from __future__ import annotations

from datetime import time
from typing import Any

from accounts.models import Organisation
from core.document import schedule_key

from . import engine
from .models import HolidaySchedule, TimeSchedule


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _fmt_time(value: time | None) -> str:
    return "" if value is None else f"T{value:%H:%M}"


def _time_schedule(schedule: TimeSchedule) -> dict[str, Any]:
    # The PBX takes ranges within one day; the engine splits midnight-crossing ones.
    grid = engine.week_grid(schedule.engine_ranges())
    ranges = [
        {"day": day, "from": _hhmm(start), "to": _hhmm(end)}
        for day, segments in enumerate(grid)
        for start, end in segments
    ]
    return {"key": schedule_key("time", schedule.pk), "name": schedule.name, "ranges": ranges}


def _holiday_schedule(schedule: HolidaySchedule) -> dict[str, Any]:
    entries = [
        {
            "name": entry.name or schedule.name,
            "start": f"{entry.start_date.isoformat()}{_fmt_time(entry.start_time)}",
            "end": f"{entry.end_date.isoformat()}{_fmt_time(entry.end_time)}",
        }
        for entry in schedule.entries.all()
    ]
    return {"key": schedule_key("holiday", schedule.pk), "name": schedule.name, "entries": entries}


def render_schedules(organisation: Organisation) -> dict[str, Any]:
    time_schedules = TimeSchedule.objects.filter(organisation=organisation).prefetch_related("ranges")
    holiday_schedules = HolidaySchedule.objects.filter(organisation=organisation).prefetch_related("entries")
    return {
        "time": [_time_schedule(s) for s in sorted(time_schedules, key=lambda s: s.pk)],
        "holiday": [_holiday_schedule(s) for s in sorted(holiday_schedules, key=lambda s: s.pk)],
    }
