"""The shared pieces under users, hunt groups and IVR menus (issue 10, DESIGN.md "directory").

- entry_save: the extension and external number of a directory entry, checked once for all
  three kinds; the database's unique constraint decides between two saves at the same moment.
  EntryBatch: the same checks for many entries at once (the CSV import), two reads in all.
- free_numbers: the organisation's pool without the numbers already assigned.
- destination_clean: a destination chosen on a page, checked against the organisation.
- entry_delete: refused while anything points at the entry, saying where.
Each feature's service calls these inside its own transaction and change record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, PhoneNumber, format_phone_number, normalise_phone_number
from core.changes import create_children, record_updates
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
    return _taken_by(extension, owner)


def _taken_by(extension: str, owner: DirectoryEntry | None) -> str:
    if owner is None:
        return _("Extension %(extension)s was just taken by someone else. Choose another one.") % {
            "extension": extension
        }
    return _("Extension %(extension)s is already used by %(owner)s. Choose another one.") % {
        "extension": extension,
        "owner": owner.label,
    }


def _entry_check(
    *,
    organisation: Organisation,
    extension: str | None,
    phone_number: PhoneNumber | None,
    extension_required: bool,
    holds: Callable[[PhoneNumber], bool],
    owner_of: Callable[[str], DirectoryEntry | None],
) -> str | None:
    """The checks of an entry's extension and number, one save or many (entry_save, EntryBatch):
    the cleaned extension, or a ValidationError keyed "extension" or "phone_number". `holds` says
    whether another entry has the number, `owner_of` which other entry has the extension."""
    extension = extension_clean(extension)
    if extension is None and extension_required:
        raise ValidationError({"extension": _("Enter an extension of 2 to 4 digits, for example 201.")})
    if phone_number is not None:
        if phone_number.organisation_id != organisation.pk:
            raise ValidationError({"phone_number": _("Choose one of your organisation's numbers.")})
        if holds(phone_number):
            raise ValidationError(
                {
                    "phone_number": _("%(number)s is already in use. Choose a free number.")
                    % {"number": phone_number}
                }
            )
    if extension is not None:
        owner = owner_of(extension)
        if owner is not None:
            raise ValidationError({"extension": _taken_by(extension, owner)})
    return extension


class EntryValues(TypedDict):
    """What a feature asks of its directory entry (entry_save, EntryBatch.check): `entry` is the
    stored one to change (absent or None: a new entry)."""

    kind: str
    name: str
    extension: str | None
    phone_number: PhoneNumber | None
    entry: NotRequired[DirectoryEntry | None]
    extension_required: NotRequired[bool]


def entry_save(*, organisation: Organisation, **wanted: Unpack[EntryValues]) -> DirectoryEntry:
    """Creates or changes a directory entry; call inside the feature's transaction.

    Errors are keyed by "extension" and "phone_number" so forms show them on their field. A
    batch of one (EntryBatch): one save and many are checked and written the same way.
    """
    batch = EntryBatch(
        organisation=organisation, extensions=[wanted["extension"]], numbers=[wanted["phone_number"]]
    )
    checked = batch.check(**wanted)
    batch.take(checked)
    batch.save()
    return checked


def _lost_race(organisation: Organisation, extension: str | None, exclude: int | None) -> ValidationError:
    """What to say when the database's constraint refused a save that passed the checks."""
    if (
        extension is not None
        and _others(
            DirectoryEntry.objects.filter(organisation=organisation, extension=extension), exclude
        ).exists()
    ):
        return ValidationError({"extension": _taken_message(organisation, extension, exclude)})
    return ValidationError(
        {"phone_number": _("This number was just taken by someone else. Choose a free number.")}
    )


class EntryBatch:
    """entry_save for many entries at once (the CSV import of 2,000 users): the same checks and
    words, with two reads for the whole batch instead of a few queries per entry, and the writes
    (with their historical rows) at the end.

    check() refuses what entry_save refuses, in the batch's order: an extension or number is free
    when no stored entry has it, or the entry that had it moved away earlier in the batch, and no
    entry taken earlier (take()) asked for it. save() writes the taken entries in that same order.
    Call inside the feature's transaction.
    """

    def __init__(
        self,
        *,
        organisation: Organisation,
        extensions: Iterable[str | None],
        numbers: Iterable[PhoneNumber | None],
    ) -> None:
        self.organisation = organisation
        wanted = set()
        for extension in extensions:
            try:
                cleaned = extension_clean(extension)
            except ValidationError:
                continue  # check() says what is wrong with it
            if cleaned is not None:
                wanted.add(cleaned)
        self._owners: dict[str, DirectoryEntry] = {
            entry.extension: entry
            for entry in DirectoryEntry.objects.filter(organisation=organisation, extension__in=wanted)
            if entry.extension
        }
        pool = {number.pk for number in numbers if number is not None}
        # Who has each number: a stored entry's pk, or a new entry of the batch itself.
        self._holders: dict[int, int | DirectoryEntry] = dict(
            DirectoryEntry.objects.filter(phone_number__in=pool).values_list("phone_number_id", "pk")
        )
        # What the batch's stored entries had when loaded: (extension, number), by pk.
        self._stored: dict[int, tuple[str | None, int | None]] = {}
        self._taken: list[DirectoryEntry] = []
        self._taken_ids: set[int] = set()

    def check(self, **wanted: Unpack[EntryValues]) -> DirectoryEntry:
        """The entry with the new values (not saved; a new one when `entry` is None), or
        entry_save's ValidationError (then `entry` is left as it was)."""
        entry = wanted.get("entry")
        extension, phone_number = wanted["extension"], wanted["phone_number"]
        own: object = entry.pk if entry is not None else object()  # a new entry holds nothing yet
        if entry is not None and entry.pk not in self._stored:
            self._stored[entry.pk] = (entry.extension, entry.phone_number_id)
        extension = _entry_check(
            organisation=self.organisation,
            extension=extension,
            phone_number=phone_number,
            extension_required=wanted.get("extension_required", False),
            holds=lambda number: number.pk in self._holders and self._holders[number.pk] != own,
            owner_of=lambda wanted: self._other_owner(wanted, entry),
        )
        if entry is None:
            entry = DirectoryEntry(organisation=self.organisation, kind=wanted["kind"])
        entry.name = " ".join(wanted["name"].split())
        entry.extension = extension
        entry.phone_number = phone_number
        return entry

    def _other_owner(self, extension: str, entry: DirectoryEntry | None) -> DirectoryEntry | None:
        owner = self._owners.get(extension)
        if owner is None or owner is entry or (entry is not None and owner.pk == entry.pk):
            return None
        return owner

    def take(self, entry: DirectoryEntry) -> None:
        """Reserves the entry's extension and number for the rest of the batch (releasing what it
        had); save() writes it."""
        if entry.pk is not None:
            old_extension, old_number = self._stored.get(entry.pk, (None, None))
            if old_extension and old_extension != entry.extension:
                owner = self._owners.get(old_extension)
                if owner is not None and owner.pk == entry.pk:
                    del self._owners[old_extension]
            if (
                old_number is not None
                and old_number != entry.phone_number_id
                and self._holders.get(old_number) == entry.pk
            ):
                del self._holders[old_number]
        if entry.extension:
            self._owners[entry.extension] = entry
        if entry.phone_number_id is not None:
            self._holders[entry.phone_number_id] = entry.pk if entry.pk is not None else entry
        if id(entry) not in self._taken_ids:  # the same entry twice in a batch: written once
            self._taken_ids.add(id(entry))
            self._taken.append(entry)

    def save(self) -> None:
        """Writes every taken entry: the ones that move (another extension or number) one by one
        in the batch's order, so each frees its old ones before a later one takes them; the rest
        in bulk; the new ones in one insert. When someone else took an extension or number since
        the checks, nothing is written and the ValidationError says which."""
        changed = [entry for entry in self._taken if entry.pk is not None]
        moving = [
            entry
            for entry in changed
            if self._stored.get(entry.pk) != (entry.extension, entry.phone_number_id)
        ]
        moved = {entry.pk for entry in moving}
        renamed = [entry for entry in changed if entry.pk not in moved]
        try:
            with transaction.atomic():  # a savepoint, as in entry_save
                for entry in moving:
                    entry.skip_history_when_saving = True  # type: ignore[attr-defined]
                    try:
                        entry.save(update_fields=["name", "extension", "phone_number"])
                    finally:
                        del entry.skip_history_when_saving  # type: ignore[attr-defined]
                record_updates(moving)
                record_updates(renamed, fields=["name"])
                create_children([entry for entry in self._taken if entry.pk is None])
        except IntegrityError as exc:
            for entry in self._taken:  # only after a lost race: a query or two per entry is fine
                error = _lost_race(self.organisation, entry.extension, entry.pk)
                if "extension" in error.message_dict or (
                    entry.phone_number_id is not None
                    and _others(
                        DirectoryEntry.objects.filter(phone_number_id=entry.phone_number_id), entry.pk
                    ).exists()
                ):
                    raise error from exc
            raise _lost_race(self.organisation, None, None) from exc


def destination_clean(
    *,
    organisation: Organisation,
    kind: str,
    entry: DirectoryEntry | int | None = None,
    number: str = "",
    itself: DirectoryEntry | None = None,
    known: Mapping[int, DirectoryEntry] | None = None,
) -> tuple[str, DirectoryEntry | None, str]:
    """A destination as (kind, entry, E.164 number), checked against the organisation.

    Refuses an entry of another organisation (as if it did not exist), the object itself (a
    call would go round in circles), and an external number that is not a valid number.
    `known`: the organisation's entries by pk as read in this transaction (directory_entries),
    for many destinations without a query each.
    """
    try:
        kind = DestinationKind(kind).value
    except ValueError:
        raise ValidationError(_("Choose where calls go from the list.")) from None
    if kind == DestinationKind.ENTRY:
        entry_id = entry.pk if isinstance(entry, DirectoryEntry) else entry
        if not entry_id:
            found = None
        elif known is not None:
            found = known.get(entry_id)
        else:
            found = DirectoryEntry.objects.filter(organisation=organisation, pk=entry_id).first()
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


def directory_entries(*, organisation: Organisation, values: Iterable[Any]) -> dict[int, DirectoryEntry]:
    """The organisation's entries the destinations among `values` name, by pk: one query, for
    destination_clean(known=...) over many objects."""
    wanted = {
        value.entry.pk if isinstance(value.entry, DirectoryEntry) else value.entry
        for value in values
        if getattr(value, "kind", None) == DestinationKind.ENTRY and getattr(value, "entry", None)
    }
    if not wanted:
        return {}
    return {
        entry.pk: entry for entry in DirectoryEntry.objects.filter(organisation=organisation, pk__in=wanted)
    }


def destination_assign(
    obj: Any,
    prefix: str,
    value: Any,
    *,
    itself: DirectoryEntry | None = None,
    known: Mapping[int, DirectoryEntry] | None = None,
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
            known=known,
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
