"""How schedule states read on a page: "open, tot maandag 17:30", and the week picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import engine
from .models import Weekday


def moment(value: datetime, now: datetime, tz: str) -> str:
    """'maandag 08:30' within the coming week, otherwise '5 januari 2027 08:30'."""
    local = value.astimezone(engine.resolve_tz(tz))
    current = now.astimezone(engine.resolve_tz(tz))
    if local.date() == current.date():
        return _("today %(time)s") % {"time": formats.time_format(local, "TIME_FORMAT")}
    if local.date() == current.date() + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": formats.time_format(local, "TIME_FORMAT")}
    if local - current < timedelta(days=6):
        return formats.date_format(local, "l H:i")
    return formats.date_format(local, "DATETIME_FORMAT")


@dataclass(frozen=True)
class StateText:
    is_open: bool
    until: str | None


def state_text(
    ranges: tuple[engine.WeeklyRange, ...],
    holidays: tuple[engine.HolidayPeriod, ...],
    tz: str,
    now: datetime | None = None,
) -> StateText:
    now = now or timezone.now()
    state = engine.state_at(ranges, holidays, tz, now)
    return StateText(state.is_open, moment(state.until, now, tz) if state.until else None)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str


@dataclass(frozen=True)
class DayRow:
    name: str
    y: int
    bars: list[Bar]


LABEL_WIDTH = 110
HOURS_WIDTH = 720  # 30 px per hour
ROW_HEIGHT = 30


def week_picture(ranges: tuple[engine.WeeklyRange, ...]) -> dict[str, object]:
    """Geometry for templates/schedules/_week.html: one row per day, one bar per open stretch."""
    rows = []
    for day, segments in enumerate(engine.week_grid(ranges)):
        bars = [
            Bar(
                x=LABEL_WIDTH + start / 1440 * HOURS_WIDTH,
                width=(end - start) / 1440 * HOURS_WIDTH,
                label=f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}",
            )
            for start, end in segments
        ]
        rows.append(DayRow(name=str(Weekday(day).label), y=20 + day * ROW_HEIGHT, bars=bars))
    ticks = [{"x": LABEL_WIDTH + h * 30, "label": f"{h:02d}"} for h in range(0, 25, 3)]
    return {
        "rows": rows,
        "ticks": ticks,
        "width": LABEL_WIDTH + HOURS_WIDTH + 10,
        "height": 20 + 7 * ROW_HEIGHT + 4,
        "left": LABEL_WIDTH,
        "bar_height": ROW_HEIGHT - 8,
        "grid_bottom": 20 + 7 * ROW_HEIGHT,
    }


def describe(ranges: tuple[engine.WeeklyRange, ...]) -> str:
    """A short summary for lists: 'ma 08:30-17:30, za 09:00-12:00'."""
    if not ranges:
        return _("never open")
    if engine.week_grid(ranges) == ((((0, 1440),),) * 7):
        return _("always open, every day")
    parts = []
    for r in ranges:
        day = str(Weekday(r.weekday).label)[:2].lower()
        end = "24:00" if r.end.hour == 0 and r.end.minute == 0 else f"{r.end:%H:%M}"
        parts.append(f"{day} {r.start:%H:%M}-{end}")
    return ", ".join(parts)
