"""Company night mode (R3) and the per-object night-mode choice (R3.5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase
from pbx.domain.destination import DestinationKind
from schedules.models import HolidaySchedule, TimeSchedule

from .destination import destination_constraint, destination_fields

COMPANY_VOICEMAIL = "999"


class NightModeSetting(models.TextChoices):
    OFF = "off", _("Off")
    ON = "on", _("On")
    AUTO = "auto", _("Automatic")


class NightModeFollow(models.TextChoices):
    """The per-object choice of R3.5 (users, hunt groups and IVR menus use it)."""

    FOLLOW = "follow", _("Follow company setting")
    ON = "on", _("On")
    OFF = "off", _("Off")


class NightMode(models.Model):
    """The organisation's night mode ("Nachtschakeling", R3.1-R3.4)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="night_mode")
    setting = models.CharField(
        _("night mode"), max_length=8, choices=NightModeSetting.choices, default=NightModeSetting.OFF
    )
    time_schedule = models.ForeignKey(
        TimeSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="night_modes",
        verbose_name=_("time schedule"),
    )
    holiday_schedule = models.ForeignKey(
        HolidaySchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="night_modes",
        verbose_name=_("holiday schedule"),
    )
    # Where calls go while night mode is active (R3.4): the company voicemail by default.
    destination_kind, destination_entry, destination_number = destination_fields(
        _("forward calls to"), default=DestinationKind.VOICEMAIL
    )
    override_active = models.BooleanField(_("manual override: night mode on"), null=True, blank=True)
    override_until = models.DateTimeField(_("manual override until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("night mode")
        verbose_name_plural = _("night modes")
        constraints = [destination_constraint("destination", "pbx_nightmode")]

    def __str__(self) -> str:
        return str(self.get_setting_display())

    def usage_label(self) -> str:
        return str(_("Company night mode"))
