"""What every feature uses and no feature owns (DESIGN.md): the PBX sync state of an organisation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.models import Organisation


class PbxSync(models.Model):
    """Desired versus applied configuration revision of one organisation (DESIGN.md)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="pbx_sync")
    desired_revision = models.PositiveBigIntegerField(_("desired revision"), default=0)
    applied_revision = models.PositiveBigIntegerField(_("applied revision"), default=0)
    pending_since = models.DateTimeField(_("pending since"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # What went wrong, technically (for staff); empty when the last attempt succeeded.
    last_error = models.TextField(_("last error"), blank=True)
    # The same for the customer: a code and its parameters (pbx.sync.client.PbxError), worded in
    # the reader's language when a page shows it (pbx.sync.messages).
    last_error_code = models.CharField(_("last error code"), max_length=40, blank=True)
    last_error_params = models.JSONField(_("last error parameters"), default=dict, blank=True)
    last_error_retryable = models.BooleanField(default=True)
    failed_revision = models.PositiveBigIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts in this outage"), default=0)
    # The last attempt did not reach the PBX at all: reconcile pushes again as soon as the PBX
    # answers its health check, instead of waiting out the backoff.
    waiting_for_pbx = models.BooleanField(_("waiting for the PBX"), default=False)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        # The table was created by the pbx app; core took the model over (migration core 0001).
        db_table = "pbx_pbxsync"
        verbose_name = _("PBX sync state")
        verbose_name_plural = _("PBX sync states")
        indexes = [
            # Reconcile (every few seconds) reads only the organisations the PBX is behind on.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(applied_revision__lt=models.F("desired_revision")),
                name="core_pbxsync_behind_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.applied_revision}/{self.desired_revision}"

    @property
    def in_sync(self) -> bool:
        return self.applied_revision >= self.desired_revision


class ActorKind(models.TextChoices):
    MEMBER = "member", _("Member")
    OPERATOR = "operator", _("Operator")
    SYSTEM = "system", _("System")


class ChangeRecord(models.Model):
    """One save by someone: who, when, for which organisation, with which PBX revision (DESIGN.md).

    Every service opens one (core.changes.recorded); the historical rows that the save writes
    point at it, so "what changed in this save" and "everything that changed in this
    organisation" are each one indexed query.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor = models.CharField(_("by"), max_length=10, choices=ActorKind.choices, default=ActorKind.SYSTEM)
    summary = models.CharField(_("change"), max_length=200)
    pbx_revision = models.PositiveBigIntegerField(_("PBX revision"), null=True, blank=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["organisation", "-at"], name="core_change_org_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"
