"""The shared pieces under users, hunt groups and IVR menus (issue 10, DESIGN.md "directory").

- entry_save: the extension and external number of a directory entry, checked once for all
  three kinds; the database's unique constraint decides between two saves at the same moment.
- free_numbers: the organisation's pool without the numbers already assigned.
- destination_clean: a destination chosen on a page, checked against the organisation.
- entry_delete: refused while anything points at the entry, saying where.
Each feature's service calls these inside its own transaction and change record.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, PhoneNumber, format_phone_number, normalise_phone_number
from core.references import usages
from core.validators import validate_ascii_digits
from pbx.domain import numbering
from pbx.domain.destination import DestinationKind
from pbx.models import DirectoryEntry

EXTENSION_MESSAGES = {
    numbering.ExtensionProblem.FORMAT: gettext_lazy("Choose an extension of 2 to 4 digits, for example 201."),
    numbering.ExtensionProblem.VOICEMAIL: gettext_lazy(
        "999 is the company voicemail and cannot be an extension. Choose another one, for example 201."
    ),
    numbering.ExtensionProblem.EMERGENCY: gettext_lazy(
        "%(extension)s is an emergency number and cannot be an extension. Choose another one, for example 201."
    ),
    numbering.ExtensionProblem.OUTSIDE_LINE: gettext_lazy(
        "An extension cannot start with 0: that is the prefix for outside lines. Choose another one, for example 201."
    ),
}


def extension_clean(value: str | None) -> str | None:
    """The extension as it will be stored (spaces removed), or None; ValidationError with what to do."""
    value = numbering.compact(value or "")
    if not value:
        return None
    validate_ascii_digits(value)
    problem = numbering.extension_problem(value)
    if problem is not None:
        raise ValidationError(str(EXTENSION_MESSAGES[problem]) % {"extension": value}, code=problem.value)
    return value


def free_numbers(*, organisation: Organisation, current: PhoneNumber | None = None) -> QuerySet[PhoneNumber]:
    """The pool's numbers no user, hunt group or IVR menu has, plus the current one: one query."""
    free = models.Q(directory_entry__isnull=True)
    if current is not None:
        free |= models.Q(pk=current.pk)
    return PhoneNumber.objects.filter(organisation=organisation).filter(free).order_by("number")


def _others(queryset: QuerySet[DirectoryEntry], pk: int | None) -> QuerySet[DirectoryEntry]:
    return queryset.exclude(pk=pk) if pk is not None else queryset


def _taken_message(organisation: Organisation, extension: str, exclude: int | None) -> str:
    owner = _others(
        DirectoryEntry.objects.filter(organisation=organisation, extension=extension), exclude
    ).first()
    if owner is None:
        return _("Extension %(extension)s was just taken by someone else. Choose another one.") % {
            "extension": extension
        }
    return _("Extension %(extension)s is already used by %(owner)s. Choose another one.") % {
        "extension": extension,
        "owner": owner.label,
    }


def entry_save(
    *,
    organisation: Organisation,
    kind: str,
    name: str,
    extension: str | None,
    phone_number: PhoneNumber | None,
    entry: DirectoryEntry | None = None,
    extension_required: bool = False,
) -> DirectoryEntry:
    """Creates or changes a directory entry; call inside the feature's transaction.

    Errors are keyed by "extension" and "phone_number" so forms show them on their field.
    """
    extension = extension_clean(extension)
    if extension is None and extension_required:
        raise ValidationError({"extension": _("Enter an extension of 2 to 4 digits, for example 201.")})
    if phone_number is not None:
        if phone_number.organisation_id != organisation.pk:
            raise ValidationError({"phone_number": _("Choose one of your organisation's numbers.")})
        holder = _others(
            DirectoryEntry.objects.filter(phone_number=phone_number), entry.pk if entry else None
        )
        if holder.exists():
            raise ValidationError(
                {
                    "phone_number": _("%(number)s is already in use. Choose a free number.")
                    % {"number": phone_number}
                }
            )
    exclude = entry.pk if entry else None
    if extension is not None:
        clash = _others(
            DirectoryEntry.objects.filter(organisation=organisation, extension=extension), exclude
        )
        if clash.exists():
            raise ValidationError({"extension": _taken_message(organisation, extension, exclude)})
    if entry is None:
        entry = DirectoryEntry(organisation=organisation, kind=kind)
    entry.name = " ".join(name.split())
    entry.extension = extension
    entry.phone_number = phone_number
    try:
        # A savepoint: the other administrator's save may win between the check and ours.
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        if (
            extension is not None
            and _others(
                DirectoryEntry.objects.filter(organisation=organisation, extension=extension), exclude
            ).exists()
        ):
            raise ValidationError({"extension": _taken_message(organisation, extension, exclude)}) from exc
        raise ValidationError(
            {"phone_number": _("This number was just taken by someone else. Choose a free number.")}
        ) from exc
    return entry


def destination_clean(
    *,
    organisation: Organisation,
    kind: str,
    entry: DirectoryEntry | int | None = None,
    number: str = "",
    itself: DirectoryEntry | None = None,
) -> tuple[str, DirectoryEntry | None, str]:
    """A destination as (kind, entry, E.164 number), checked against the organisation.

    Refuses an entry of another organisation (as if it did not exist), the object itself (a
    call would go round in circles), and an external number that is not a valid number.
    """
    try:
        kind = DestinationKind(kind).value
    except ValueError:
        raise ValidationError(_("Choose where calls go from the list.")) from None
    if kind == DestinationKind.ENTRY:
        entry_id = entry.pk if isinstance(entry, DirectoryEntry) else entry
        found = (
            DirectoryEntry.objects.filter(organisation=organisation, pk=entry_id).first()
            if entry_id
            else None
        )
        if found is None:
            raise ValidationError(_("Choose a user, hunt group or IVR menu from the list."))
        if itself is not None and found.pk == itself.pk:
            raise ValidationError(
                _("Calls cannot be forwarded to the same user, group or menu they came to.")
            )
        return kind, found, ""
    if kind == DestinationKind.EXTERNAL:
        if not (number or "").strip():
            raise ValidationError(_("Enter the external number, for example 06 1234 5678."))
        return kind, None, normalise_phone_number(number)
    return kind, None, ""


def destination_assign(
    obj: Any, prefix: str, value: Any, *, itself: DirectoryEntry | None = None
) -> list[str]:
    """Checks a chosen destination (anything with kind, entry and number) and writes it into obj's
    `<prefix>_kind/_entry/_number` columns; returns the problems instead (nothing written then)."""
    try:
        kind, entry, number = destination_clean(
            organisation=obj.organisation,
            kind=value.kind,
            entry=value.entry,
            number=value.number,
            itself=itself,
        )
    except ValidationError as exc:
        return list(exc.messages)
    setattr(obj, f"{prefix}_kind", kind)
    setattr(obj, f"{prefix}_entry", entry)
    setattr(obj, f"{prefix}_number", number)
    return []


def destination_label(kind: str, entry: DirectoryEntry | None, number: str) -> str:
    """How a page names a destination: "Verkoop (belgroep, 201)", "Bedrijfsvoicemail (999)", "06 12345678"."""
    if kind == DestinationKind.ENTRY and entry is not None:
        return entry.label
    if kind == DestinationKind.VOICEMAIL:
        return _("Company voicemail (999)")
    if kind == DestinationKind.EXTERNAL:
        return format_phone_number(number)
    return _("nowhere")


def entry_delete_check(*, entry: DirectoryEntry) -> None:
    """Refuses deleting what something points at, with the list of places; call before deleting."""
    used = usages([entry]).get(entry.pk)
    if used:
        raise ValidationError(
            _("%(name)s is in use and cannot be deleted. Used by: %(where)s.")
            % {"name": entry.label, "where": "; ".join(used)}
        )
