"""PBX users ("Gebruikers" of the Telefooncentrale, R5): extension, voicemail, greeting, forwarding."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from core.history import HistoricalBase
from pbx.domain.names import surname_key

from .destination import destination_constraint, destination_fields
from .directory import DirectoryEntry
from .greeting import Greeting
from .night_mode import NightModeFollow

FORWARD_NO_ANSWER_DEFAULT = 20


class AfterGreeting(models.TextChoices):
    HANG_UP = "hang_up", _("End the call")
    FORWARD = "forward", _("Forward to")


class PbxUser(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pbx_users")
    # The user's extension and external number live on its directory entry (one table for the
    # whole numbering plan); deleting the entry deletes the user.
    entry = models.OneToOneField(DirectoryEntry, on_delete=models.CASCADE, related_name="user")
    first_name = models.CharField(_("first name"), max_length=60)
    last_name = models.CharField(_("last name"), max_length=80)
    # What the users sort by, as in a Dutch phone book: pbx.domain.names.surname_key of the last
    # name, set by save() and by the batched service (pbx.services.users), so a list of
    # thousands sorts on an index.
    sort_name = models.CharField(max_length=80, editable=False, default="")

    # App / Outlook login (R5.3): the PBX gets only a secret derived from the password.
    app_username = models.CharField(_("username"), max_length=120, unique=True)
    app_secret = models.CharField(max_length=64, blank=True, editable=False)
    app_password_set_at = models.DateTimeField(_("password set at"), null=True, blank=True, editable=False)

    # Voicemail (R5.5).
    voicemail_enabled = models.BooleanField(_("voicemail"), default=False)
    voicemail_email = models.EmailField(_("e-mail address for voicemail messages"), blank=True)
    voicemail_copy_email = models.EmailField(_("copy to"), blank=True)
    voicemail_direct = models.BooleanField(_("direct"), default=False)
    voicemail_on_busy = models.BooleanField(_("on busy"), default=True)
    voicemail_on_no_answer = models.BooleanField(_("on no answer"), default=True)

    # Greeting (R5.6).
    greeting = models.ForeignKey(
        Greeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("greeting"),
    )
    no_messages = models.BooleanField(_("callers cannot leave a message"), default=False)
    after_greeting = models.CharField(
        _("after the greeting"), max_length=10, choices=AfterGreeting.choices, default=AfterGreeting.HANG_UP
    )
    after_greeting_kind, after_greeting_entry, after_greeting_number = destination_fields(
        _("after the greeting, forward to")
    )

    # Forwarding (R5.7).
    forward_always_kind, forward_always_entry, forward_always_number = destination_fields(_("always"))
    forward_busy_kind, forward_busy_entry, forward_busy_number = destination_fields(_("on busy"))
    forward_no_answer_kind, forward_no_answer_entry, forward_no_answer_number = destination_fields(
        _("on no answer")
    )
    forward_no_answer_seconds = models.PositiveSmallIntegerField(
        _("after (seconds)"),
        default=FORWARD_NO_ANSWER_DEFAULT,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    forward_unreachable_kind, forward_unreachable_entry, forward_unreachable_number = destination_fields(
        _("when unreachable")
    )

    # Night mode per user (R3.5, R5.4).
    night_mode = models.CharField(
        _("night mode"), max_length=8, choices=NightModeFollow.choices, default=NightModeFollow.FOLLOW
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    DESTINATIONS = (
        "after_greeting",
        "forward_always",
        "forward_busy",
        "forward_no_answer",
        "forward_unreachable",
    )

    class Meta:
        verbose_name = _("PBX user")
        verbose_name_plural = _("PBX users")
        # As in a Dutch phone book: "de Vries" under V, then by first name (pbx.domain.names).
        ordering = ["sort_name", Lower("first_name"), Lower("last_name"), "pk"]
        indexes = [models.Index(fields=["organisation", "sort_name"], name="pbx_user_phone_book")]
        constraints = [
            destination_constraint(prefix, "pbx_pbxuser")
            for prefix in (
                "after_greeting",
                "forward_always",
                "forward_busy",
                "forward_no_answer",
                "forward_unreachable",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = surname_key(self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "last_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    USAGE_RELATED = ("entry__phone_number",)

    def usage_label(self) -> str:
        return str(_("User %(name)s") % {"name": self.entry.label})
