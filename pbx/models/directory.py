"""The directory of the Telefooncentrale: every user, hunt group and IVR menu owns one entry.

One table holds the organisation's internal numbers, so that an extension is unique across
users, hunt groups and IVR menus by the database's own constraint (two admins saving
extension 201 at the same moment: one wins, the other gets a clear message), and an external
number of the pool (accounts.PhoneNumber) belongs to at most one entry (a one-to-one).
Destinations point at entries (pbx/models/destination.py), so renumbering changes nothing for
whoever points at it, and deleting something that is pointed at is refused (PROTECT).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, PhoneNumber
from core.history import HistoricalBase
from pbx.domain.destination import EntryKind as DomainEntryKind
from pbx.domain.destination import entry_key


class EntryKind(models.TextChoices):
    USER = DomainEntryKind.USER.value, _("user")
    HUNT_GROUP = DomainEntryKind.HUNT_GROUP.value, _("hunt group")
    IVR_MENU = DomainEntryKind.IVR_MENU.value, _("IVR menu")


class DirectoryEntry(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="directory")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    extension = models.CharField(_("extension"), max_length=4, null=True, blank=True)
    phone_number = models.OneToOneField(
        PhoneNumber,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entry",
        verbose_name=_("external number"),
    )

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "extension"],
                condition=Q(extension__isnull=False),
                name="pbx_directory_unique_extension",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "name"], name="pbx_directory_kind_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return entry_key(self.kind, self.pk)

    @property
    def label(self) -> str:
        """ "Verkoop (belgroep, 201)": how pages and choices name it."""
        details = [str(self.get_kind_display())]
        if self.extension:
            details.append(self.extension)
        elif self.phone_number is not None:
            details.append(self.phone_number.display)
        return f"{self.name} ({', '.join(details)})"

    def usage_label(self) -> str:
        return self.label
