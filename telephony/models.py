"""Organisation-wide call barring ("Telefoon" → "Algemene instellingen", R2.1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase


class CallBarring(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="call_barring")
    international = models.BooleanField(_("International numbers"), default=False)
    mobile = models.BooleanField(_("Mobile numbers"), default=False)
    premium_0900 = models.BooleanField(_("Business service numbers (0900)"), default=False)
    erotic_0906 = models.BooleanField(_("Erotic numbers (0906)"), default=False)
    entertainment_0909 = models.BooleanField(_("Entertainment numbers (0909)"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    FIELDS = ("international", "mobile", "premium_0900", "erotic_0906", "entertainment_0909")

    class Meta:
        verbose_name = _("call barring")
        verbose_name_plural = _("call barring")

    def __str__(self) -> str:
        return f"{self.organisation}"

    def as_dict(self) -> dict[str, bool]:
        return {field: bool(getattr(self, field)) for field in self.FIELDS}
