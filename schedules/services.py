"""Writes on schedules: validated, atomic, with history; PBX-relevant changes are announced."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_scopes import scope

from accounts.models import Organisation, User
from core.changes import create_children, recorded, replace_children
from core.references import usages
from core.revision import config_changed
from core.versioning import claim_version

from . import engine, ical
from .models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule


def _pbx_changed(organisation: Organisation) -> None:
    # The PBX document includes the schedules (schedules/pbx_document.py).
    config_changed(organisation=organisation)


def ensure_builtin_time_schedule(*, organisation: Organisation) -> TimeSchedule:
    """Every organisation has "Elke dag, de hele dag" (R4.4), made with the organisation.

    Runs in the organisation's creation (core.organisation_setup, registered in apps.py), never
    on a page view; organisations made before got it from migration schedules 0004.
    """
    with scope(organisation=organisation), transaction.atomic():
        schedule = TimeSchedule.objects.filter(organisation=organisation, is_builtin=True).first()
        if schedule is None:
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


@recorded(gettext_noop("Time schedule saved"))
@transaction.atomic
def time_schedule_save(
    *,
    organisation: Organisation,
    name: str,
    ranges: Sequence[engine.WeeklyRange],
    by: User | None,
    schedule: TimeSchedule | None = None,
    expected_version: int | None = None,
) -> tuple[TimeSchedule, bool]:
    """Creates or replaces a time schedule. Overlapping ranges are merged; returns (schedule, merged)."""
    if schedule is not None and schedule.is_builtin:
        raise ValidationError(_("The built-in schedule “Elke dag, de hele dag” cannot be changed."))
    name = _check_name(TimeSchedule, organisation, name, schedule.pk if schedule else None)
    normalised = engine.normalise(ranges)
    merged = len(normalised) != len(ranges)
    if schedule is None:
        schedule = TimeSchedule(organisation=organisation)
    claim_version(schedule, expected_version=expected_version)
    schedule.name = name
    schedule.full_clean()
    schedule.save()
    replace_children(
        existing=schedule.ranges.all(),
        wanted=[
            TimeRange(schedule=schedule, weekday=r.weekday, start=r.start, end=r.end) for r in normalised
        ],
        key=lambda r: (r.weekday, r.start, r.end),
    )
    _pbx_changed(organisation)
    return schedule, merged


@recorded(gettext_noop("Schedule deleted"))
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


# Beyond this a schedule stops being a list of closing days (and its page and the PBX document get heavy).
MAX_ENTRIES = 1000


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


@recorded(gettext_noop("Holiday schedule saved"))
@transaction.atomic
def holiday_schedule_save(
    *,
    organisation: Organisation,
    name: str,
    entries: Sequence[EntryData],
    by: User | None,
    schedule: HolidaySchedule | None = None,
    expected_version: int | None = None,
    replacing: Collection[int] | None = None,
) -> HolidaySchedule:
    """Saves the name and entries; ``replacing`` (the ids of one page of entries) limits which entries
    ``entries`` replace, None replaces them all."""
    name = _check_name(HolidaySchedule, organisation, name, schedule.pk if schedule else None)
    if schedule is None:
        schedule = HolidaySchedule(organisation=organisation)
    claim_version(schedule, expected_version=expected_version)
    schedule.name = name
    schedule.full_clean()
    schedule.save()
    existing = schedule.entries.all() if replacing is None else schedule.entries.filter(pk__in=replacing)
    kept = 0 if replacing is None else schedule.entries.exclude(pk__in=replacing).count()
    _check_size(kept + len(entries))
    objects = _validated_entries(entries, schedule)
    replace_children(
        existing=existing,
        wanted=objects,
        key=lambda e: (e.name, e.start_date, e.end_date, e.start_time, e.end_time),
    )
    _pbx_changed(organisation)
    return schedule


def dutch_public_holidays(year: int) -> list[EntryData]:
    """The Dutch public holidays of a year, from the holidays library (Easter, Pentecost, King's Day…)."""
    calendar = holidays_lib.country_holidays("NL", years=year, language="nl")
    return [EntryData(name=str(name), start_date=day, end_date=day) for day, name in sorted(calendar.items())]


@dataclass(frozen=True)
class HolidayChoice:
    """A day offered by "Nederlandse feestdagen toevoegen"; optional ones are left out unless chosen."""

    entry: EntryData
    optional: bool
    note: str = ""


def dutch_holiday_choices(year: int) -> list[HolidayChoice]:
    """The Dutch holidays of a year, saying which ones many organisations stay open on.

    Good Friday is in the law's list but few collective agreements give it off; Liberation Day is a day
    off for most only in lustrum years (2025, 2030…), otherwise the holidays library has it as optional.
    """
    categories = ("public", "optional")
    calendar = holidays_lib.country_holidays("NL", years=year, language="nl", categories=categories)
    # The library's English names identify the days whatever its Dutch spelling.
    english = holidays_lib.country_holidays("NL", years=year, language="en_US", categories=categories)
    choices = []
    for day, name in sorted(calendar.items()):
        entry = EntryData(name=str(name), start_date=day, end_date=day)
        if english.get(day) == "Good Friday":
            choices.append(HolidayChoice(entry, True, _("many organisations are open on Good Friday")))
        elif english.get(day) == "Liberation Day" and year % 5:
            choices.append(
                HolidayChoice(entry, True, _("a day off for most only every five years (2030, 2035…)"))
            )
        else:
            choices.append(HolidayChoice(entry, False))
    return choices


def _check_size(count: int) -> None:
    if count > MAX_ENTRIES:
        raise ValidationError(
            _(
                "A holiday schedule holds at most %(max)s days or periods; this would make %(count)s. "
                "Remove days that have passed, or spread them over two schedules. Nothing has been changed."
            )
            % {"max": MAX_ENTRIES, "count": count}
        )


def _add_entries(schedule: HolidaySchedule, new: Iterable[EntryData]) -> int:
    # Locks the schedule so that two additions at once cannot pass the size limit together.
    HolidaySchedule.objects.select_for_update().filter(pk=schedule.pk).first()
    existing = {(e.start_date, e.end_date, e.start_time, e.end_time) for e in schedule.entries.all()}
    fresh = []
    for data in new:
        key = (data.start_date, data.end_date, data.start_time, data.end_time)
        if key not in existing:
            existing.add(key)
            fresh.append(data)
    _check_size(len(existing))
    create_children(_validated_entries(fresh, schedule))
    if fresh:
        claim_version(schedule, expected_version=None)
        schedule.save(update_fields=["updated_at", "version"])
        _pbx_changed(schedule.organisation)
    return len(fresh)


@recorded(gettext_noop("Dutch public holidays added"))
@transaction.atomic
def holiday_schedule_add_public_holidays(
    *, schedule: HolidaySchedule, year: int, by: User | None, days: Collection[date] | None = None
) -> int:
    """Adds the chosen Dutch holidays of the year (all but the optional ones when ``days`` is None) that are
    not in the schedule yet; returns how many. Days that are no holiday of the year are ignored."""
    if not 1900 <= year <= 2200:
        raise ValidationError(_("Choose a year between 1900 and 2200."))
    choices = dutch_holiday_choices(year)
    wanted = [
        c.entry for c in choices if (c.entry.start_date in days if days is not None else not c.optional)
    ]
    return _add_entries(schedule, wanted)


@dataclass(frozen=True)
class ImportReport:
    """What an .ics import did: how many entries it added, and one line per event imported or skipped."""

    added: int
    already_present: int
    imported: list[str]
    skipped: list[str]


@recorded(gettext_noop("Holidays imported from a calendar file"))
@transaction.atomic
def holiday_schedule_import_ics(*, schedule: HolidaySchedule, data: bytes, by: User | None) -> ImportReport:
    """Adds the events of an .ics file that can be understood; a file that cannot be read changes nothing."""
    try:
        reading = ical.read(data, schedule.organisation.time_zone, timezone.localdate())
    except ical.UnreadableCalendar as exc:
        raise ValidationError(_("This file is not a valid iCalendar (.ics) file.")) from exc
    if not reading.periods and not reading.skipped:
        raise ValidationError(_("The file contains no events."))
    new = [EntryData(p.name, p.start_date, p.end_date, p.start_time, p.end_time) for p in reading.periods]
    added = _add_entries(schedule, new)
    distinct = {(d.start_date, d.end_date, d.start_time, d.end_time) for d in new}
    return ImportReport(added, len(distinct) - added, reading.imported, reading.skipped)


def holiday_schedule_export_ics(schedule: HolidaySchedule) -> bytes:
    return ical.write(
        schedule.name, schedule.entries.all(), schedule.organisation.time_zone, schedule.updated_at
    )
