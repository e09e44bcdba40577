"""Writes on the Telefooncentrale's hunt groups (R6), each one announced to the PBX sync.

Every rule lives here, so the pages, the coming CSV import and the API refuse the same things:
a number or an extension (pbx.services.directory.entry_save checks both), the call distribution,
1 to 20 rings, a waiting time of 10 to 600 seconds, an overflow that is not the group itself,
members that are users of the organisation, each once. Errors are ValidationErrors keyed by the
names of HuntGroupForm's fields.

Members are child rows: every change of the list goes through core.changes.replace_children,
so history records which row came and went (a move is the moved rows at their new position).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, PhoneNumber, User
from core.changes import recorded, replace_children
from core.revision import config_changed
from core.versioning import claim_version
from pbx.domain import huntgroup as domain
from pbx.models import DirectoryEntry, Distribution, EntryKind, HuntGroup, HuntGroupMember, NightModeFollow
from pbx.services.directory import destination_assign, entry_delete_check, entry_save

MAX_MEMBERS = 500
SETTINGS = ("first_name", "last_name", "distribution", "rings", "move_on", "overflow_seconds", "night_mode")
ENTRY_VALUES = ("name", "extension", "phone_number")
DESTINATIONS = {"overflow_to": "overflow"}
RINGS_MESSAGE = gettext_noop("Choose a number of rings from 1 to 20, for example 4.")
SECONDS_MESSAGE = gettext_noop("Choose a waiting time from 10 to 600 seconds, for example 60.")


def hunt_groups(*, organisation: Organisation) -> QuerySet[HuntGroup]:
    """The organisation's groups with their entry, overflow target and member count: one query."""
    return (
        HuntGroup.objects.filter(organisation=organisation)
        .select_related("entry__phone_number", "overflow_entry__phone_number")
        .annotate(member_count=Count("members"))
    )


def members_of(group: HuntGroup) -> list[HuntGroupMember]:
    """The group's members in list order with the user's entry: one query."""
    return list(
        HuntGroupMember.objects.filter(group=group)
        .select_related("member__phone_number")
        .order_by("position", "pk")
    )


def member_candidates(*, organisation: Organisation) -> QuerySet[DirectoryEntry]:
    """Every user that can be called: one with an extension or an external number (R6.5)."""
    return (
        DirectoryEntry.objects.filter(organisation=organisation, kind=EntryKind.USER)
        .exclude(extension__isnull=True, phone_number__isnull=True)
        .select_related("phone_number")
        .order_by("name", "pk")
    )


def _check(group: HuntGroup) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    group.first_name = " ".join(str(group.first_name or "").split())
    group.last_name = " ".join(str(group.last_name or "").split())
    if group.distribution not in Distribution.values:
        errors["distribution"] = [_("Choose how calls are distributed over the members.")]
    low, high = domain.RINGS_RANGE
    if not isinstance(group.rings, int) or isinstance(group.rings, bool) or not low <= group.rings <= high:
        errors["rings"] = [_(RINGS_MESSAGE)]
    low, high = domain.OVERFLOW_SECONDS_RANGE
    seconds = group.overflow_seconds
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not low <= seconds <= high:
        errors["overflow_seconds"] = [_(SECONDS_MESSAGE)]
    if group.night_mode not in NightModeFollow.values:
        errors["night_mode"] = [_("Choose how night mode applies to this group.")]
    return errors


def _apply(
    group: HuntGroup, values: Mapping[str, Any], itself: DirectoryEntry | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key in DESTINATIONS:
            problems = destination_assign(group, DESTINATIONS[key], value, itself=itself)
            if problems:
                errors[key] = problems
        elif key in SETTINGS:
            setattr(group, key, value)
        elif key not in ENTRY_VALUES:
            raise TypeError(f"hunt group has no setting {key!r}")
    return errors


def _save_entry(
    group: HuntGroup,
    errors: dict[str, list[str]],
    *,
    name: str,
    extension: str | None,
    phone_number: PhoneNumber | None,
    entry: DirectoryEntry | None,
) -> DirectoryEntry | None:
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = [_("Enter a name for the group, for example Verkoop.")]
    elif len(name) > 200:
        errors["name"] = [_("Choose a name of at most 200 characters.")]
    if not (extension or "").strip() and phone_number is None:
        errors["extension"] = [
            _("Give the group an extension or an external number (or both): without one it cannot be called.")
        ]
    if errors.keys() & {"name", "extension"}:
        return None
    try:
        return entry_save(
            organisation=group.organisation,
            kind=EntryKind.HUNT_GROUP,
            name=name,
            extension=extension,
            phone_number=phone_number,
            entry=entry,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
        else:
            errors.setdefault("extension", []).extend(exc.messages)
    return None


def _finish(group: HuntGroup, errors: dict[str, list[str]]) -> None:
    if not errors:
        try:
            group.full_clean(exclude=["entry", "organisation"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@recorded(gettext_noop("Hunt group created"))
@transaction.atomic
def hunt_group_create(
    *,
    organisation: Organisation,
    by: User | None,
    name: str,
    extension: str | None,
    phone_number: PhoneNumber | None = None,
    values: Mapping[str, Any] | None = None,
) -> HuntGroup:
    """A new group with a name and an extension and/or external number; settings as in hunt_group_update."""
    group = HuntGroup(organisation=organisation)
    errors = _apply(group, values or {}, itself=None)
    errors.update(_check(group))
    entry = _save_entry(group, errors, name=name, extension=extension, phone_number=phone_number, entry=None)
    _finish(group, errors)
    assert entry is not None
    group.entry = entry
    group.save()
    config_changed(organisation=organisation)
    return group


def _locked(group: HuntGroup) -> HuntGroup:
    return (
        HuntGroup.objects.select_for_update(of=("self",))
        .select_related("entry__phone_number", "organisation")
        .get(pk=group.pk, organisation=group.organisation)
    )


@recorded(gettext_noop("Hunt group changed"))
@transaction.atomic
def hunt_group_update(
    *, group: HuntGroup, by: User | None, values: Mapping[str, Any], expected_version: int | None = None
) -> HuntGroup:
    """Changes what values names: name, extension, phone_number, first_name, last_name,
    distribution, rings, move_on, overflow_seconds, night_mode and overflow_to (an object with
    kind, entry and number). A save from a page loaded at an older version is refused."""
    group = _locked(group)
    claim_version(group, expected_version=expected_version)
    entry = group.entry
    errors = _apply(group, values, itself=entry)
    errors.update(_check(group))
    _save_entry(
        group,
        errors,
        name=values.get("name", entry.name),
        extension=values.get("extension", entry.extension),
        phone_number=values.get("phone_number", entry.phone_number),
        entry=entry,
    )
    _finish(group, errors)
    group.save()
    config_changed(organisation=group.organisation)
    return group


def _member_entries(organisation: Organisation, ids: Sequence[int]) -> dict[int, DirectoryEntry]:
    """The users among ids that can be members; anything else (another organisation's, a group) is left out."""
    return {entry.pk: entry for entry in member_candidates(organisation=organisation).filter(pk__in=ids)}


@recorded(gettext_noop("Hunt group members changed"))
@transaction.atomic
def hunt_group_set_members(*, group: HuntGroup, by: User | None, members: Sequence[int]) -> bool:
    """Makes the group's member list the users with these directory-entry ids, in this order.

    Refused, changing nothing, when an id is not a user of the organisation with an extension
    or number, or appears twice. A member keeps when it last answered (circular, uniform).
    Returns whether anything changed.
    """
    group = _locked(group)
    ids = list(members)
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Each user can be in the group once. Remove the double one."))
    if len(ids) > MAX_MEMBERS:
        raise ValidationError(_("A group has at most 500 members. Remove members first."))
    found = _member_entries(group.organisation, ids)
    if len(found) != len(ids):
        raise ValidationError(
            _(
                "Choose members from the list of users; users without an extension or number cannot be members."
            )
        )
    existing = HuntGroupMember.objects.filter(group=group)
    last_call = dict(existing.values_list("member_id", "last_call_at"))
    wanted = [
        HuntGroupMember(group=group, member=found[pk], position=index, last_call_at=last_call.get(pk))
        for index, pk in enumerate(ids, start=1)
    ]
    changed = replace_children(existing=existing, wanted=wanted, key=lambda m: (m.member_id, m.position))
    if changed:
        config_changed(organisation=group.organisation)
    return changed


def current_member_ids(group: HuntGroup) -> list[int]:
    """The members' entry ids in order, with the group locked until the caller's transaction ends."""
    _locked(group)
    return list(
        HuntGroupMember.objects.filter(group=group)
        .order_by("position", "pk")
        .values_list("member_id", flat=True)
    )


@transaction.atomic
def hunt_group_add_member(*, group: HuntGroup, by: User | None, member: int) -> bool:
    ids = current_member_ids(group)
    if member in ids:
        return False
    return hunt_group_set_members(group=group, by=by, members=[*ids, member])


@transaction.atomic
def hunt_group_remove_member(*, group: HuntGroup, by: User | None, member: int) -> bool:
    ids = current_member_ids(group)
    return hunt_group_set_members(group=group, by=by, members=[pk for pk in ids if pk != member])


@transaction.atomic
def hunt_group_move_member(*, group: HuntGroup, by: User | None, member: int, step: int) -> bool:
    """Moves a member one place up (step -1) or down (+1); at either end nothing changes."""
    ids = [str(pk) for pk in current_member_ids(group)]
    order = [int(pk) for pk in domain.move(ids, str(member), step)]
    return hunt_group_set_members(group=group, by=by, members=order)


@transaction.atomic
def hunt_group_reorder(*, group: HuntGroup, by: User | None, order: Sequence[int]) -> bool:
    """The members in a new order (drag and drop); refused when the list is not the current members
    (someone changed them meanwhile), so a reorder never adds or drops anyone."""
    if sorted(order) != sorted(current_member_ids(group)):
        raise ValidationError(
            _("The members were changed in the meantime. The current list is shown; move the members again.")
        )
    return hunt_group_set_members(group=group, by=by, members=list(order))


@recorded(gettext_noop("Hunt group deleted"))
@transaction.atomic
def hunt_group_delete(*, group: HuntGroup, by: User | None) -> None:
    """Refused while a user, group, IVR menu or night mode sends calls to the group, saying where;
    otherwise its extension and number are free again at once (its member rows go with it)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=group.entry_id, organisation=group.organisation)
    entry_delete_check(entry=entry)
    organisation = group.organisation
    HuntGroupMember.objects.filter(group=group).delete()
    group.delete()
    entry.delete()
    config_changed(organisation=organisation)


def ring_preview(group: HuntGroup, members: Sequence[HuntGroupMember]) -> list[list[DirectoryEntry]]:
    """Who rings for the next call, round by round, for the group's policy (pbx.domain.huntgroup)."""
    by_key = {str(m.member_id): m.member for m in members}
    rounds = domain.ring_order(
        group.distribution,
        [domain.Member(str(m.member_id), m.last_call_at) for m in members],
        move_on=group.move_on,
    )
    return [[by_key[key] for key in round_] for round_ in rounds]
