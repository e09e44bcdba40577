"""Demo schedules: "Openingstijden" and this year's Dutch public holidays."""

from __future__ import annotations

from datetime import time

from django.utils import timezone

from accounts.models import Organisation

from . import engine, services
from .models import HolidaySchedule, TimeSchedule


def load(organisations: dict[str, Organisation]) -> None:
    bakkerij = organisations["bakkerij"]
    if not TimeSchedule.objects.filter(organisation=bakkerij, name="Openingstijden").exists():
        ranges = [engine.WeeklyRange(day, time(8, 30), time(17, 30)) for day in range(5)]
        ranges.append(engine.WeeklyRange(5, time(9), time(12)))
        services.time_schedule_save(organisation=bakkerij, name="Openingstijden", ranges=ranges, by=None)
    year = timezone.localdate().year
    name = f"Feestdagen {year}"
    if not HolidaySchedule.objects.filter(organisation=bakkerij, name=name).exists():
        services.holiday_schedule_save(
            organisation=bakkerij, name=name, entries=services.dutch_public_holidays(year), by=None
        )
