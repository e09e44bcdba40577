"""Greetings (audio): a WAV file checked by its content, stored privately under its sha256.

Users use them now, IVR menus next: each feature's service stores the upload with
greeting_store inside its own transaction and points at the Greeting row; greeting_release
drops a row nothing points at any more. The file itself stays (content-addressed, it may be
another organisation's greeting too, and the PBX fetches nothing from here).
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core import uploads
from core.references import usages
from pbx.domain.audio import MAX_BYTES, AudioError, AudioProblem, inspect_wav
from pbx.models import Greeting

AUDIO_MESSAGES = {
    AudioProblem.EMPTY: _("This file is empty. Choose a WAV file with the greeting."),
    AudioProblem.TOO_LARGE: _("This file is larger than 5 MB. Choose a shorter WAV file of at most 5 MB."),
    AudioProblem.NOT_WAV: _(
        "This is not a WAV file. Save the greeting as WAV (PCM) in your recording program and upload that file."
    ),
    AudioProblem.NOT_PCM: _(
        "This WAV file is compressed, which the PBX cannot play. Save the greeting as WAV with PCM samples and upload it again."
    ),
    AudioProblem.UNREADABLE: _(
        "This WAV file is damaged or incomplete. Save the greeting again as WAV (PCM) and upload it again."
    ),
    AudioProblem.NO_SOUND: _("This WAV file contains no sound. Choose the file with the recorded greeting."),
    AudioProblem.TOO_LONG: _(
        "This greeting is longer than 3 minutes. Choose a greeting of at most 3 minutes."
    ),
}


class Upload(Protocol):
    """What a greeting is read from: Django's UploadedFile (or any file with a name and size)."""

    @property
    def name(self) -> str | None: ...
    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


def audio_message(problem: AudioProblem) -> str:
    return str(AUDIO_MESSAGES[problem])


def read_upload(upload: Upload) -> bytes:
    """The upload's bytes; a file larger than the limit is refused before it is read."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(audio_message(AudioProblem.TOO_LARGE), code=AudioProblem.TOO_LARGE.value)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(audio_message(AudioProblem.TOO_LARGE), code=AudioProblem.TOO_LARGE.value)
    return data


def greeting_store(*, organisation: Organisation, name: str, data: bytes) -> Greeting:
    """Checks the WAV file, stores it under its hash and returns the organisation's row for it.

    Raises ValidationError with what to do; nothing is stored then. Call inside the feature's
    transaction: the row and the reference to it are saved together.
    """
    try:
        info = inspect_wav(data)
    except AudioError as exc:
        raise ValidationError(audio_message(exc.problem), code=exc.problem.value) from None
    greeting = Greeting.objects.filter(organisation=organisation, sha256=info.sha256).first()
    if greeting is None:
        uploads.store("greetings", f"{info.sha256}.wav", data)
        greeting = Greeting(
            organisation=organisation,
            sha256=info.sha256,
            name=(name or "begroeting.wav").rsplit("/", 1)[-1][:200],
            size=info.size,
            duration_ms=round(info.duration * 1000),
        )
        greeting.full_clean(validate_unique=False)
        try:
            with transaction.atomic():  # the same file uploaded twice at the same moment
                greeting.save()
        except IntegrityError:
            greeting = Greeting.objects.get(organisation=organisation, sha256=info.sha256)
    return greeting


def greeting_release(greeting: Greeting | None) -> None:
    """Deletes the greeting's row when nothing points at it any more (call after unlinking it)."""
    if greeting is not None and not usages([greeting]).get(greeting.pk):
        greeting.delete()
