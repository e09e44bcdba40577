"""Terugzetten: put an object back as it was just before a chosen change (issue 14).

The values come from the historical rows (the object, its child rows, its directory entry) as
they were before the change; they are saved through the object's own service, so every rule
of a normal save applies (an extension taken meanwhile is refused with the reason), the
restore is itself one change record ("Restored to an earlier state") and reaches the PBX
like any other change. A deleted object is created again through its create service.

Supported kinds: night mode, call barring, organisation settings, time schedules, holiday
schedules, PBX users and hunt groups (with their members), deleted ones included for
schedules, PBX users and hunt groups (see RESTORERS). Greetings are files: restoring a user
keeps its current greeting.
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


def _pbx_user(s: Snapshot) -> None:
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


RESTORERS: dict[str, Callable[[Snapshot], None]] = {
    "pbx.huntgroup": _hunt_group,
    "pbx.nightmode": _night_mode,
    "telephony.callbarring": _call_barring,
    "accounts.organisation": _organisation,
    "schedules.timeschedule": _time_schedule,
    "schedules.holidayschedule": _holiday_schedule,
    "pbx.pbxuser": _pbx_user,
}


def can_restore(model: type[models.Model]) -> bool:
    return model._meta.label_lower in RESTORERS


def restore(*, record: ChangeRecord, kind: Kind, object_id: int, by: User) -> None:
    """Puts the object back as it was just before `record`; ValidationError says why not."""
    restorer = RESTORERS.get(kind.key)
    if restorer is None:
        raise ValidationError(_("This kind of object cannot be put back from the history."))
    snapshot = snapshot_before(record, kind, object_id, by)
    if snapshot.row is None:
        raise ValidationError(
            _("This object did not exist yet before this change; there is nothing to put back.")
        )
    if snapshot.current is not None and getattr(snapshot.current, "is_builtin", False):
        raise ValidationError(_("The built-in schedule cannot be changed."))
    with recording(organisation=record.organisation, by=by, summary=RESTORED):
        restorer(snapshot)
