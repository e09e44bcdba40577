"""Greetings (audio) of users and IVR menus: WAV files checked by content (pbx/domain/audio.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.models import Organisation


class Greeting(models.Model):
    """One uploaded WAV file, stored privately under its sha256 (core/uploads.py).

    The PBX receives the audio by the same hash before the document that refers to it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="greetings")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    duration_ms = models.PositiveIntegerField(_("duration"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        verbose_name = _("greeting")
        verbose_name_plural = _("greetings")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="pbx_greeting_unique_content")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        return f"greetings/{self.sha256}.wav"

    @property
    def seconds(self) -> float:
        return self.duration_ms / 1000
