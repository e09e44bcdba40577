"""Cells the Telefooncentrale's imports share: extensions, pool numbers and destinations.

A destination in a cell is what people write: "999" (the company voicemail), an extension of
2-4 digits (the user, hunt group or IVR menu with it), an external number in any common form
(06 1234 5678, +31 20 123 4567), or nothing. The extension is looked up when the row is
written, so a forward may point at a user created earlier in the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Organisation, PhoneNumber, format_phone_number, normalise_phone_number
from pbx.domain import numbering
from pbx.domain.destination import DestinationKind
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry
from pbx.services.directory import extension_clean

VOICEMAIL_EXTENSION = "999"


def parse_extension(text: str) -> str:
    """The extension as stored ("" for none); the directory's own format rules and words."""
    return extension_clean(text) or ""


def parse_number(text: str) -> str:
    """A number of the pool in E.164 ("" for none); whether it is in the pool, the service says."""
    return normalise_phone_number(text) if text.strip() else ""


def show_number(value: Any) -> str:
    return format_phone_number(value) if value else ""


@dataclass(frozen=True)
class Dest:
    kind: str
    ref: str = ""  # the extension (ENTRY) or the E.164 number (EXTERNAL)


NOWHERE = Dest(DestinationKind.NONE.value)


def parse_destination(text: str) -> Dest:
    value = numbering.compact(text)
    if not value:
        return NOWHERE
    if value == VOICEMAIL_EXTENSION:
        return Dest(DestinationKind.VOICEMAIL.value)
    if value.isascii() and value.isdigit() and 2 <= len(value) <= 4:
        return Dest(DestinationKind.ENTRY.value, value)
    try:
        return Dest(DestinationKind.EXTERNAL.value, normalise_phone_number(text))
    except ValidationError:
        raise ValidationError(
            _("Write an extension (for example 201), 999 for the company voicemail, or an external number.")
        ) from None


def show_destination(value: Any) -> str:
    if not isinstance(value, Dest) or value.kind == DestinationKind.NONE:
        return ""
    if value.kind == DestinationKind.VOICEMAIL:
        return VOICEMAIL_EXTENSION
    if value.kind == DestinationKind.EXTERNAL:
        return format_phone_number(value.ref)
    return value.ref


def stored_destination(obj: Any, prefix: str) -> Dest:
    """The destination stored in obj's <prefix>_* columns (entry select_related: no query)."""
    kind = getattr(obj, f"{prefix}_kind")
    if kind == DestinationKind.ENTRY:
        entry = getattr(obj, f"{prefix}_entry")
        if entry.extension:
            return Dest(kind, entry.extension)
        if entry.phone_number is not None:
            return Dest(DestinationKind.EXTERNAL.value, entry.phone_number.number)
        return Dest(kind, "")
    if kind == DestinationKind.EXTERNAL:
        return Dest(kind, getattr(obj, f"{prefix}_number"))
    return Dest(kind)


def directory_of(organisation: Organisation) -> dict[str, DirectoryEntry]:
    """The organisation's entries by extension, for destination_value over many rows: one query."""
    entries = DirectoryEntry.objects.filter(organisation=organisation, extension__isnull=False)
    return {entry.extension: entry for entry in entries.select_related("phone_number") if entry.extension}


def pool_of(organisation: Organisation) -> dict[str, PhoneNumber]:
    """The organisation's pool by E.164 number, for pool_number over many rows: one query."""
    return {number.number: number for number in PhoneNumber.objects.filter(organisation=organisation)}


def destination_value(
    organisation: Organisation, dest: Dest, key: str, *, directory: Mapping[str, DirectoryEntry] | None = None
) -> DestinationValue:
    """The service's destination for a cell; an extension nobody has is refused under `key`.
    `directory` (directory_of) saves the lookup per row."""
    if dest.kind == DestinationKind.ENTRY:
        entry = (
            directory.get(dest.ref)
            if directory is not None
            else DirectoryEntry.objects.filter(organisation=organisation, extension=dest.ref)
            .select_related("phone_number")
            .first()
        )
        if entry is None:
            raise ValidationError(
                {
                    key: _("No user, hunt group or IVR menu has extension %(extension)s.")
                    % {"extension": dest.ref}
                }
            )
        return DestinationValue(dest.kind, entry)
    return DestinationValue(dest.kind, None, dest.ref)


def pool_number(
    organisation: Organisation,
    number: str,
    key: str = "phone_number",
    *,
    pool: Mapping[str, PhoneNumber] | None = None,
) -> PhoneNumber | None:
    """The pool's PhoneNumber for an E.164 number; a number outside the pool is refused.
    `pool` (pool_of) saves the lookup per row."""
    if not number:
        return None
    found = (
        pool.get(number)
        if pool is not None
        else PhoneNumber.objects.filter(organisation=organisation, number=number).first()
    )
    if found is None:
        raise ValidationError(
            {
                key: _(
                    "%(number)s is not one of your organisation's numbers. Choose a number from the pool (Instellingen)."
                )
                % {"number": format_phone_number(number)}
            }
        )
    return found


class PoolNumbers:
    """For an importer of objects with an external number: the organisation's pool read once,
    and the check that a row's number is in it, made while planning so the preview lists it
    with the row's other errors (the services check it again on writing)."""

    organisation: Organisation
    _pool: dict[str, PhoneNumber] | None = None

    def pool(self) -> dict[str, PhoneNumber]:
        if self._pool is None:
            self._pool = pool_of(self.organisation)
        return self._pool

    def number(self, number: str) -> PhoneNumber | None:
        """The pool's PhoneNumber for a parsed cell ("" for none); ValidationError outside the pool."""
        return pool_number(self.organisation, number, pool=self.pool())

    def check_number(self, plan: Any, header: str) -> None:
        try:
            self.number(plan.values.get("phone_number", ""))
        except ValidationError as exc:
            plan.fail(header, exc.message_dict["phone_number"])
