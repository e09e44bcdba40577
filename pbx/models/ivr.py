"""IVR menus ("Keuzemenu's" of the Telefooncentrale, R7): a greeting and keys, for business
hours and after hours, a reception destination and night mode.

A menu owns a directory entry (its name, extension and external number, like a user); its
keys are child rows (IvrKey), one per menu, part and key, so history shows each key's change.
The schedules are PROTECT references: a schedule in use by a menu says so and is not deleted.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase
from pbx.domain.ivr import KEYPAD, Part
from schedules.models import HolidaySchedule, TimeSchedule

from .destination import destination_constraint, destination_fields
from .directory import DirectoryEntry
from .greeting import Greeting
from .night_mode import NightModeFollow

RECEPTION_SECONDS_DEFAULT = 10
RECEPTION_SECONDS = (3, 60)


class IvrPart(models.TextChoices):
    BUSINESS = Part.BUSINESS.value, _("Business hours")
    AFTER = Part.AFTER.value, _("After hours")


class AfterHours(models.TextChoices):
    MENU = "menu", _("An after-hours menu")
    DESTINATION = "destination", _("Straight to a destination")


class KeyMode(models.TextChoices):
    ANNOUNCE = "announce", _("Forward with announcement")
    SILENT = "silent", _("Forward without announcement")


class IvrMenu(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ivr_menus")
    # The menu's name, extension and external number live on its directory entry; deleting the
    # entry deletes the menu.
    entry = models.OneToOneField(DirectoryEntry, on_delete=models.CASCADE, related_name="ivr_menu")
    # The name the PBX's phones show for a call from the menu (R7.1), optional.
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)

    time_schedule = models.ForeignKey(
        TimeSchedule, on_delete=models.PROTECT, related_name="ivr_menus", verbose_name=_("business hours")
    )
    holiday_schedule = models.ForeignKey(
        HolidaySchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ivr_menus",
        verbose_name=_("holiday schedule"),
    )

    business_greeting = models.ForeignKey(
        Greeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("greeting during business hours"),
    )
    business_reception_kind, business_reception_entry, business_reception_number = destination_fields(
        _("reception during business hours")
    )

    after_hours = models.CharField(
        _("after hours"), max_length=12, choices=AfterHours.choices, default=AfterHours.MENU
    )
    after_greeting = models.ForeignKey(
        Greeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("greeting after hours"),
    )
    after_reception_kind, after_reception_entry, after_reception_number = destination_fields(
        _("reception after hours")
    )
    after_destination_kind, after_destination_entry, after_destination_number = destination_fields(
        _("after hours, straight to")
    )

    reception_seconds = models.PositiveSmallIntegerField(
        _("to reception after (seconds)"),
        default=RECEPTION_SECONDS_DEFAULT,
        validators=[MinValueValidator(RECEPTION_SECONDS[0]), MaxValueValidator(RECEPTION_SECONDS[1])],
    )

    # Night mode per menu (R3.5, R7.6); "nowhere" means the company's night destination.
    night_mode = models.CharField(
        _("night mode"), max_length=8, choices=NightModeFollow.choices, default=NightModeFollow.FOLLOW
    )
    night_destination_kind, night_destination_entry, night_destination_number = destination_fields(
        _("night destination")
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    DESTINATIONS = ("business_reception", "after_reception", "after_destination", "night_destination")

    class Meta:
        verbose_name = _("IVR menu")
        verbose_name_plural = _("IVR menus")
        ordering = ["entry__name", "pk"]
        constraints = [
            destination_constraint(prefix, "pbx_ivrmenu")
            for prefix in ("business_reception", "after_reception", "after_destination", "night_destination")
        ]

    def __str__(self) -> str:
        return self.entry.name

    USAGE_RELATED = ("entry__phone_number",)

    def usage_label(self) -> str:
        return str(_("IVR menu %(name)s") % {"name": self.entry.label})


class IvrKey(models.Model):
    """One programmed key of one part of a menu; a key without a row is off."""

    menu = models.ForeignKey(IvrMenu, on_delete=models.CASCADE, related_name="keys")
    part = models.CharField(_("menu"), max_length=10, choices=IvrPart.choices)
    key = models.CharField(_("key"), max_length=1, choices=[(k, k) for k in KEYPAD])
    mode = models.CharField(_("action"), max_length=10, choices=KeyMode.choices, default=KeyMode.ANNOUNCE)
    destination_kind, destination_entry, destination_number = destination_fields(_("destination"))

    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("IVR key")
        verbose_name_plural = _("IVR keys")
        ordering = ["menu", "part", "key"]
        constraints = [
            models.UniqueConstraint(fields=["menu", "part", "key"], name="pbx_ivrkey_unique_key"),
            destination_constraint("destination", "pbx_ivrkey"),
            models.CheckConstraint(
                condition=~models.Q(destination_kind="none"), name="pbx_ivrkey_has_destination"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.key}"

    USAGE_RELATED = ("menu__entry__phone_number",)

    def usage_label(self) -> str:
        return str(
            _("IVR menu %(name)s, key %(key)s (%(part)s)")
            % {"name": self.menu.entry.label, "key": self.key, "part": str(self.get_part_display()).lower()}
        )
