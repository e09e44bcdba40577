"""Writes on the Telefooncentrale's IVR menus (R7), each one announced to the PBX sync.

Every rule lives here, so the pages, an import and the API refuse the same things: a number
or an extension (pbx.services.directory.entry_save), the organisation's own schedules, each
key at most once per part and with a destination, reception after 3 to 60 seconds, the
greeting checked like a user's (pbx.services.greetings). A key may lead back to the menu
itself (to hear the choices again): allowed, and menu_warnings says when that leaves callers
no way out. Errors are ValidationErrors keyed by the names of IvrMenuForm's fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, PhoneNumber, User
from core.changes import recorded, replace_children
from core.references import usages
from core.revision import config_changed
from core.versioning import claim_version
from pbx.domain import ivr as domain
from pbx.domain.destination import DestinationKind, entry_key
from pbx.models import (
    AfterHours,
    DirectoryEntry,
    EntryKind,
    Greeting,
    IvrKey,
    IvrMenu,
    IvrPart,
    KeyMode,
    NightModeFollow,
)
from pbx.models.ivr import RECEPTION_SECONDS
from pbx.services.directory import destination_assign, destination_clean, entry_delete_check, entry_save
from pbx.services.greetings import Upload, greeting_release, greeting_store, read_upload
from pbx.services.users import Target
from schedules.models import HolidaySchedule, TimeSchedule

# Service keys (the form's field names) of the menu's destinations -> the model's column prefix.
DESTINATIONS = {
    "business_reception": "business_reception",
    "after_reception": "after_reception",
    "after_destination": "after_destination",
    "night_destination": "night_destination",
}
SETTINGS = ("after_hours", "reception_seconds", "night_mode")
NAMES = ("name", "first_name", "last_name", "extension", "phone_number")
SCHEDULES = ("time_schedule", "holiday_schedule")
GREETING_FIELDS = {IvrPart.BUSINESS: "business_greeting", IvrPart.AFTER: "after_greeting"}
# "*" and "#" in field names and URLs.
KEY_SLUGS = {key: {"*": "star", "#": "hash"}.get(key, key) for key in domain.KEYPAD}


def key_field(part: str, key: str) -> str:
    """The form field (and error key) of a key: "business_1", "after_star"."""
    return f"{part}_{KEY_SLUGS[key]}"


@dataclass(frozen=True)
class KeyChoice:
    """One programmed key as a page or an import gives it."""

    part: str
    key: str
    mode: str
    destination: Target


def ivr_menus(*, organisation: Organisation) -> QuerySet[IvrMenu]:
    """The organisation's menus with everything the list and the edit page show: one query
    (plus one for the keys and their destinations where the caller prefetches them)."""
    related = [
        "entry__phone_number",
        "time_schedule",
        "holiday_schedule",
        "business_greeting",
        "after_greeting",
    ]
    for prefix in DESTINATIONS.values():
        related += [f"{prefix}_entry", f"{prefix}_entry__phone_number"]
    return IvrMenu.objects.filter(organisation=organisation).select_related(*related)


def with_keys(menus: QuerySet[IvrMenu]) -> QuerySet[IvrMenu]:
    keys = IvrKey.objects.select_related("destination_entry__phone_number").order_by("part", "key")
    return menus.prefetch_related(Prefetch("keys", queryset=keys))


def _clean_name(value: Any) -> str:
    return " ".join(str(value or "").split())


def _merge(errors: dict[str, list[str]], exc: ValidationError, default: str) -> None:
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    else:
        errors.setdefault(default, []).extend(exc.messages)


def _check_schedules(
    organisation: Organisation,
    time_schedule: TimeSchedule | None,
    holiday_schedule: HolidaySchedule | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if time_schedule is None:
        errors["time_schedule"] = [
            _("Choose the time schedule of the business hours, for example “Elke dag, de hele dag”.")
        ]
    elif time_schedule.organisation_id != organisation.pk:
        errors["time_schedule"] = [_("Choose one of your own schedules.")]
    if holiday_schedule is not None and holiday_schedule.organisation_id != organisation.pk:
        errors["holiday_schedule"] = [_("Choose one of your own schedules.")]
    return errors


def _save_entry(
    errors: dict[str, list[str]],
    organisation: Organisation,
    name: str,
    extension: str | None,
    phone_number: PhoneNumber | None,
    entry: DirectoryEntry | None,
) -> DirectoryEntry | None:
    """The menu's directory entry: a name, and a number or an extension (or both)."""
    if not name:
        errors.setdefault("name", []).append(_("Enter a name for the menu, for example Hoofdmenu."))
    if not (extension or "").strip() and phone_number is None:
        errors.setdefault("extension", []).append(
            _("Give the menu an extension or an external number (or both): otherwise it cannot be called.")
        )
    if errors:
        return None
    try:
        return entry_save(
            organisation=organisation,
            kind=EntryKind.IVR_MENU,
            name=name,
            extension=extension,
            phone_number=phone_number,
            entry=entry,
        )
    except ValidationError as exc:
        _merge(errors, exc, "extension")
        return None


@recorded(gettext_noop("IVR menu created"))
@transaction.atomic
def ivr_menu_create(
    *,
    organisation: Organisation,
    by: User | None,
    name: str,
    extension: str | None,
    phone_number: PhoneNumber | None = None,
    time_schedule: TimeSchedule | None,
    holiday_schedule: HolidaySchedule | None = None,
    first_name: str = "",
    last_name: str = "",
) -> IvrMenu:
    """A new menu with its name, number and schedules; greetings and keys come after."""
    name = _clean_name(name)
    errors = _check_schedules(organisation, time_schedule, holiday_schedule)
    entry = _save_entry(errors, organisation, name, extension, phone_number, None)
    menu = IvrMenu(
        organisation=organisation,
        first_name=_clean_name(first_name),
        last_name=_clean_name(last_name),
        time_schedule=time_schedule,
        holiday_schedule=holiday_schedule,
    )
    if errors:
        raise ValidationError(errors)
    assert entry is not None
    menu.entry = entry
    menu.full_clean(exclude=["entry"])
    menu.save()
    config_changed(organisation=organisation)
    return menu


def _apply(menu: IvrMenu, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Writes values onto menu (not saved); returns the errors keyed by field."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key in DESTINATIONS:
            # A reception or night destination may be the menu itself (start again): allowed.
            problems = destination_assign(menu, DESTINATIONS[key], value)
            if problems:
                errors[key] = problems
        elif key in SETTINGS:
            setattr(menu, key, value)
        elif key in ("first_name", "last_name"):
            setattr(menu, key, _clean_name(value))
        elif key in SCHEDULES:
            setattr(menu, key, value)
        elif key not in NAMES:
            raise TypeError(f"IVR menu has no setting {key!r}")
    return errors


def _check_rules(menu: IvrMenu) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seconds = menu.reception_seconds
    low, high = RECEPTION_SECONDS
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not low <= seconds <= high:
        errors["reception_seconds"] = [_("Choose a number of seconds from 3 to 60, for example 10.")]
    if menu.after_hours not in AfterHours.values:
        errors["after_hours"] = [_("Choose what callers get after hours.")]
    elif menu.after_hours == AfterHours.DESTINATION and menu.after_destination_kind == DestinationKind.NONE:
        errors["after_destination"] = [_("Choose where calls go after hours, or choose an after-hours menu.")]
    if menu.night_mode not in NightModeFollow.values:
        errors["night_mode"] = [_("Choose how night mode applies to this menu.")]
    return errors


def _clean_keys(menu: IvrMenu, keys: Iterable[KeyChoice]) -> tuple[list[IvrKey], dict[str, list[str]]]:
    """The keys as rows (not saved), and the errors keyed by each key's field."""
    errors: dict[str, list[str]] = {}
    keys = list(keys)
    twice = Counter((choice.part, choice.key) for choice in keys)
    rows: list[IvrKey] = []
    for choice in keys:
        if choice.part not in IvrPart.values or choice.key not in domain.KEYS:
            raise ValidationError(_("Choose a key from the keypad: 0 to 9, * or #."))
        field = key_field(choice.part, choice.key)
        if twice[(choice.part, choice.key)] > 1:
            errors[field] = [
                _("Key %(key)s was given more than once. Give each key one action and save again.")
                % {"key": choice.key}
            ]
            continue
        if choice.mode not in KeyMode.values:
            errors[field] = [_("Choose what key %(key)s does.") % {"key": choice.key}]
            continue
        if choice.destination.kind == DestinationKind.NONE:
            errors[field] = [
                _("Choose where key %(key)s forwards to, or switch the key off.") % {"key": choice.key}
            ]
            continue
        try:
            kind, entry, number = destination_clean(
                organisation=menu.organisation,
                kind=choice.destination.kind,
                entry=choice.destination.entry,
                number=choice.destination.number,
            )
        except ValidationError as exc:
            errors[field] = exc.messages
            continue
        rows.append(
            IvrKey(
                menu=menu,
                part=choice.part,
                key=choice.key,
                mode=choice.mode,
                destination_kind=kind,
                destination_entry=entry,
                destination_number=number,
            )
        )
    return rows, errors


def _key_identity(row: IvrKey) -> tuple[Any, ...]:
    return (
        row.part,
        row.key,
        row.mode,
        row.destination_kind,
        row.destination_entry_id,
        row.destination_number,
    )


@recorded(gettext_noop("IVR menu changed"))
@transaction.atomic
def ivr_menu_update(
    *,
    menu: IvrMenu,
    by: User | None,
    values: Mapping[str, Any],
    keys: Sequence[KeyChoice] | None = None,
    expected_version: int | None = None,
) -> IvrMenu:
    """Changes what values names (name, first_name, last_name, extension, phone_number,
    time_schedule, holiday_schedule, after_hours, reception_seconds, night_mode and the
    destinations business_reception, after_reception, after_destination, night_destination)
    and, when keys is given, makes the programmed keys exactly those (a key not given is off).
    A save from a page loaded at an older version is refused (core.versioning.StaleEdit)."""
    organisation = menu.organisation
    menu = (
        IvrMenu.objects.select_for_update(of=("self",))
        .select_related("entry__phone_number", "organisation", "time_schedule", "holiday_schedule")
        .get(pk=menu.pk, organisation=organisation)
    )
    claim_version(menu, expected_version=expected_version)
    errors = _apply(menu, values)
    if any(key in values for key in SCHEDULES):
        errors.update(_check_schedules(organisation, menu.time_schedule, menu.holiday_schedule))
    errors.update(_check_rules(menu))
    rows: list[IvrKey] = []
    if keys is not None:
        rows, key_errors = _clean_keys(menu, keys)
        errors.update(key_errors)
    entry = menu.entry
    name = _clean_name(values.get("name", entry.name))
    _save_entry(
        errors,
        organisation,
        name,
        values.get("extension", entry.extension),
        values.get("phone_number", entry.phone_number),
        entry,
    )
    try:
        menu.full_clean(exclude=["entry", "time_schedule", "holiday_schedule", *errors])
    except ValidationError as exc:
        _merge(errors, exc, "__all__")
    if errors:
        raise ValidationError(errors)
    menu.save()
    if keys is not None:
        replace_children(existing=IvrKey.objects.filter(menu=menu), wanted=rows, key=_key_identity)
    config_changed(organisation=organisation)
    return menu


def _own_usages(menu: IvrMenu) -> list[str]:
    """The places of the menu itself that point at its own entry (a key that starts it again)."""
    own = [
        key.usage_label()
        for key in IvrKey.objects.filter(menu=menu, destination_entry=menu.entry_id).select_related(
            "menu__entry__phone_number"
        )
    ]
    label = menu.usage_label()
    own += [label for prefix in DESTINATIONS.values() if getattr(menu, f"{prefix}_entry_id") == menu.entry_id]
    return own


def ivr_menu_usages(menu: IvrMenu) -> list[str]:
    """Where else the menu is used (a key or reception of another menu, a forward, an overflow)."""
    used = list(usages([menu.entry]).get(menu.entry_id, []))
    for label in _own_usages(menu):
        if label in used:
            used.remove(label)
    return used


@recorded(gettext_noop("IVR menu deleted"))
@transaction.atomic
def ivr_menu_delete(*, menu: IvrMenu, by: User | None) -> None:
    """Refused while another menu, a user, a hunt group or the night mode sends calls to the
    menu, saying where; its own keys that lead back to it do not count."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=menu.entry_id, organisation=menu.organisation)
    menu = IvrMenu.objects.select_for_update(of=("self",)).get(pk=menu.pk, organisation=menu.organisation)
    # Its own references go with it; when the check refuses, the transaction undoes this.
    IvrKey.objects.filter(menu=menu).delete()
    for prefix in DESTINATIONS.values():
        if getattr(menu, f"{prefix}_entry_id") == entry.pk:
            setattr(menu, f"{prefix}_kind", DestinationKind.NONE.value)
            setattr(menu, f"{prefix}_entry", None)
    menu.save()
    entry_delete_check(entry=entry)
    greetings = [menu.business_greeting, menu.after_greeting]
    menu.delete()
    entry.delete()
    for greeting in greetings:
        greeting_release(greeting)
    config_changed(organisation=menu.organisation)


def _greeting_field(part: str) -> str:
    try:
        return GREETING_FIELDS[IvrPart(part)]
    except ValueError:
        raise ValidationError(_("Choose the business-hours or the after-hours menu.")) from None


@recorded(gettext_noop("IVR greeting uploaded"))
@transaction.atomic
def ivr_menu_set_greeting(*, menu: IvrMenu, by: User | None, part: str, upload: Upload) -> IvrMenu:
    """Checks the WAV file by its content (as for users) and makes it the greeting of one part.
    A file that is refused changes nothing: the previous greeting stays."""
    field = _greeting_field(part)
    data = read_upload(upload)
    menu = IvrMenu.objects.select_for_update(of=("self",)).get(pk=menu.pk, organisation=menu.organisation)
    greeting = greeting_store(organisation=menu.organisation, name=upload.name or "", data=data)
    previous: Greeting | None = getattr(menu, field)
    if previous is not None and previous.pk == greeting.pk:
        return menu
    setattr(menu, field, greeting)
    menu.save(update_fields=[field])
    greeting_release(previous)
    config_changed(organisation=menu.organisation)
    return menu


@recorded(gettext_noop("IVR greeting removed"))
@transaction.atomic
def ivr_menu_remove_greeting(*, menu: IvrMenu, by: User | None, part: str) -> IvrMenu:
    field = _greeting_field(part)
    menu = IvrMenu.objects.select_for_update(of=("self",)).get(pk=menu.pk, organisation=menu.organisation)
    previous: Greeting | None = getattr(menu, field)
    if previous is None:
        return menu
    setattr(menu, field, None)
    menu.save(update_fields=[field])
    greeting_release(previous)
    config_changed(organisation=menu.organisation)
    return menu


def _keys_of(menu: IvrMenu, part: str) -> list[IvrKey]:
    return [key for key in menu.keys.all() if key.part == part]


def after_hours_never(menu: IvrMenu) -> bool:
    """The business-hours menu always applies: the after-hours part never plays."""
    holidays = menu.holiday_schedule.engine_periods() if menu.holiday_schedule else ()
    return domain.always_business(menu.time_schedule.engine_ranges(), holidays)


def parts_in_use(menu: IvrMenu) -> list[str]:
    """The parts of the menu a caller can hear: business hours, and after hours unless it
    never plays or goes straight to a destination."""
    parts = [IvrPart.BUSINESS.value]
    if menu.after_hours == AfterHours.MENU and not after_hours_never(menu):
        parts.append(IvrPart.AFTER.value)
    return parts


def menu_warnings(menu: IvrMenu) -> list[str]:
    """What callers would miss, said per part: no greeting, no reception, no way out.
    Reads the prefetched keys (with_keys) and the selected schedules: no query of its own
    beyond the schedules' ranges and entries."""
    warnings: list[str] = []
    own = menu.entry.key
    for part in parts_in_use(menu):
        label = str(IvrPart(part).label).lower()
        if getattr(menu, GREETING_FIELDS[IvrPart(part)]) is None:
            warnings.append(
                _(
                    "The %(part)s menu has no greeting: callers hear nothing that tells them which keys to press. Upload a greeting."
                )
                % {"part": label}
            )
        reception_kind = getattr(menu, f"{part}_reception_kind")
        if reception_kind == DestinationKind.NONE:
            warnings.append(
                _(
                    "The %(part)s menu has no reception set: callers who choose nothing are disconnected. Choose a reception destination."
                )
                % {"part": label}
            )
        targets = [
            entry_key(key.destination_entry.kind, key.destination_entry.pk)
            if key.destination_entry is not None
            else key.destination_kind
            for key in _keys_of(menu, part)
        ]
        reception_entry = getattr(menu, f"{part}_reception_entry")
        if reception_kind == DestinationKind.ENTRY and reception_entry is not None:
            targets.append(reception_entry.key)
        elif reception_kind != DestinationKind.NONE:
            targets.append(reception_kind)
        if domain.loops_back(own, targets):
            warnings.append(
                _(
                    "Every key of the %(part)s menu leads back to this menu: callers go round in circles and never reach anyone. Let at least one key or the reception go elsewhere."
                )
                % {"part": label}
            )
    return warnings


def menu_now(
    menu: IvrMenu, *, night_active: bool, night_until: datetime | None, at: datetime | None = None
) -> domain.Now:
    """What callers get now (pbx.domain.ivr.playing_at) for this menu and the company night mode."""
    holidays = menu.holiday_schedule.engine_periods() if menu.holiday_schedule else ()
    applies = menu.night_mode == NightModeFollow.ON or (
        menu.night_mode == NightModeFollow.FOLLOW and night_active
    )
    return domain.playing_at(
        menu.time_schedule.engine_ranges(),
        holidays,
        menu.organisation.time_zone,
        at or timezone.now(),
        after_is_menu=menu.after_hours == AfterHours.MENU,
        night_active=applies,
        night_until=night_until if menu.night_mode == NightModeFollow.FOLLOW else None,
    )
