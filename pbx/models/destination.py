"""A destination stored on a model: three columns and a check, added by destination_fields().

    forward_busy_kind, forward_busy_entry, forward_busy_number = destination_fields(_("on busy"))

kind says which of the other two counts; entry is a PROTECT reference into the directory (so
"in use, cannot be deleted" comes from core.references like for schedules); number is E.164.
get_destination / set_destination convert to and from the pure pbx.domain.destination.Destination.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pbx.domain.destination import Destination, DestinationKind, EntryKind

from .directory import DirectoryEntry


class DestinationKindChoice(models.TextChoices):
    NONE = DestinationKind.NONE.value, _("nowhere")
    ENTRY = DestinationKind.ENTRY.value, _("user, hunt group or IVR menu")
    VOICEMAIL = DestinationKind.VOICEMAIL.value, _("company voicemail (999)")
    EXTERNAL = DestinationKind.EXTERNAL.value, _("external number")


def destination_fields(
    verbose_name: Any, *, default: DestinationKind = DestinationKind.NONE
) -> tuple[models.CharField, models.ForeignKey, models.CharField]:
    return (
        models.CharField(
            verbose_name,
            max_length=10,
            choices=DestinationKindChoice.choices,
            default=default.value,
        ),
        models.ForeignKey(
            DirectoryEntry,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=verbose_name,
        ),
        models.CharField(verbose_name, max_length=20, blank=True, default=""),
    )


def destination_constraint(prefix: str, model_label: str) -> models.CheckConstraint:
    """The columns agree: an entry only for kind "entry", a number only for "external"."""
    kind, entry, number = f"{prefix}_kind", f"{prefix}_entry", f"{prefix}_number"
    return models.CheckConstraint(
        condition=(
            (Q(**{kind: DestinationKind.ENTRY.value}) & Q(**{f"{entry}__isnull": False}) & Q(**{number: ""}))
            | (
                Q(**{kind: DestinationKind.EXTERNAL.value})
                & Q(**{f"{entry}__isnull": True})
                & ~Q(**{number: ""})
            )
            | (
                Q(**{f"{kind}__in": [DestinationKind.NONE.value, DestinationKind.VOICEMAIL.value]})
                & Q(**{f"{entry}__isnull": True})
                & Q(**{number: ""})
            )
        ),
        name=f"{model_label}_{prefix}_consistent",
    )


def get_destination(obj: models.Model, prefix: str) -> Destination:
    kind = DestinationKind(getattr(obj, f"{prefix}_kind"))
    if kind == DestinationKind.ENTRY:
        entry: DirectoryEntry = getattr(obj, f"{prefix}_entry")
        return Destination(kind, entry_kind=EntryKind(entry.kind), entry_id=entry.pk)
    if kind == DestinationKind.EXTERNAL:
        return Destination(kind, number=getattr(obj, f"{prefix}_number"))
    return Destination(kind)


def set_destination(
    obj: models.Model, prefix: str, kind: str, entry: DirectoryEntry | None, number: str
) -> None:
    kind = DestinationKind(kind)
    setattr(obj, f"{prefix}_kind", kind.value)
    setattr(obj, f"{prefix}_entry", entry if kind == DestinationKind.ENTRY else None)
    setattr(obj, f"{prefix}_number", number if kind == DestinationKind.EXTERNAL else "")
