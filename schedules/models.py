"""Time schedules (opening hours) and holiday schedules of an organisation (R4)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase

from . import engine


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class TimeSchedule(models.Model):
    """A set of weekly time ranges: the opening hours ("tijdschema")."""

    BUILTIN_NAME = "Elke dag, de hele dag"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="time_schedules")
    name = models.CharField(_("description"), max_length=100)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("time schedule")
        verbose_name_plural = _("time schedules")
        ordering = ["-is_builtin", Lower("name")]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="time_schedule_name_unique"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_builtin=True), name="one_builtin_time_schedule"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def engine_ranges(self) -> tuple[engine.WeeklyRange, ...]:
        """The ranges as the evaluation engine takes them; uses prefetched ranges when present."""
        return tuple(r.as_engine() for r in self.ranges.all())


class TimeRange(models.Model):
    schedule = models.ForeignKey(TimeSchedule, on_delete=models.CASCADE, related_name="ranges")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(
        _("to"), help_text=_("00:00 means midnight; a time before “from” runs into the next day.")
    )

    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("time range")
        verbose_name_plural = _("time ranges")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def as_engine(self) -> engine.WeeklyRange:
        return engine.WeeklyRange(self.weekday, self.start, self.end)

    def clean(self) -> None:
        if self.start is not None and self.start == self.end and self.start != time(0):
            raise ValidationError(
                _("From and to are the same. Choose an end after the start (00:00 means midnight).")
            )


class HolidaySchedule(models.Model):
    """Days or periods on which the organisation is closed ("feestdagen- / vakantieschema")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="holiday_schedules")
    name = models.CharField(_("description"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="holiday_schedule_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def engine_periods(self) -> tuple[engine.HolidayPeriod, ...]:
        return tuple(e.as_engine() for e in self.entries.all())


class HolidayEntry(models.Model):
    """A whole day, a range of whole days, or a period with times (start and end time set)."""

    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.CASCADE, related_name="entries")
    name = models.CharField(_("name"), max_length=100, blank=True)
    start_date = models.DateField(_("from date"))
    end_date = models.DateField(_("to date"))
    start_time = models.TimeField(_("from time"), null=True, blank=True)
    end_time = models.TimeField(_("to time"), null=True, blank=True)

    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["start_date", "start_time", "pk"]

    def __str__(self) -> str:
        return self.name or f"{self.start_date}"

    @property
    def whole_days(self) -> bool:
        return self.start_time is None and self.end_time is None

    def clean(self) -> None:
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError(_("Fill in both times, or neither for whole days."))
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError(_("The end date is before the start date."))
            if not self.whole_days and self.start() >= self.end():
                raise ValidationError(_("The end is not after the start."))

    def start(self) -> date | datetime:
        if self.start_time is None:
            return self.start_date
        return datetime.combine(self.start_date, self.start_time)

    def end(self) -> date | datetime:
        if self.end_time is None:
            return self.end_date
        return datetime.combine(self.end_date, self.end_time)

    def as_engine(self) -> engine.HolidayPeriod:
        return engine.HolidayPeriod(self.start(), self.end(), self.name)
