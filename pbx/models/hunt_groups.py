"""Hunt groups ("Belgroepen" of the Telefooncentrale, R6): several users under one number.

A group owns a directory entry (its name, extension and external number, unique with those of
users and IVR menus) like a PBX user does. Its members are rows in the order of the "Leden"
list; a member points at the user's directory entry with PROTECT, so deleting a user who is in
a group is refused and the delete page names the group (core.references), the same way as a
user that a forward points at. Removing the membership first is one click on the group.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase
from pbx.domain import huntgroup as domain

from .destination import destination_constraint, destination_fields
from .directory import DirectoryEntry
from .night_mode import NightModeFollow


class Distribution(models.TextChoices):
    CIRCULAR = domain.Distribution.CIRCULAR.value, _("Circular")
    FIXED_ORDER = domain.Distribution.FIXED_ORDER.value, _("Fixed order")
    SIMULTANEOUS = domain.Distribution.SIMULTANEOUS.value, _("Simultaneous")
    UNIFORM = domain.Distribution.UNIFORM.value, _("Uniform")


class HuntGroup(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="hunt_groups")
    # Name ("Naam", for the overview), extension and external number: the directory entry.
    entry = models.OneToOneField(DirectoryEntry, on_delete=models.CASCADE, related_name="hunt_group")
    # The name the phones show for a call that came through the group.
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)

    distribution = models.CharField(
        _("call distribution"), max_length=12, choices=Distribution.choices, default=Distribution.CIRCULAR
    )
    rings = models.PositiveSmallIntegerField(
        _("number of rings"),
        default=domain.RINGS_DEFAULT,
        validators=[MinValueValidator(domain.RINGS_RANGE[0]), MaxValueValidator(domain.RINGS_RANGE[1])],
    )
    move_on = models.BooleanField(_("then call the next member"), default=True)

    # "Geavanceerd" (R6.4): forward after a waiting time.
    overflow_seconds = models.PositiveSmallIntegerField(
        _("waiting time (seconds)"),
        default=domain.OVERFLOW_SECONDS_DEFAULT,
        validators=[
            MinValueValidator(domain.OVERFLOW_SECONDS_RANGE[0]),
            MaxValueValidator(domain.OVERFLOW_SECONDS_RANGE[1]),
        ],
    )
    overflow_kind, overflow_entry, overflow_number = destination_fields(
        _("forward after the waiting time to")
    )

    night_mode = models.CharField(
        _("night mode"), max_length=8, choices=NightModeFollow.choices, default=NightModeFollow.FOLLOW
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    DESTINATIONS = ("overflow",)

    class Meta:
        verbose_name = _("hunt group")
        verbose_name_plural = _("hunt groups")
        ordering = ["entry__name", "pk"]
        constraints = [destination_constraint("overflow", "pbx_huntgroup")]

    def __str__(self) -> str:
        return self.entry.name

    @property
    def name(self) -> str:
        return self.entry.name

    # What usage_label reads, loaded with the objects (core.references: one query per relation).
    USAGE_RELATED = ("entry",)

    def usage_label(self) -> str:
        return str(_("Hunt group %(name)s (forward after waiting time)") % {"name": self.entry.name})

    def history_label(self) -> str:
        # The heading of its changes in Geschiedenis ("Belgroep Verkoop (belgroep, 300)"), like a user's.
        return f"{capfirst(self._meta.verbose_name)} {self.entry.label}"


class HuntGroupMember(models.Model):
    """A user in a group, at a position of its list; history keeps each row's change."""

    group = models.ForeignKey(HuntGroup, on_delete=models.CASCADE, related_name="members")
    # The member's directory entry (always a user's; the services check that).
    member = models.ForeignKey(
        DirectoryEntry,
        on_delete=models.PROTECT,
        related_name="hunt_group_memberships",
        verbose_name=_("member"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # When the member last answered a call from this group (circular and uniform start from it).
    last_call_at = models.DateTimeField(_("last call from the group answered at"), null=True, blank=True)

    objects = ScopedManager(organisation="group__organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("hunt group member")
        verbose_name_plural = _("hunt group members")
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="pbx_huntgroupmember_unique_member"),
        ]

    def __str__(self) -> str:
        return str(self.member)

    USAGE_RELATED = ("group__entry",)

    def usage_label(self) -> str:
        return str(_("Hunt group %(name)s (member)") % {"name": self.group.entry.name})
