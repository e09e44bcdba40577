"""Pieces every API serializer shares: destinations, pool numbers, the version.

The serializers only parse and show; the rules are the services' (the same as the forms'), and
their errors come back keyed by the same field names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import Organisation, PhoneNumber, normalise_phone_number
from core.versioning import MAX_VERSION
from pbx.models import DestinationKindChoice
from pbx.services.directory import destination_label, free_numbers

MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Target:
    """A destination as the services take it (kind, directory-entry id, external number)."""

    kind: str
    entry: int | None = None
    number: str = ""


class DestinationIn(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=DestinationKindChoice.choices,
        help_text="none, entry (a user, hunt group or IVR menu: give `entry`), voicemail (999) or external (give `number`).",
    )
    entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Directory-entry id (see /directory/).",
    )
    number = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def to_internal_value(self, data: Any) -> Target:
        values = super().to_internal_value(data)
        return Target(values["kind"], values.get("entry"), values.get("number") or "")


class DestinationOut(serializers.Serializer):
    """A destination stored in `<prefix>_kind/_entry/_number` columns of the object."""

    kind = serializers.CharField()
    entry = serializers.IntegerField(allow_null=True)
    number = serializers.CharField()
    label = serializers.CharField()

    def __init__(self, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        kind = getattr(instance, f"{self.prefix}_kind")
        entry = (
            getattr(instance, f"{self.prefix}_entry")
            if getattr(instance, f"{self.prefix}_entry_id")
            else None
        )
        number = getattr(instance, f"{self.prefix}_number")
        return {
            "kind": kind,
            "entry": entry.pk if entry is not None else None,
            "number": number,
            "label": destination_label(kind, entry, number),
        }


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_VERSION,
        help_text="The version you read (or send If-Match); a stale one answers 409 with the stored object.",
    )


def pool_number(
    organisation: Organisation, raw: str | None, current: PhoneNumber | None = None
) -> PhoneNumber | None:
    """The free pool number raw names (typed any common way), or None for an empty value."""
    if raw is None or not str(raw).strip():
        return None
    try:
        number = normalise_phone_number(str(raw))
    except ValidationError:
        number = ""
    found = free_numbers(organisation=organisation, current=current).filter(number=number).first()
    if found is None:
        raise serializers.ValidationError(
            {"phone_number": [_("Choose a free number of your organisation (see /numbers/).")]}
        )
    return found
