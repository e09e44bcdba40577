"""History in the words of the UI: every change record as readable lines per object (issue 14).

One mechanism for every model with simple-history rows on core.history.HistoricalBase: the
models are found by walking the app registry, so a new model shows without code here.

- A *child* model (no organisation of its own, a CASCADE foreign key to another tracked model:
  a schedule's time ranges, a group's members, a menu's keys) is shown on its parent:
  "Tijdvak toegevoegd: maandag 08:30-17:30".
- A *part* (a tracked model that several kinds of tracked model each own one of through a
  CASCADE one-to-one: the directory entry with the extension of a user, a hunt group, an IVR
  menu) is shown on its owner.
- Labels come from verbose names, values through choices, booleans as On/Off, foreign keys by
  the label of what they point at ("Verkoop (belgroep, 201)"), a reference to something that
  has no history of its own (a greeting) as "Begroeting vervangen". Fields that share one
  verbose name (a destination's kind, entry and number) are one line. Technical fields
  (ids, versions, timestamps kept by the database, secrets, passwords) are never shown.

Everything is read in a fixed number of queries per page: one per tracked model for the rows,
one per tracked model for the rows before them, one per model that values point at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import Organisation, format_phone_number

from .history import HistoricalBase
from .models import ActorKind, ChangeRecord, PbxSync

# Never shown, whatever the model: technical columns and anything secret.
HIDDEN_NAMES = {"id", "version", "password", "last_login", "organisation", "is_builtin"}
HIDDEN_PARTS = ("secret", "password", "token", "sha256")
# An import of 300 holidays is one change: its first lines and how many more.
MAX_LINES = 25


@dataclass(frozen=True)
class Kind:
    """One tracked model: its historical model and how its rows find the object they belong to."""

    model: type[models.Model]
    historical: type[models.Model]
    parent_field: str | None  # a child: the foreign key to its parent
    owners: tuple[tuple[type[models.Model], str], ...]  # a part: (owner model, owner's one-to-one field)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(capfirst(self.model._meta.verbose_name_plural))

    @property
    def is_root(self) -> bool:
        return self.parent_field is None and not self.owners

    @property
    def singleton(self) -> bool:
        """One per organisation (night mode, call barring): named by its kind alone."""
        return any(
            isinstance(f, models.OneToOneField) and f.related_model is Organisation
            for f in self.model._meta.concrete_fields
        )


def _tracked(model: type[models.Model]) -> type[models.Model] | None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    historical = getattr(model, attribute).model
    return historical if issubclass(historical, HistoricalBase) else None


@cache
def kinds() -> dict[str, Kind]:
    tracked = {m: h for m in apps.get_models() if (h := _tracked(m)) is not None}
    found: dict[str, Kind] = {}
    for model, historical in tracked.items():
        fields = {f.name: f for f in model._meta.concrete_fields}
        parent = None
        if "organisation" not in fields:
            parent = next(
                (
                    f.name
                    for f in fields.values()
                    if f.many_to_one
                    and f.related_model in tracked
                    and f.related_model is not Organisation
                    and _cascades(f)
                ),
                None,
            )
        owners = tuple(
            (other, f.name)
            for other in tracked
            for f in other._meta.concrete_fields
            if isinstance(f, models.OneToOneField)
            and f.related_model is model
            and model is not Organisation
            and _cascades(f)
        )
        # A part is the one row several kinds of object each own one of (the directory entry of
        # a user, a hunt group, an IVR menu); a one-to-one from a single kind (a subscription's
        # voicemail request) is an object of its own.
        if len({owner for owner, _name in owners}) < 2:
            owners = ()
        kind = Kind(model, historical, parent, owners if parent is None else ())
        found[kind.key] = kind
    return found


def kind_of(model: type[models.Model]) -> Kind | None:
    return kinds().get(model._meta.label_lower)


def root_kinds() -> list[Kind]:
    return sorted((k for k in kinds().values() if k.is_root), key=lambda k: k.label)


def _visible(f: models.Field) -> bool:
    if f.name in HIDDEN_NAMES or any(part in f.name for part in HIDDEN_PARTS):
        return False
    if not f.editable or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return False
    # A CASCADE reference says what the row belongs to (its organisation, parent, directory
    # entry, account), not a setting of it: settings refer with PROTECT or SET_NULL.
    return not (f.is_relation and _cascades(f))


def _cascades(f: models.Field) -> bool:
    return getattr(f.remote_field, "on_delete", None) is models.CASCADE


@cache
def _groups(model: type[models.Model]) -> tuple[tuple[str, tuple[models.Field, ...]], ...]:
    """The visible fields grouped by verbose name (a destination's three columns are one line)."""
    grouped: dict[str, list[models.Field]] = {}
    for f in model._meta.concrete_fields:
        if _visible(f):
            grouped.setdefault(str(f.verbose_name), []).append(f)
    return tuple((label, tuple(fields)) for label, fields in grouped.items())


@dataclass
class Group:
    """The lines of one object in one change."""

    kind: Kind
    object_id: int
    label: str
    lines: list[str] = field(default_factory=list)
    deleted: bool = False
    created: bool = False
    builtin: bool = False  # the built-in schedule: never changed, so never put back
    file_lines: int = 0  # lines about files only ("Begroeting vervangen"): not put back
    gone: bool = False  # deleted since (found only for the kinds that are not created again)

    @property
    def restorable(self) -> bool:
        """Whether "Terugzetten" works here: not for the change that made the object (nothing
        came before it), not for the built-in schedule, and for a deleted object only where
        its kind is created again; not for a change of a greeting alone (a file is not put back)."""
        from .restore import can_restore

        if self.created or self.builtin or (self.lines and len(self.lines) == self.file_lines):
            return False
        return can_restore(self.kind.model, deleted=self.deleted or self.gone)

    @property
    def token(self) -> str:
        return f"{self.kind.key}:{self.object_id}"


@dataclass
class Entry:
    record: ChangeRecord
    groups: list[Group]
    pbx_state: str  # "", "applied", "pending"

    @property
    def summary(self) -> str:
        return _(self.record.summary)

    @property
    def who(self) -> str:
        record = self.record
        if record.actor == ActorKind.SYSTEM:
            return _("System")
        if record.actor == ActorKind.OPERATOR:
            return _("Operator")
        if record.by is None:
            return _("a removed account")
        name = record.by.get_full_name()
        return f"{name} ({record.by.email})" if name else record.by.email


class Resolver:
    """Labels of what foreign keys point at, fetched once per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], Any], models.Model | None] = {}

    def want(self, rows: Iterable[models.Model], model: type[models.Model]) -> None:
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                for row in rows:
                    value = getattr(row, f.attname, None)
                    if value is not None:
                        self.wanted[f.related_model].add(value)

    def fetch(self) -> None:
        for related, ids in self.wanted.items():
            ids -= {pk for (m, pk) in self.found if m is related}
            if not ids:
                continue
            follow = [
                f.name
                for f in related._meta.concrete_fields
                if f.is_relation
                and f.related_model not in (None, Organisation)
                and not f.name.startswith("history")
            ]
            objects = related._base_manager.select_related(*follow).in_bulk(list(ids))
            missing = [pk for pk in ids if pk not in objects]
            kind = kind_of(related)
            if missing and kind is not None:
                # Gone meanwhile: named as it was last (a deleted schedule, a removed user).
                for row in kind.historical._default_manager.filter(id__in=missing).order_by("history_id"):
                    objects[row.id] = row.instance  # type: ignore[attr-defined]
            for pk in ids:
                self.found[(related, pk)] = objects.get(pk)

    def get(self, related: type[models.Model], pk: Any) -> models.Model | None:
        return self.found.get((related, pk))

    def instance(self, row: models.Model, kind: Kind) -> models.Model:
        """The object as the historical row holds it, its references filled without queries."""
        obj = row.instance  # type: ignore[attr-defined]
        for f in kind.model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                value = getattr(row, f.attname, None)
                if value is not None and (related := self.get(f.related_model, value)) is not None:
                    obj._state.fields_cache[f.name] = related
        return obj


def object_label(obj: models.Model, kind: Kind) -> str:
    if kind.singleton:
        return str(capfirst(kind.model._meta.verbose_name))
    if hasattr(obj, "history_label"):
        # A model whose usage_label says where it is used (a hunt group's "(doorschakelen na
        # wachttijd)") names itself here without that.
        return str(obj.history_label())
    if hasattr(obj, "usage_label"):
        # How the pages name it where it is used ("Gebruiker Jan de Vries (gebruiker, 201)").
        return str(capfirst(obj.usage_label()))
    name = str(obj)
    verbose = str(kind.model._meta.verbose_name)
    if name.lower().startswith(verbose.lower()):
        return str(capfirst(name))
    return f"{capfirst(verbose)} {name}"


def _text(value: Any, f: models.Field, resolver: Resolver, tz: Any) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation and f.related_model is not None:
        related = resolver.get(f.related_model, value)
        if related is None:
            return _("(removed)")
        return str(related.usage_label() if hasattr(related, "usage_label") else related)
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("On") if value else _("Off")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value, tz), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return formats.number_format(value)  # 25,00 in Dutch, as the forms show it
    text = str(value)
    if text.startswith("+") and text[1:].isdigit():
        return format_phone_number(text)
    return text if len(text) <= 80 else text[:79] + "…"


def _group_value(row: models.Model, fields: Sequence[models.Field], resolver: Resolver, tz: Any) -> str:
    """One line's value; for a group (kind, entry, number) the part that counts."""
    if len(fields) == 1:
        return _text(getattr(row, fields[0].attname), fields[0], resolver, tz)
    for f in fields:
        if f.is_relation and getattr(row, f.attname) is not None:
            return _text(getattr(row, f.attname), f, resolver, tz)
    for f in fields:
        if not f.is_relation and not f.flatchoices and getattr(row, f.attname) not in (None, ""):
            return _text(getattr(row, f.attname), f, resolver, tz)
    chosen = next((f for f in fields if f.flatchoices), fields[0])
    return _text(getattr(row, chosen.attname), chosen, resolver, tz)


def _field_lines(kind: Kind, row: models.Model, prev: models.Model, resolver: Resolver, tz: Any) -> list[str]:
    lines = []
    for label, fields in _groups(kind.model):
        if all(getattr(row, f.attname) == getattr(prev, f.attname) for f in fields):
            continue
        untracked = [
            f
            for f in fields
            if f.is_relation and f.related_model is not None and kind_of(f.related_model) is None
        ]
        if untracked and len(fields) == 1:
            old, new = getattr(prev, fields[0].attname), getattr(row, fields[0].attname)
            if old is None:
                lines.append(_("%(field)s added") % {"field": capfirst(label)})
            elif new is None:
                lines.append(_("%(field)s removed") % {"field": capfirst(label)})
            else:
                lines.append(_("%(field)s replaced") % {"field": capfirst(label)})
            continue
        old_text = _group_value(prev, fields, resolver, tz)
        new_text = _group_value(row, fields, resolver, tz)
        if old_text != new_text:
            lines.append(f"{capfirst(label)}: {old_text} → {new_text}")
    return lines


def _files_only(kind: Kind, row: models.Model, prev: models.Model) -> bool:
    """Whether only references to things without history of their own (greetings) changed."""
    changed = [
        f
        for _label, fields in _groups(kind.model)
        for f in fields
        if getattr(row, f.attname) != getattr(prev, f.attname)
    ]
    return bool(changed) and all(
        f.is_relation and f.related_model is not None and kind_of(f.related_model) is None for f in changed
    )


def _initial_lines(kind: Kind, row: models.Model, resolver: Resolver, tz: Any) -> list[str]:
    """What a new object was made with, where that is not what every new one gets."""
    lines = []
    for label, fields in _groups(kind.model):
        if all(getattr(row, f.attname) == f.get_default() for f in fields):
            continue
        if any(f.is_relation and f.related_model and kind_of(f.related_model) is None for f in fields):
            continue
        lines.append(f"{capfirst(label)}: {_group_value(row, fields, resolver, tz)}")
    return lines


def _rows_of(kind: Kind, **filters: Any) -> list[models.Model]:
    manager = kind.historical._default_manager
    previous = manager.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
        "-history_id"
    )
    return list(
        manager.filter(**filters)
        .annotate(previous_history_id=Subquery(previous.values("history_id")[:1]))
        .order_by("history_id")
    )


def build_entries(
    records: Sequence[ChangeRecord],
    organisation: Organisation,
    *,
    only: tuple[Kind, int] | None = None,
    of_kind: Kind | None = None,
) -> list[Entry]:
    """The records as entries with their lines; `only`: just the lines of that (root) object,
    `of_kind`: just those of objects of that kind."""
    ids = [r.pk for r in records]
    rows: dict[Kind, list[models.Model]] = {}
    if ids:
        for kind in kinds().values():
            found = _rows_of(kind, change_id__in=ids, history_organisation_id=organisation.pk)
            if found:
                rows[kind] = found
    previous: dict[Kind, dict[int, models.Model]] = {}
    for kind, found in rows.items():
        wanted = [r.previous_history_id for r in found if r.previous_history_id]  # type: ignore[attr-defined]
        previous[kind] = kind.historical._default_manager.in_bulk(wanted) if wanted else {}
    resolver = Resolver()
    for kind, found in rows.items():
        resolver.want(found, kind.model)
        resolver.want(previous[kind].values(), kind.model)
    owner_of = _owners(rows)
    resolver.fetch()
    tz = timezone.get_current_timezone()
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(organisation.time_zone)
    except (KeyError, ValueError):
        pass

    groups: dict[int, dict[tuple[str, int], Group]] = defaultdict(dict)
    roots: list[tuple[Kind, models.Model]] = []
    children: list[tuple[Kind, models.Model]] = []
    for kind, found in rows.items():
        for row in found:
            (roots if kind.is_root else children).append((kind, row))

    def group_for(change_id: int, kind: Kind, object_id: int, obj: models.Model | None) -> Group:
        key = (kind.key, object_id)
        group = groups[change_id].get(key)
        if group is None:
            if obj is None:
                obj = resolver.get(kind.model, object_id)
            label = (
                object_label(obj, kind) if obj is not None else str(capfirst(kind.model._meta.verbose_name))
            )
            group = groups[change_id][key] = Group(
                kind, object_id, label, builtin=bool(getattr(obj, "is_builtin", False))
            )
        return group

    for kind, row in roots:
        obj = resolver.instance(row, kind)
        group = group_for(row.change_id, kind, row.id, obj)  # type: ignore[attr-defined]
        kind_word = row.history_type  # type: ignore[attr-defined]
        if kind_word == "+":
            group.created = True
            group.lines[:0] = [_("Created"), *_initial_lines(kind, row, resolver, tz)]
        elif kind_word == "-":
            group.deleted = True
            group.lines.append(_("Deleted"))
        else:
            prev = previous[kind].get(row.previous_history_id)  # type: ignore[attr-defined]
            if prev is not None:
                lines = _field_lines(kind, row, prev, resolver, tz)
                group.lines.extend(lines)
                if _files_only(kind, row, prev):
                    group.file_lines += len(lines)
    for kind, row in children:
        obj = resolver.instance(row, kind)
        parent = _parent(kind, row, owner_of)
        if parent is None:
            continue
        parent_kind, parent_id = parent
        group = group_for(row.change_id, parent_kind, parent_id, None)  # type: ignore[attr-defined]
        verbose = capfirst(kind.model._meta.verbose_name)
        kind_word = row.history_type  # type: ignore[attr-defined]
        if kind.owners:
            if kind_word == "~":
                prev = previous[kind].get(row.previous_history_id)  # type: ignore[attr-defined]
                if prev is not None:
                    group.lines.extend(_field_lines(kind, row, prev, resolver, tz))
        elif kind_word == "+":
            group.lines.append(_("%(kind)s added: %(name)s") % {"kind": verbose, "name": obj})
        elif kind_word == "-":
            group.lines.append(_("%(kind)s removed: %(name)s") % {"kind": verbose, "name": obj})
        else:
            prev = previous[kind].get(row.previous_history_id)  # type: ignore[attr-defined]
            changed = "; ".join(_field_lines(kind, row, prev, resolver, tz)) if prev is not None else ""
            if changed:
                group.lines.append(
                    _("%(kind)s changed: %(name)s: %(what)s")
                    % {"kind": verbose, "name": obj, "what": changed}
                )
            elif prev is None:
                # Written before history began: what it is now is all there is to say.
                group.lines.append(_("%(kind)s changed: %(name)s") % {"kind": verbose, "name": obj})

    _mark_gone(groups)
    applied = (
        PbxSync.objects.with_scopes_disabled()
        .filter(organisation=organisation)
        .values_list("applied_revision", flat=True)
        .first()
    )
    for by_object in groups.values():
        for group in by_object.values():
            if len(group.lines) > MAX_LINES:
                rest = len(group.lines) - MAX_LINES + 1
                group.lines[MAX_LINES - 1 :] = [_("… and %(count)s more") % {"count": rest}]
    entries = []
    for record in records:
        found_groups = list(groups[record.pk].values())
        if only is not None:
            found_groups = [g for g in found_groups if (g.kind.key, g.object_id) == (only[0].key, only[1])]
        if of_kind is not None:
            found_groups = [g for g in found_groups if g.kind.key == of_kind.key]
        state = ""
        if record.pbx_revision:
            state = "applied" if applied is not None and applied >= record.pbx_revision else "pending"
        entries.append(Entry(record, found_groups, state))
    return entries


def _mark_gone(groups: dict[int, dict[tuple[str, int], Group]]) -> None:
    """Marks the objects deleted since whose kind Terugzetten does not create again (a subscription,
    a membership): their button would only be refused. One query per such kind on the page."""
    from .restore import RECREATES, RESTORERS

    wanted: dict[Kind, set[int]] = defaultdict(set)
    for by_object in groups.values():
        for group in by_object.values():
            if group.kind.key in RESTORERS and group.kind.key not in RECREATES and not group.deleted:
                wanted[group.kind].add(group.object_id)
    existing = {
        kind.key: set(kind.model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        for kind, ids in wanted.items()
    }
    for by_object in groups.values():
        for group in by_object.values():
            if group.kind.key in existing and group.object_id not in existing[group.kind.key]:
                group.gone = True


def _owners(rows: dict[Kind, list[models.Model]]) -> dict[tuple[str, int], tuple[Kind, int]]:
    """(part kind, part id) -> (owner kind, owner id), from the owners' history (deleted owners too)."""
    found: dict[tuple[str, int], tuple[Kind, int]] = {}
    for kind, part_rows in rows.items():
        if not kind.owners:
            continue
        ids = {r.id for r in part_rows}  # type: ignore[attr-defined]
        for owner, field_name in kind.owners:
            owner_kind = kind_of(owner)
            assert owner_kind is not None
            attname = field_of(owner, field_name).attname
            pairs = (
                owner_kind.historical._default_manager.filter(**{f"{attname}__in": ids})
                .values_list(attname, "id")
                .distinct()
            )
            for part_id, owner_id in pairs:
                found[(kind.key, part_id)] = (owner_kind, owner_id)
    return found


def _parent(
    kind: Kind, row: models.Model, owner_of: dict[tuple[str, int], tuple[Kind, int]]
) -> tuple[Kind, int] | None:
    if kind.parent_field is not None:
        parent_field = field_of(kind.model, kind.parent_field)
        parent_kind = kind_of(parent_field.related_model) if parent_field.related_model else None
        parent_id = getattr(row, parent_field.attname)
        if parent_kind is None or parent_id is None:
            return None
        if not parent_kind.is_root:
            return None
        return parent_kind, parent_id
    return owner_of.get((kind.key, row.id))  # type: ignore[attr-defined]


def change_ids_of(kind: Kind, object_id: int, organisation: Organisation) -> models.QuerySet[ChangeRecord]:
    """The change records that touched an object, its children or its parts (newest first)."""
    return ChangeRecord.objects.with_scopes_disabled().filter(
        organisation=organisation, pk__in=_touching(kind, organisation, object_id=object_id)
    )


def _touching(kind: Kind, organisation: Organisation, object_id: int | None = None) -> Any:
    """A subquery of change ids that touched objects of `kind` (one object when object_id is given)."""
    from django.db.models import Q

    condition = Q()
    base = {"history_organisation_id": organisation.pk}
    own = kind.historical._default_manager.filter(**base)
    if object_id is not None:
        own = own.filter(id=object_id)
    condition |= Q(pk__in=own.values("change_id"))
    for other in kinds().values():
        if other.parent_field is not None and _parent_model(other) is kind.model:
            children = other.historical._default_manager.filter(**base)
            if object_id is not None:
                children = children.filter(**{field_of(other.model, other.parent_field).attname: object_id})
            condition |= Q(pk__in=children.values("change_id"))
    for part in kinds().values():
        for owner, field_name in part.owners:
            if owner is kind.model:
                attname = field_of(owner, field_name).attname
                owner_rows = kind.historical._default_manager.filter(**base)
                if object_id is not None:
                    owner_rows = owner_rows.filter(id=object_id)
                parts = part.historical._default_manager.filter(**base, id__in=owner_rows.values(attname))
                condition |= Q(pk__in=parts.values("change_id"))
    return ChangeRecord.objects.with_scopes_disabled().filter(condition).values("pk")


def field_of(model: type[models.Model], name: str) -> models.Field:
    """A concrete field by name (not a reverse relation), for its attname and verbose name."""
    return cast(models.Field, model._meta.get_field(name))


def _parent_model(kind: Kind) -> Any:
    assert kind.parent_field is not None
    return kind.model._meta.get_field(kind.parent_field).related_model
