"""Writes on the Telefooncentrale's users (R5), each one announced to the PBX sync.

Every rule lives here, so the pages, the coming CSV import and the API refuse the same things:
the extension and external number (pbx.services.directory.entry_save), voicemail needs an
e-mail address, "callers cannot leave a message" + "forward to" needs a destination, a
destination is never the user itself, "no answer" forwards after 5 to 60 seconds. Errors are
ValidationErrors keyed by the names of PbxUserForm's fields.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, PhoneNumber, User
from core.changes import create_children, record_updates, recorded
from core.revision import config_changed
from core.versioning import StaleEdit
from pbx.domain.destination import DestinationKind
from pbx.domain.names import surname_key
from pbx.models import AfterGreeting, DirectoryEntry, EntryKind, NightModeFollow, PbxUser
from pbx.services.directory import (
    EntryBatch,
    destination_assign,
    directory_entries,
    entry_delete_check,
)
from pbx.services.greetings import Upload, greeting_release, greeting_store, read_upload

# The PBX derives the SIP digest from "username:realm:password" (RFC 7616, SHA-256): it gets
# that digest only, never the password.
APP_REALM = "een"
APP_PASSWORD_MIN_LENGTH = 10
FORWARD_SECONDS = (5, 60)

# Service keys (the form's field names) of the destinations -> the model's column prefix.
DESTINATIONS = {
    "after_greeting_to": "after_greeting",
    "forward_always": "forward_always",
    "forward_busy": "forward_busy",
    "forward_no_answer": "forward_no_answer",
    "forward_unreachable": "forward_unreachable",
}
SETTINGS = (
    "voicemail_enabled",
    "voicemail_email",
    "voicemail_copy_email",
    "voicemail_direct",
    "voicemail_on_busy",
    "voicemail_on_no_answer",
    "no_messages",
    "after_greeting",
    "forward_no_answer_seconds",
    "night_mode",
)
ENTRY_VALUES = ("first_name", "last_name", "extension", "phone_number")


class Target(Protocol):
    """A destination as a page or import gives it (pbx.forms.destination.DestinationValue)."""

    @property
    def kind(self) -> str: ...
    @property
    def entry(self) -> DirectoryEntry | None: ...
    @property
    def number(self) -> str: ...


def pbx_users(*, organisation: Organisation) -> QuerySet[PbxUser]:
    """The organisation's users with everything the list and the edit page show: one query."""
    related = ["entry__phone_number", "greeting"]
    for prefix in DESTINATIONS.values():
        related += [f"{prefix}_entry", f"{prefix}_entry__phone_number"]
    return PbxUser.objects.filter(organisation=organisation).select_related(*related)


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _app_username_base(organisation: Organisation, first_name: str, last_name: str, extension: str) -> str:
    words = [w for w in (_ascii_word(first_name), _ascii_word(last_name)) if w]
    local = ".".join(words)[:60] or extension
    return f"{local}.{organisation.pk}"


def _app_usernames(bases: list[str]) -> list[str]:
    """The first free app username for each base (base@een, base2@een, ...), distinct within the
    list too; one query per round of candidates (one round, unless namesakes exist)."""
    chosen: list[str | None] = [None] * len(bases)
    attempt = dict.fromkeys(range(len(bases)), 1)
    used: set[str] = set()
    for _round in range(1000):
        if not attempt:
            break
        candidates = {
            index: f"{bases[index]}{tries if tries > 1 else ''}@{APP_REALM}"
            for index, tries in attempt.items()
        }
        taken = set(
            PbxUser.objects.with_scopes_disabled()
            .filter(app_username__in=set(candidates.values()) - used)
            .values_list("app_username", flat=True)
        )
        for index, candidate in candidates.items():
            if candidate in taken or candidate in used:
                attempt[index] += 1
                continue
            used.add(candidate)
            chosen[index] = candidate
            del attempt[index]
    if attempt:
        raise ValidationError(
            _("No free app username could be made for this user. Change the name slightly.")
        )
    return [name for name in chosen if name is not None]


def _save_new(users: list[PbxUser], bases: list[str]) -> None:
    """Inserts new users (with their historical rows) under the first free app usernames."""
    for _attempt in range(3):
        for user, username in zip(users, _app_usernames(bases), strict=True):
            user.app_username = username
        try:
            with transaction.atomic():  # someone may take the same name at the same moment
                create_children(users)
        except IntegrityError:
            for user in users:
                user.pk = None
            continue
        return
    raise ValidationError(_("No free app username could be made for this user. Change the name slightly."))


def _check_names(first_name: str, last_name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not first_name:
        errors["first_name"] = [_("Enter the user's first name.")]
    if not last_name:
        errors["last_name"] = [_("Enter the user's last name.")]
    return errors


def _apply(
    user: PbxUser,
    values: Mapping[str, Any],
    itself: DirectoryEntry | None,
    known: Mapping[int, DirectoryEntry] | None = None,
) -> dict[str, list[str]]:
    """Writes values onto user (not saved); returns the errors keyed by field."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key in DESTINATIONS:
            problems = destination_assign(user, DESTINATIONS[key], value, itself=itself, known=known)
            if problems:
                errors[key] = problems
        elif key in SETTINGS:
            setattr(user, key, value)
        elif key not in ENTRY_VALUES:
            raise TypeError(f"pbx user has no setting {key!r}")
    return errors


def _check_rules(user: PbxUser) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    user.voicemail_email = (user.voicemail_email or "").strip()
    user.voicemail_copy_email = (user.voicemail_copy_email or "").strip()
    if user.voicemail_enabled and not user.voicemail_email:
        errors["voicemail_email"] = [
            _("Enter the e-mail address where voicemail messages are sent, or switch voicemail off.")
        ]
    if (
        user.no_messages
        and user.after_greeting == AfterGreeting.FORWARD
        and user.after_greeting_kind == DestinationKind.NONE
    ):
        errors["after_greeting_to"] = [
            _("Choose where calls go after the greeting, or choose to end the call.")
        ]
    seconds = user.forward_no_answer_seconds
    low, high = FORWARD_SECONDS
    if not isinstance(seconds, int) or not low <= seconds <= high:
        errors["forward_no_answer_seconds"] = [_("Choose a number of seconds from 5 to 60, for example 20.")]
    if user.after_greeting not in AfterGreeting.values:
        errors["after_greeting"] = [_("Choose what happens after the greeting.")]
    if user.night_mode not in NightModeFollow.values:
        errors["night_mode"] = [_("Choose how night mode applies to this user.")]
    return errors


# Relations the services set only from objects they checked themselves (the organisation, the
# entry, the greeting they stored, the destinations destination_clean found in the organisation):
# full_clean would look each one up again, a query per relation per user.
CHECKED_RELATIONS = ("organisation", "entry", "greeting", *(f"{p}_entry" for p in DESTINATIONS.values()))


def _all_errors(user: PbxUser, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every error found so far together with the model's own checks."""
    try:
        # The destination check constraints are not validated here: destination_assign only ever
        # writes a consistent kind/entry/number triple, the database enforces them anyway, and
        # Django checks each with a query (more than half of a save's time in a CSV import).
        user.full_clean(exclude=[*CHECKED_RELATIONS, "app_username", *errors], validate_constraints=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    return errors


def _finish(user: PbxUser, errors: dict[str, list[str]]) -> None:
    """Raises every error found so far together with the model's own checks."""
    errors = _all_errors(user, errors)
    if errors:
        raise ValidationError(errors)


def _merge_entry_errors(errors: dict[str, list[str]], exc: ValidationError) -> None:
    """entry_save keys its errors, except the extension's own format check."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    else:
        errors.setdefault("extension", []).extend(exc.messages)


@dataclass(frozen=True)
class NewUser:
    """A user for pbx_users_save to create (see pbx_user_create)."""

    first_name: str
    last_name: str
    extension: str | None
    phone_number: PhoneNumber | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UserChange:
    """A change for pbx_users_save to make (see pbx_user_update)."""

    user: PbxUser
    values: Mapping[str, Any]
    expected_version: int | None = None


@recorded(gettext_noop("PBX user created"))
@transaction.atomic
def pbx_user_create(
    *,
    organisation: Organisation,
    by: User | None,
    first_name: str,
    last_name: str,
    extension: str | None,
    phone_number: PhoneNumber | None = None,
    values: Mapping[str, Any] | None = None,
) -> PbxUser:
    """A new user with an extension (required), optionally an external number of the pool and
    settings (see pbx_user_update); the app username is made here and never changes."""
    return _one(
        pbx_users_save(
            organisation=organisation,
            by=by,
            items=[NewUser(first_name, last_name, extension, phone_number, values or {})],
        )
    )


@recorded(gettext_noop("PBX user changed"))
@transaction.atomic
def pbx_user_update(
    *, user: PbxUser, by: User | None, values: Mapping[str, Any], expected_version: int | None = None
) -> PbxUser:
    """Changes what values names: first_name, last_name, extension, phone_number, the settings
    (voicemail_*, no_messages, after_greeting, forward_no_answer_seconds, night_mode) and the
    destinations (after_greeting_to, forward_always, forward_busy, forward_no_answer,
    forward_unreachable: objects with kind, entry and number). A save from a page loaded at
    an older version is refused (core.versioning.StaleEdit)."""
    return _one(
        pbx_users_save(
            organisation=user.organisation,
            by=by,
            items=[UserChange(user, values, expected_version)],
        )
    )


def _one(results: list[PbxUser | ValidationError]) -> PbxUser:
    [result] = results
    if isinstance(result, ValidationError):
        raise result
    return result


@recorded(gettext_noop("PBX users saved"))
@transaction.atomic
def pbx_users_save(
    *, organisation: Organisation, by: User | None, items: Sequence[NewUser | UserChange]
) -> list[PbxUser | ValidationError]:
    """Creates and changes many users at once (the CSV import; one is a batch of one), each
    checked by the same rules and words: per item the saved user, or the ValidationError that
    refused it (nothing of that item is saved; the others are). Items are checked in order, so an
    extension a user gives up is free for a later item, and an extension is taken by the first
    item that asks for it. A few queries for the whole batch, not a dozen per user."""
    changes = [item for item in items if isinstance(item, UserChange)]
    stored = {
        user.pk: user
        for user in PbxUser.objects.select_for_update(of=("self",))
        .select_related("entry__phone_number", "organisation")
        .filter(organisation=organisation, pk__in={item.user.pk for item in changes})
        .order_by("pk")  # locks in one order, whatever the list's
    }
    known = directory_entries(
        organisation=organisation,
        values=[v for item in items for k, v in item.values.items() if k in DESTINATIONS],
    )
    entries = EntryBatch(
        organisation=organisation,
        extensions=[
            item.extension if isinstance(item, NewUser) else item.values.get("extension") for item in items
        ],
        numbers=[
            item.phone_number if isinstance(item, NewUser) else item.values.get("phone_number")
            for item in items
        ],
    )
    results: list[PbxUser | ValidationError] = []
    made: list[PbxUser] = []
    changed: dict[int, PbxUser] = {}
    for item in items:
        try:
            if isinstance(item, NewUser):
                user = _checked_new(organisation, item, entries, known)
                made.append(user)
            else:
                user = _checked_change(stored.get(item.user.pk), item, entries, known)
                changed[user.pk] = user
        except ValidationError as exc:
            results.append(exc)
        else:
            results.append(user)
    if not made and not changed:
        return results
    for user in [*made, *changed.values()]:
        user.sort_name = surname_key(user.last_name)  # what save() sets; the batch writes in bulk
    entries.save()
    if changed:
        users = list(changed.values())
        record_updates(users, fields=_changed_fields(users))
    if made:
        for user in made:
            user.entry = user.entry  # its key, which the entry got on insert
        _save_new(
            made,
            [
                _app_username_base(organisation, user.first_name, user.last_name, user.entry.extension or "")
                for user in made
            ],
        )
    config_changed(organisation=organisation)
    return results


def _checked_new(
    organisation: Organisation, item: NewUser, entries: EntryBatch, known: Mapping[int, DirectoryEntry]
) -> PbxUser:
    first_name, last_name = " ".join(item.first_name.split()), " ".join(item.last_name.split())
    user = PbxUser(organisation=organisation, first_name=first_name, last_name=last_name)
    errors = _check_names(first_name, last_name)
    errors.update(_apply(user, item.values, itself=None, known=known))
    errors.update(_check_rules(user))
    entry = None
    try:
        entry = entries.check(
            kind=EntryKind.USER,
            name=user.full_name or str(item.extension),
            extension=item.extension,
            phone_number=item.phone_number,
            extension_required=True,
        )
    except ValidationError as exc:
        _merge_entry_errors(errors, exc)
    _finish(user, errors)
    assert entry is not None
    entries.take(entry)
    user.entry = entry
    return user


def _checked_change(
    user: PbxUser | None, item: UserChange, entries: EntryBatch, known: Mapping[int, DirectoryEntry]
) -> PbxUser:
    if user is None:
        raise ValidationError(_("This was deleted in the meantime by someone else."))
    # Under the row lock taken on reading: the version bump is this save's own.
    if item.expected_version is not None and user.version != item.expected_version:
        raise StaleEdit(user)
    if not hasattr(user, "_loaded"):  # the same user twice in a batch: compare with the stored row
        user._loaded = _snapshot(user)  # type: ignore[attr-defined]
    values = item.values
    if "first_name" in values:
        user.first_name = " ".join(str(values["first_name"]).split())
    if "last_name" in values:
        user.last_name = " ".join(str(values["last_name"]).split())
    errors = _check_names(user.first_name, user.last_name)
    errors.update(_apply(user, values, itself=user.entry, known=known))
    errors.update(_check_rules(user))
    entry = user.entry
    wanted = (
        user.full_name or str(entry.extension),
        values.get("extension", entry.extension),
        values.get("phone_number", entry.phone_number),
    )
    moves = (" ".join(wanted[0].split()), wanted[1], wanted[2]) != (
        entry.name,
        entry.extension,
        entry.phone_number,
    )
    if moves:
        try:
            entries.check(
                kind=EntryKind.USER,
                name=wanted[0],
                extension=wanted[1],
                phone_number=wanted[2],
                entry=entry,
                extension_required=True,
            )
        except ValidationError as exc:
            _merge_entry_errors(errors, exc)
    _finish(user, errors)
    if moves:
        entries.take(entry)
    user.version += 1
    return user


def _snapshot(user: PbxUser) -> dict[str, Any]:
    return {field.attname: getattr(user, field.attname) for field in PbxUser._meta.concrete_fields}


def _changed_fields(users: Sequence[PbxUser]) -> list[str]:
    """The columns any of the users changed since it was read (one UPDATE per column set)."""
    fields = {"version"}
    for user in users:
        loaded = user._loaded  # type: ignore[attr-defined]
        fields.update(name for name, value in _snapshot(user).items() if loaded[name] != value)
    return [PbxUser._meta.get_field(name).name for name in sorted(fields) if name != "id"]


@recorded(gettext_noop("PBX user deleted"))
@transaction.atomic
def pbx_user_delete(*, user: PbxUser, by: User | None) -> None:
    """Refused while a user, hunt group, IVR menu or night mode points at the user, saying where;
    otherwise the extension and the external number are free again at once."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=user.entry_id, organisation=user.organisation)
    entry_delete_check(entry=entry)
    greeting = user.greeting
    user.delete()
    entry.delete()
    greeting_release(greeting)
    config_changed(organisation=user.organisation)


def _app_password_validators() -> list[Any]:
    return [
        password_validation.UserAttributeSimilarityValidator(
            user_attributes=("first_name", "last_name", "app_username")
        ),
        password_validation.CommonPasswordValidator(),
        password_validation.NumericPasswordValidator(),
    ]


def _password_problems(password: str, user: PbxUser) -> list[str]:
    """Django's password validators, each problem said with what to do."""
    if len(password) < APP_PASSWORD_MIN_LENGTH:
        return [_("This password is too short. Choose a password of at least 10 characters.")]
    said = {
        "password_too_similar": _(
            "This password looks too much like the name or username. Choose another one."
        ),
        "password_too_common": _("This password is too common and easy to guess. Choose another one."),
        "password_entirely_numeric": _(
            "This password consists of digits only. Add letters or other characters."
        ),
    }
    try:
        # The validators read only the attributes named above, which a PbxUser has.
        password_validation.validate_password(
            password,
            user=user,  # type: ignore[arg-type]
            password_validators=_app_password_validators(),
        )
    except ValidationError as exc:
        return [str(said.get(error.code or "", " ".join(error.messages))) for error in exc.error_list]
    return []


def app_secret(username: str, password: str) -> str:
    return hashlib.sha256(f"{username}:{APP_REALM}:{password}".encode()).hexdigest()


@recorded(gettext_noop("App and Outlook password changed"))
@transaction.atomic
def pbx_user_set_app_password(
    *, user: PbxUser, by: User | None, password: str, password_again: str
) -> PbxUser:
    """Sets the password of the app and Outlook login: typed twice, at least 10 characters, not
    a common one. Only a derived secret is stored (and sent to the PBX); the password is not."""
    user = PbxUser.objects.select_for_update(of=("self",)).get(pk=user.pk, organisation=user.organisation)
    errors: dict[str, list[str]] = {}
    problems = _password_problems(password, user)
    if problems:
        errors["password"] = problems
    if password != password_again:
        errors["password_again"] = [_("The two passwords are not the same. Type the same password twice.")]
    if errors:
        raise ValidationError(errors)
    user.app_secret = app_secret(user.app_username, password)
    user.app_password_set_at = timezone.now()
    user.save(update_fields=["app_secret", "app_password_set_at"])
    config_changed(organisation=user.organisation)
    return user


@recorded(gettext_noop("Greeting uploaded"))
@transaction.atomic
def pbx_user_set_greeting(*, user: PbxUser, by: User | None, upload: Upload) -> PbxUser:
    """Checks the WAV file by its content and makes it the user's greeting. A file that is
    refused changes nothing: the previous greeting stays."""
    data = read_upload(upload)
    user = PbxUser.objects.select_for_update(of=("self",)).get(pk=user.pk, organisation=user.organisation)
    greeting = greeting_store(organisation=user.organisation, name=upload.name or "", data=data)
    previous = user.greeting
    if previous is not None and previous.pk == greeting.pk:
        return user
    user.greeting = greeting
    user.save(update_fields=["greeting"])
    greeting_release(previous)
    config_changed(organisation=user.organisation)
    return user


@recorded(gettext_noop("Greeting removed"))
@transaction.atomic
def pbx_user_remove_greeting(*, user: PbxUser, by: User | None) -> PbxUser:
    user = PbxUser.objects.select_for_update(of=("self",)).get(pk=user.pk, organisation=user.organisation)
    previous = user.greeting
    if previous is None:
        return user
    user.greeting = None
    user.save(update_fields=["greeting"])
    greeting_release(previous)
    config_changed(organisation=user.organisation)
    return user
