"""Writes on schedules: validated, atomic, with history; PBX-relevant changes are announced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays as holidays_lib
import icalendar
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from core.references import usages
from core.revision import config_changed

from . import engine
from .models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule


def _pbx_changed(organisation: Organisation) -> None:
    # The PBX document includes the schedules (schedules/pbx_document.py).
    config_changed(organisation=organisation)


def ensure_builtin_time_schedule(*, organisation: Organisation) -> TimeSchedule:
    """Every organisation has "Elke dag, de hele dag" (R4.4)."""
    schedule = (
        TimeSchedule.objects.with_scopes_disabled().filter(organisation=organisation, is_builtin=True).first()
    )
    if schedule is None:
        with transaction.atomic():
            schedule = TimeSchedule.objects.create(
                organisation=organisation, name=TimeSchedule.BUILTIN_NAME, is_builtin=True
            )
            TimeRange.objects.bulk_create(
                TimeRange(schedule=schedule, weekday=day, start=time(0), end=time(0)) for day in range(7)
            )
    return schedule


def _check_name(model: type[models.Model], organisation: Organisation, name: str, exclude: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter a clear description, for example “Openingstijden winkel”.")})
    clash = model._default_manager.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(
            {"name": _("There is already a schedule with this description. Choose another one.")}
        )
    return name


@transaction.atomic
def time_schedule_save(
    *,
    organisation: Organisation,
    name: str,
    ranges: Sequence[engine.WeeklyRange],
    by: User | None,
    schedule: TimeSchedule | None = None,
) -> tuple[TimeSchedule, bool]:
    """Creates or replaces a time schedule. Overlapping ranges are merged; returns (schedule, merged)."""
    if schedule is not None and schedule.is_builtin:
        raise ValidationError(_("The built-in schedule “Elke dag, de hele dag” cannot be changed."))
    name = _check_name(TimeSchedule, organisation, name, schedule.pk if schedule else None)
    normalised = engine.normalise(ranges)
    merged = len(normalised) != len(ranges)
    if schedule is None:
        schedule = TimeSchedule(organisation=organisation)
    schedule.name = name
    schedule.full_clean()
    schedule.save()
    schedule.ranges.all().delete()
    TimeRange.objects.bulk_create(
        TimeRange(schedule=schedule, weekday=r.weekday, start=r.start, end=r.end) for r in normalised
    )
    _pbx_changed(organisation)
    return schedule, merged


@transaction.atomic
def schedule_delete(*, schedule: TimeSchedule | HolidaySchedule, by: User | None) -> None:
    if isinstance(schedule, TimeSchedule) and schedule.is_builtin:
        raise ValidationError(_("The built-in schedule “Elke dag, de hele dag” cannot be deleted."))
    used = usages([schedule]).get(schedule.pk)
    if used:
        raise ValidationError(
            _("This schedule is in use and cannot be deleted. Used by: %(where)s.")
            % {"where": "; ".join(used)}
        )
    organisation = schedule.organisation
    try:
        schedule.delete()
    except models.ProtectedError as exc:  # a reference made between the check and the delete
        raise ValidationError(_("This schedule is in use and cannot be deleted.")) from exc
    _pbx_changed(organisation)


@dataclass(frozen=True)
class EntryData:
    name: str
    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None


def _validated_entries(entries: Iterable[EntryData], schedule: HolidaySchedule) -> list[HolidayEntry]:
    objects = []
    for data in entries:
        entry = HolidayEntry(schedule=schedule, **data.__dict__)
        entry.full_clean(exclude=["schedule"])
        objects.append(entry)
    return objects


@transaction.atomic
def holiday_schedule_save(
    *,
    organisation: Organisation,
    name: str,
    entries: Sequence[EntryData],
    by: User | None,
    schedule: HolidaySchedule | None = None,
) -> HolidaySchedule:
    name = _check_name(HolidaySchedule, organisation, name, schedule.pk if schedule else None)
    if schedule is None:
        schedule = HolidaySchedule(organisation=organisation)
    schedule.name = name
    schedule.full_clean()
    schedule.save()
    objects = _validated_entries(entries, schedule)
    schedule.entries.all().delete()
    HolidayEntry.objects.bulk_create(objects)
    _pbx_changed(organisation)
    return schedule


def dutch_public_holidays(year: int) -> list[EntryData]:
    """The Dutch public holidays of a year, from the holidays library (Easter, Pentecost, King's Day…)."""
    calendar = holidays_lib.country_holidays("NL", years=year, language="nl")
    return [EntryData(name=str(name), start_date=day, end_date=day) for day, name in sorted(calendar.items())]


def _add_entries(schedule: HolidaySchedule, new: Iterable[EntryData]) -> int:
    existing = {(e.start_date, e.end_date, e.start_time, e.end_time) for e in schedule.entries.all()}
    fresh = [d for d in new if (d.start_date, d.end_date, d.start_time, d.end_time) not in existing]
    HolidayEntry.objects.bulk_create(_validated_entries(fresh, schedule))
    if fresh:
        schedule.save(update_fields=["updated_at"])
        _pbx_changed(schedule.organisation)
    return len(fresh)


@transaction.atomic
def holiday_schedule_add_public_holidays(*, schedule: HolidaySchedule, year: int, by: User | None) -> int:
    """Adds the Dutch public holidays of the year that are not in the schedule yet; returns how many."""
    if not 1900 <= year <= 2200:
        raise ValidationError(_("Choose a year between 1900 and 2200."))
    return _add_entries(schedule, dutch_public_holidays(year))


def parse_ics(data: bytes, tz: str = engine.DEFAULT_TZ_NAME) -> list[EntryData]:
    """Reads the events of an iCalendar file as holiday entries; ValidationError if malformed.

    Timed events are converted to the organisation's local wall-clock time.
    """
    zone = engine.resolve_tz(tz)
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValidationError(_("This file is not a valid iCalendar (.ics) file.")) from exc
    entries = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if start is None:
            raise ValidationError(_("An event in the file has no start date."))
        end = event.decoded("DTEND", None)
        name = str(event.get("SUMMARY", ""))[:100]
        if isinstance(start, datetime):
            if end is None or not isinstance(end, datetime):
                end = start + timedelta(hours=1)
            start, end = ((v.astimezone(zone).replace(tzinfo=None) if v.tzinfo else v) for v in (start, end))
            entries.append(
                EntryData(
                    name=name,
                    start_date=start.date(),
                    end_date=end.date(),
                    start_time=start.time(),
                    end_time=end.time(),
                )
            )
        else:
            # All-day events: DTEND is exclusive in iCalendar, our end date is inclusive.
            last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
            entries.append(EntryData(name=name, start_date=start, end_date=last))
    if not entries:
        raise ValidationError(_("The file contains no events."))
    return entries


@transaction.atomic
def holiday_schedule_import_ics(*, schedule: HolidaySchedule, data: bytes, by: User | None) -> int:
    """Adds the events of an .ics file; a malformed file changes nothing."""
    return _add_entries(schedule, parse_ics(data, schedule.organisation.time_zone))


def holiday_schedule_export_ics(schedule: HolidaySchedule) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ÉÉN beheerportaal//Feestdagen//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", schedule.name)
    for entry in schedule.entries.all():
        event = icalendar.Event()
        event.add("uid", f"holiday-{entry.pk}@een-portaal")
        event.add("summary", entry.name or schedule.name)
        if entry.whole_days:
            event.add("dtstart", entry.start_date)
            event.add("dtend", entry.end_date + timedelta(days=1))
        else:
            event.add("dtstart", entry.start())
            event.add("dtend", entry.end())
        event.add("dtstamp", schedule.updated_at)
        calendar.add_component(event)
    return calendar.to_ical()
