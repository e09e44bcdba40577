"""Terugzetten: put an object back as it was just before a chosen change (issue 14).

The values come from the historical rows (the object, its child rows, its directory entry) as
they were before the change; they are saved through the object's own service, so every rule
of a normal save applies (an extension taken meanwhile is refused with the reason), the
restore is itself one change record ("Restored to an earlier state") and reaches the PBX
like any other change. A deleted object is created again through its create service.

Supported kinds (RESTORERS): night mode, call barring, organisation settings, time schedules,
holiday schedules, PBX users, hunt groups (with their members), IVR menus (with their keys),
mobile subscriptions (limits and blocking), the general mobile settings, Business Voicemail
requests and memberships (role, active); deleted ones (RECREATES) for schedules, PBX users,
hunt groups and IVR menus. Greetings are files: restoring a user or a menu keeps its current
greetings, and the message says so when that differs from the moment chosen.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, User

from .changes import recording
from .history_lines import Kind, field_of, kind_of, kinds
from .models import ChangeRecord
from .revision import one_revision

RESTORED = gettext_noop("Restored to an earlier state")


@dataclass
class Snapshot:
    """An object as it was before a change: its row, its child rows, its parts' rows."""

    organisation: Organisation
    by: User
    kind: Kind
    object_id: int
    row: Any  # the historical row, or None: the object did not exist yet
    children: dict[str, list[Any]]  # child model label -> rows alive then
    current: models.Model | None  # the object now (None: deleted)

    def value(self, name: str) -> Any:
        """A field's value then; a reference as the object of this organisation it names now."""
        f = field_of(self.kind.model, name)
        raw = getattr(self.row, f.attname)
        if not f.is_relation or raw is None:
            return raw
        return _existing(cast(type[models.Model], f.related_model), raw, self.organisation, f.verbose_name)

    def part(self, field_name: str) -> Any:
        """The historical row then of a part (a user's directory entry)."""
        f = field_of(self.kind.model, field_name)
        part_kind = kind_of(cast(type[models.Model], f.related_model))
        assert part_kind is not None
        return _row_before(part_kind, getattr(self.row, f.attname), self._at)

    _at: Any = None


def _existing(related: type[models.Model], pk: Any, organisation: Organisation, label: Any) -> models.Model:
    queryset = related._base_manager.filter(pk=pk)
    if any(x.name == "organisation" for x in related._meta.concrete_fields):
        queryset = queryset.filter(organisation=organisation)
    found = queryset.first()
    if found is None:
        raise ValidationError(
            _("%(field)s of that moment no longer exists, so it cannot be put back. Choose a later change.")
            % {"field": capfirst(label)}
        )
    return found


def _row_before(kind: Kind, object_id: Any, at: Any) -> Any:
    return (
        kind.historical._default_manager.filter(id=object_id, history_date__lt=at)
        .order_by("-history_date", "-history_id")
        .first()
    )


def snapshot_before(record: ChangeRecord, kind: Kind, object_id: int, by: User) -> Snapshot:
    row = _row_before(kind, object_id, record.at)
    if row is not None and row.history_type == "-":
        row = None
    children: dict[str, list[Any]] = {}
    for child in kinds().values():
        if child.parent_field and child.model._meta.get_field(child.parent_field).related_model is kind.model:
            attname = field_of(child.model, child.parent_field).attname
            latest: dict[Any, Any] = {}
            for child_row in child.historical._default_manager.filter(
                **{attname: object_id}, history_date__lt=record.at
            ).order_by("history_date", "history_id"):
                latest[child_row.id] = child_row  # type: ignore[attr-defined]
            children[child.key] = [r for r in latest.values() if r.history_type != "-"]
    current = kind.model._base_manager.filter(pk=object_id).first()
    snapshot = Snapshot(record.organisation, by, kind, object_id, row, children, current)
    snapshot._at = record.at
    return snapshot


@dataclass
class Restored:
    """What restore did: whether anything changed, and what the person should know."""

    changed: bool
    notes: list[str]


def _fields_of(service: Callable[..., Any], model: type[models.Model]) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields}
    return [p for p in inspect.signature(service).parameters if p in names and p != "organisation"]


def _night_mode(s: Snapshot) -> None:
    from pbx.services.night_mode import night_mode_update

    values = {name: s.value(name) for name in _fields_of(night_mode_update, s.kind.model)}
    night_mode_update(organisation=s.organisation, by=s.by, **values)


def _call_barring(s: Snapshot) -> None:
    from telephony.models import CallBarring
    from telephony.services import call_barring_update

    call_barring_update(organisation=s.organisation, by=s.by, **{f: s.value(f) for f in CallBarring.FIELDS})


def _organisation(s: Snapshot) -> None:
    from accounts.services import SETTINGS_FIELDS, organisation_update

    organisation_update(organisation=s.organisation, by=s.by, **{f: s.value(f) for f in SETTINGS_FIELDS})


def _time_schedule(s: Snapshot) -> None:
    from schedules import engine
    from schedules.services import time_schedule_save

    ranges = [
        engine.WeeklyRange(r.weekday, r.start, r.end) for r in s.children.get("schedules.timerange", [])
    ]
    time_schedule_save(
        organisation=s.organisation,
        by=s.by,
        name=s.row.name,
        ranges=ranges,
        schedule=s.current,  # type: ignore[arg-type]
    )


def _holiday_schedule(s: Snapshot) -> None:
    from schedules.services import EntryData, holiday_schedule_save

    entries = [
        EntryData(e.name, e.start_date, e.end_date, e.start_time, e.end_time)
        for e in s.children.get("schedules.holidayentry", [])
    ]
    holiday_schedule_save(
        organisation=s.organisation,
        by=s.by,
        name=s.row.name,
        entries=entries,
        schedule=s.current,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class _Target:
    kind: str
    entry: Any
    number: str


def _pbx_user(s: Snapshot) -> list[str]:
    from pbx.services import users as services

    values: dict[str, Any] = {name: s.value(name) for name in services.SETTINGS}
    for key, prefix in services.DESTINATIONS.items():
        values[key] = _Target(
            s.value(f"{prefix}_kind"), s.value(f"{prefix}_entry"), s.value(f"{prefix}_number")
        )
    _entry, extension, phone_number = _entry_values(s)
    if s.current is None:
        services.pbx_user_create(
            organisation=s.organisation,
            by=s.by,
            first_name=s.row.first_name,
            last_name=s.row.last_name,
            extension=extension,
            phone_number=phone_number,
            values=values,
        )
    else:
        values.update(
            first_name=s.row.first_name,
            last_name=s.row.last_name,
            extension=extension,
            phone_number=phone_number,
        )
        services.pbx_user_update(user=s.current, by=s.by, values=values)  # type: ignore[arg-type]
    current = s.current.greeting_id if s.current is not None else None  # type: ignore[attr-defined]
    return [GREETING_KEPT] if s.row.greeting_id != current else []


def _entry_values(s: Snapshot) -> tuple[Any, Any, Any]:
    """The directory entry then: (entry row, extension, external number of this organisation)."""
    entry = s.part("entry")
    if entry is None:
        return None, None, None
    phone_number = None
    if entry.phone_number_id is not None:
        from accounts.models import PhoneNumber

        phone_number = _existing(PhoneNumber, entry.phone_number_id, s.organisation, _("the external number"))
    return entry, entry.extension, phone_number


def _hunt_group(s: Snapshot) -> None:
    from pbx.services import hunt_groups as services

    values: dict[str, Any] = {name: s.value(name) for name in services.SETTINGS}
    for key, prefix in services.DESTINATIONS.items():
        values[key] = _Target(
            s.value(f"{prefix}_kind"), s.value(f"{prefix}_entry"), s.value(f"{prefix}_number")
        )
    entry, extension, phone_number = _entry_values(s)
    name = entry.name if entry is not None else ""
    if s.current is None:
        group = services.hunt_group_create(
            organisation=s.organisation,
            by=s.by,
            name=name,
            extension=extension,
            phone_number=phone_number,
            values=values,
        )
    else:
        values.update(name=name, extension=extension, phone_number=phone_number)
        group = services.hunt_group_update(group=s.current, by=s.by, values=values)  # type: ignore[arg-type]
    members = sorted(s.children.get("pbx.huntgroupmember", []), key=lambda m: (m.position, m.id))
    services.hunt_group_set_members(group=group, by=s.by, members=[m.member_id for m in members])


GREETING_KEPT = gettext_noop(
    "The greeting was not put back: a greeting is a sound file. Upload it again on the page if needed."
)
GREETINGS_KEPT = gettext_noop(
    "The greetings were not put back: a greeting is a sound file. Upload them again on the menu's page if needed."
)


def _ivr_menu(s: Snapshot) -> list[str]:
    """Name, number, schedules, settings, destinations and keys as they were; the greetings stay
    as they are now. A destination or key that led back to the menu itself leads to it again
    (a deleted menu comes back with a new directory entry)."""
    from pbx.models import DirectoryEntry, IvrPart
    from pbx.services import ivr as services

    row = s.row
    entry, extension, phone_number = _entry_values(s)
    names = {
        "name": entry.name if entry is not None else "",
        "extension": extension,
        "phone_number": phone_number,
        "first_name": row.first_name,
        "last_name": row.last_name,
    }
    schedules = {name: s.value(name) for name in services.SCHEDULES}
    if s.current is None:
        menu = services.ivr_menu_create(organisation=s.organisation, by=s.by, **names, **schedules)
    else:
        menu = cast(Any, s.current)
    itself = menu.entry

    def target(source: Any, prefix: str, label: Any) -> _Target:
        entry_id = getattr(source, f"{prefix}_entry_id")
        found: Any = None
        if entry_id == row.entry_id:
            found = itself
        elif entry_id is not None:
            found = _existing(DirectoryEntry, entry_id, s.organisation, label)
        return _Target(getattr(source, f"{prefix}_kind"), found, getattr(source, f"{prefix}_number"))

    values: dict[str, Any] = {name: s.value(name) for name in services.SETTINGS}
    values.update(names, **schedules)
    for key, prefix in services.DESTINATIONS.items():
        values[key] = target(row, prefix, field_of(s.kind.model, f"{prefix}_entry").verbose_name)
    keys = []
    for key_row in sorted(s.children.get("pbx.ivrkey", []), key=lambda k: (k.part, k.key)):
        part = str(dict(IvrPart.choices).get(key_row.part, key_row.part)).lower()
        label = _("the destination of key %(key)s (%(part)s)") % {"key": key_row.key, "part": part}
        keys.append(
            services.KeyChoice(key_row.part, key_row.key, key_row.mode, target(key_row, "destination", label))
        )
    services.ivr_menu_update(menu=menu, by=s.by, values=values, keys=keys)
    then = (row.business_greeting_id, row.after_greeting_id)
    now = (menu.business_greeting_id, menu.after_greeting_id)
    return [GREETINGS_KEPT] if then != now else []


def _subscription(s: Snapshot) -> None:
    """User name, limits, alerts and blocking (the SIM's too) through the subscription's own
    save: a terminated subscription is refused as on its page."""
    from mobile.models import LimitsAndBlocking, SubscriptionStatus
    from mobile.services import subscription_update

    values = {name: s.value(name) for name in ["user_name", *LimitsAndBlocking.DEFAULT_FIELDS]}
    block_sim = None
    if s.row.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.BLOCKED):
        block_sim = s.row.status == SubscriptionStatus.BLOCKED
    subscription_update(subscription=s.current, values=values, block_sim=block_sim, by=s.by)  # type: ignore[arg-type]


def _mobile_defaults(s: Snapshot) -> None:
    from mobile.models import LimitsAndBlocking
    from mobile.services import mobile_defaults_update

    values = {name: s.value(name) for name in LimitsAndBlocking.DEFAULT_FIELDS}
    mobile_defaults_update(organisation=s.organisation, values=values, by=s.by)


def _voicemail_request(s: Snapshot) -> None:
    """The request's type, texts, language and voice, submitted again like a change on the
    Business Voicemail page (back to "Concept", to the studio); refused as there for a
    subscription that can no longer have Business Voicemail."""
    from mobile.models import Subscription
    from mobile.services import VOICEMAIL_FIELDS, VoicemailChange, voicemail_requests_submit

    request = cast(Any, s.current)
    subscription = Subscription.objects.get(pk=request.subscription_id, organisation=s.organisation)
    values = {name: getattr(s.row, name) for name in VOICEMAIL_FIELDS}
    voicemail_requests_submit(
        organisation=s.organisation,
        by=s.by,
        changes=[VoicemailChange(subscription=subscription, values=values)],
    )


def _membership(s: Snapshot) -> None:
    """Role and access through the members page's own services, so their rules hold (the last
    Beheerder stays, nobody deactivates their own account). Access comes back before a role
    is taken away, and goes after a role is given, so no step leaves the organisation
    without an administrator."""
    from accounts import services

    membership = cast(Any, s.current)
    if s.row.is_active and not membership.is_active:
        services.membership_reactivate(membership=membership, by=s.by)
    if s.row.role != membership.role:
        services.membership_set_role(membership=membership, role=s.row.role, by=s.by)
    if not s.row.is_active and membership.is_active:
        services.membership_deactivate(membership=membership, by=s.by)


RESTORERS: dict[str, Callable[[Snapshot], list[str] | None]] = {
    "pbx.huntgroup": _hunt_group,
    "pbx.nightmode": _night_mode,
    "telephony.callbarring": _call_barring,
    "accounts.organisation": _organisation,
    "schedules.timeschedule": _time_schedule,
    "schedules.holidayschedule": _holiday_schedule,
    "pbx.pbxuser": _pbx_user,
    "pbx.ivrmenu": _ivr_menu,
    "mobile.subscription": _subscription,
    "mobile.mobiledefaults": _mobile_defaults,
    "mobile.voicemailrequest": _voicemail_request,
    "accounts.membership": _membership,
}
# The kinds that are created again when the chosen moment is before their deletion.
RECREATES = {
    "schedules.timeschedule",
    "schedules.holidayschedule",
    "pbx.pbxuser",
    "pbx.huntgroup",
    "pbx.ivrmenu",
}


def can_restore(model: type[models.Model], *, deleted: bool = False) -> bool:
    """Whether Terugzetten works for this kind (for an object deleted since: whether it is
    created again)."""
    key = model._meta.label_lower
    return key in RESTORERS and (not deleted or key in RECREATES)


def restore(*, record: ChangeRecord, kind: Kind, object_id: int, by: User) -> Restored:
    """Puts the object back as it was just before `record`; ValidationError says why not."""
    restorer = RESTORERS.get(kind.key)
    if restorer is None:
        raise ValidationError(_("This kind of object cannot be put back from the history."))
    snapshot = snapshot_before(record, kind, object_id, by)
    if snapshot.row is None:
        raise ValidationError(
            _("This object did not exist yet before this change; there is nothing to put back.")
        )
    if snapshot.current is None and kind.key not in RECREATES:
        raise ValidationError(_("This object has been deleted and cannot be created again from the history."))
    if snapshot.current is not None and getattr(snapshot.current, "is_builtin", False):
        raise ValidationError(_("The built-in schedule cannot be changed."))
    # One change record, one revision and one push, however many services the restore takes.
    with recording(organisation=record.organisation, by=by, summary=RESTORED) as change, one_revision():
        notes = restorer(snapshot) or []
    return Restored(bool(getattr(change, "touched", False)), [_(note) for note in notes])
