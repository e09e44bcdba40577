"""iCalendar (.ics) files of holiday schedules: reading what calendar tools write, and writing our own.

Files come from Outlook, Google Calendar, Apple Calendar, Nextcloud and Thunderbird. Each event is read on
its own, so one event we cannot understand is reported by name and the rest still imports. Recurring
events (RRULE, RDATE, EXDATE, moved or cancelled instances with RECURRENCE-ID) are expanded by
recurring-ical-events within a horizon; cancelled events and instances are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
import recurring_ical_events
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import engine

# Recurring events are expanded this far ahead of today; the holiday page says so.
HORIZON_YEARS = 3

_FOLD = re.compile(rb"\r?\n[ \t]")


class UnreadableCalendar(ValueError):
    """The file as a whole is no iCalendar file."""


@dataclass(frozen=True)
class Period:
    """A closing day or period read from a file, in the organisation's local wall-clock time."""

    name: str
    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None


@dataclass
class Reading:
    """What a file holds: the periods to import, and one report line per event imported or skipped."""

    periods: list[Period] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class _Refused(ValueError):
    """One event cannot be understood; the message says why."""


def horizon(today: date) -> tuple[date, date]:
    try:
        end = today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        end = today.replace(year=today.year + HORIZON_YEARS, day=28)
    return today, end


def _text(data: bytes) -> str:
    # Unfold before decoding: a long line may be folded in the middle of a multi-byte UTF-8 character.
    data = _FOLD.sub(b"", data.removeprefix(b"\xef\xbb\xbf"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older Outlook versions write Windows-1252.
        return data.decode("cp1252", errors="replace")


def _name(component: Any) -> str:
    return " ".join(str(component.get("SUMMARY", "")).split())[:100]


def _label(name: str) -> str:
    return f"“{name}”" if name else _("An event without a name")


def _single(component: Any, prop: str) -> Any:
    value = component.get(prop)
    if isinstance(value, list):
        raise _Refused(_("it has more than one %(property)s.") % {"property": prop})
    return value


def _moment(component: Any, prop: str) -> date | datetime | None:
    value = _single(component, prop)
    if value is None:
        return None
    decoded = _decoded(value)
    if isinstance(decoded, tuple):
        raise _Refused(_("its %(property)s is a period, not a date or time.") % {"property": prop})
    if not isinstance(decoded, date):
        raise _Refused(
            _("its %(property)s “%(value)s” is not a date or time that exists.")
            % {"property": prop, "value": str(value)[:40]}
        )
    return decoded


def _decoded(value: Any) -> Any:
    # icalendar keeps a value it could not parse as a "broken" property that raises on access.
    try:
        return value.dt
    except (AttributeError, ValueError, icalendar.error.BrokenCalendarProperty):
        return None


def _duration(component: Any) -> timedelta | None:
    value = _single(component, "DURATION")
    if value is None:
        return None
    decoded = _decoded(value)
    if not isinstance(decoded, timedelta):
        raise _Refused(_("its DURATION is not a length of time."))
    return decoded


def _local(value: datetime, zone: tzinfo) -> datetime:
    # Floating times (no zone) are the organisation's local time already.
    return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value


def _period(name: str, start: date | datetime, end: date | datetime | None, zone: tzinfo) -> Period:
    """The period from ``start`` to the exclusive ``end``; None for end means the iCalendar default."""
    if isinstance(start, datetime) != isinstance(end, datetime) and end is not None:
        raise _Refused(_("its start and end are not of the same kind (one a date, the other a time)."))
    if not isinstance(start, datetime):
        if end is None or end == start:
            return Period(name, start, start)
        assert not isinstance(end, datetime)
        if end < start:
            raise _Refused(_("it ends before it starts."))
        return Period(name, start, end - timedelta(days=1))
    if end is None:
        raise _Refused(_("it has no end, so it does not close anything."))
    assert isinstance(end, datetime)
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise _Refused(_("its start has a time zone and its end has none."))
    local_start, local_end = _local(start, zone), _local(end, zone)
    if local_end < local_start:
        raise _Refused(_("it ends before it starts."))
    if local_end == local_start:
        raise _Refused(_("it starts and ends at the same moment, so it does not close anything."))
    if local_start.time() == time(0) and local_end.time() == time(0):
        # Midnight to midnight: whole days, however the tool wrote it.
        return Period(name, local_start.date(), local_end.date() - timedelta(days=1))
    return Period(name, local_start.date(), local_end.date(), local_start.time(), local_end.time())


def _read_single(component: Any, zone: tzinfo) -> Period:
    name = _name(component)
    start = _moment(component, "DTSTART")
    if start is None:
        raise _Refused(_("it has no start date."))
    end = _moment(component, "DTEND")
    length = _duration(component)
    if end is not None and length is not None:
        raise _Refused(_("it has both an end and a duration."))
    if length is not None and length < timedelta(0):
        raise _Refused(_("it ends before it starts."))
    if not isinstance(start, datetime) and length is not None:
        if length % timedelta(days=1):
            raise _Refused(_("it is a whole-day event with a duration in hours."))
        # Counted as an inclusive last day, which exists even where the exclusive end (10000-01-01) does not.
        try:
            last = start + max(length - timedelta(days=1), timedelta(0))
        except OverflowError:
            raise _Refused(_("it ends after the year 9999.")) from None
        return Period(name, start, last)
    if length is not None:
        try:
            end = start + length
        except OverflowError:
            raise _Refused(_("it ends after the year 9999.")) from None
    return _period(name, start, end, zone)


def _is_cancelled(component: Any) -> bool:
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


def _describe(period: Period) -> str:
    first = formats.date_format(period.start_date, "j F Y")
    if period.start_time is not None and period.end_time is not None:
        last = formats.date_format(period.end_date, "j F Y")
        start = f"{first} {period.start_time:%H:%M}"
        end = (
            f"{period.end_time:%H:%M}"
            if period.end_date == period.start_date
            else f"{last} {period.end_time:%H:%M}"
        )
        return f"{start} – {end}"
    if period.end_date == period.start_date:
        return first
    return f"{first} – {formats.date_format(period.end_date, 'j F Y')}"


def _expand(
    group: list[Any], master: Any, calendar: Any, zone: tzinfo, today: date
) -> tuple[list[Period], int]:
    """The occurrences of a recurring event within the horizon, and how many of those were cancelled."""
    single = icalendar.Calendar()
    for prop in ("VERSION", "PRODID", "X-WR-TIMEZONE"):
        if prop in calendar:
            single[prop] = calendar[prop]
    for timezone in calendar.walk("VTIMEZONE"):
        single.add_component(timezone)
    for component in group:
        single.add_component(component)
    for component in group:
        _read_single(component, zone)  # refuses what the expansion would misread
    first, last = horizon(today)
    try:
        occurrences = list(recurring_ical_events.of(single).between(first, last))
    except Exception as exc:  # a third-party parser on outside input: any failure means "cannot read"
        raise _Refused(_("its repetition rule cannot be read.")) from exc
    periods, cancelled = [], 0
    for occurrence in occurrences:
        if _is_cancelled(occurrence):
            cancelled += 1
            continue
        start = occurrence.decoded("DTSTART")
        end = occurrence.decoded("DTEND", None)
        periods.append(_period(_name(occurrence) or _name(master), start, end, zone))
    return periods, cancelled


def _groups(calendar: Any) -> list[list[Any]]:
    by_uid: dict[str, list[Any]] = {}
    groups: list[list[Any]] = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", "")).strip()
        if not uid:
            groups.append([component])
        elif uid in by_uid:
            by_uid[uid].append(component)
        else:
            by_uid[uid] = [component]
            groups.append(by_uid[uid])
    return groups


def _read_group(group: list[Any], calendar: Any, zone: tzinfo, today: date, reading: Reading) -> None:
    masters = [c for c in group if c.get("RECURRENCE-ID") is None]
    master = masters[0] if masters else group[0]
    label = _label(_name(master))
    recurring = master.get("RRULE") is not None or master.get("RDATE") is not None
    if not recurring:
        # Without a rule, a repeated UID is a tool writing the same event again: read each one.
        for component in group:
            label = _label(_name(component))
            if _is_cancelled(component):
                reading.skipped.append(_("%(event)s skipped: it is cancelled.") % {"event": label})
                continue
            try:
                period = _read_single(component, zone)
            except _Refused as refused:
                reading.skipped.append(
                    _("%(event)s skipped: %(reason)s") % {"event": label, "reason": refused}
                )
                continue
            reading.periods.append(period)
            reading.imported.append(_("%(event)s: %(when)s.") % {"event": label, "when": _describe(period)})
        return
    if _is_cancelled(master):
        reading.skipped.append(_("%(event)s skipped: the whole series is cancelled.") % {"event": label})
        return
    try:
        periods, cancelled = _expand(group, master, calendar, zone, today)
    except _Refused as refused:
        reading.skipped.append(_("%(event)s skipped: %(reason)s") % {"event": label, "reason": refused})
        return
    if not periods:
        reading.skipped.append(
            _("%(event)s skipped: it does not occur in the coming %(years)s years.")
            % {"event": label, "years": HORIZON_YEARS}
        )
        return
    reading.periods.extend(periods)
    text = ngettext(
        "%(event)s: repeats, %(count)s time from %(first)s to %(last)s (the coming %(years)s years).",
        "%(event)s: repeats, %(count)s times from %(first)s to %(last)s (the coming %(years)s years).",
        len(periods),
    ) % {
        "event": label,
        "count": len(periods),
        "first": formats.date_format(periods[0].start_date, "j F Y"),
        "last": formats.date_format(periods[-1].start_date, "j F Y"),
        "years": HORIZON_YEARS,
    }
    if cancelled:
        text += " " + ngettext(
            "%(count)s cancelled occurrence left out.", "%(count)s cancelled occurrences left out.", cancelled
        ) % {"count": cancelled}
    reading.imported.append(text)


def read(data: bytes, tz: engine.TzLike, today: date) -> Reading:
    """Reads the events of an .ics file; UnreadableCalendar if it is no iCalendar file at all."""
    zone = engine.resolve_tz(tz)
    try:
        calendar = icalendar.Calendar.from_ical(_text(data))
    except Exception as exc:  # the parser raises many kinds of errors on outside input
        raise UnreadableCalendar(str(exc)) from exc
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise UnreadableCalendar("no VCALENDAR")
    reading = Reading()
    for group in _groups(calendar):
        _read_group(group, calendar, zone, today, reading)
    return reading


def write(name: str, entries: Iterable[Any], tz: engine.TzLike, stamp: datetime) -> bytes:
    """An .ics file of a holiday schedule's entries.

    Timed entries are written in UTC: every calendar tool reads UTC the same way, whereas a VTIMEZONE
    generated from the zone database covers only a range of years and some tools misread its RDATE form.
    """
    zone = engine.resolve_tz(tz)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ÉÉN beheerportaal//Feestdagen//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"holiday-{entry.pk}@een-portaal")
        event.add("summary", entry.name or name)
        if entry.whole_days:
            event.add("dtstart", entry.start_date)
            if entry.end_date < date.max:
                event.add("dtend", entry.end_date + timedelta(days=1))
            else:  # the exclusive end of 31 December 9999 cannot be written as a date
                event.add("duration", entry.end_date - entry.start_date + timedelta(days=1))
        else:
            event.add("dtstart", datetime.combine(entry.start_date, entry.start_time, zone).astimezone(UTC))
            event.add("dtend", datetime.combine(entry.end_date, entry.end_time, zone).astimezone(UTC))
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return calendar.to_ical()
