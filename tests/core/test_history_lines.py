"""Every kind of object with history shows its changes as readable Dutch lines (issue 14).

Parametrised over the models found in the app registry, so a model added later is covered
without editing this file: its fields need verbose names, and a change to it must read as
"<label>: old → new" on the object it belongs to.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, models
from django.utils import translation
from django.utils.text import capfirst

from accounts.models import Organisation
from core.changes import recording
from core.history_lines import _visible, build_entries, kinds
from core.models import ChangeRecord

KINDS = sorted(kinds())


@pytest.mark.parametrize("key", KINDS)
def test_it_names_every_shown_field_of_every_model_with_history(key):
    kind = kinds()[key]
    unnamed = [f.name for f in kind.model._meta.concrete_fields if _visible(f) and f._verbose_name is None]
    assert not unnamed, f"{key}: give these fields a verbose_name, the history shows it: {unnamed}"
    assert kind.model._meta.verbose_name != kind.model.__name__.lower(), f"{key} needs a verbose_name"


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)
    return Organisation.objects.get(name="Bakkerij De Vries")


def _changed(value, f: models.Field):
    if f.flatchoices:
        others = [c for c, _label in f.flatchoices if c != value and c not in ("", None)]
        return others[0] if others else None
    if isinstance(f, models.BooleanField):
        return not value
    if isinstance(f, models.EmailField):
        return "nieuw@bakkerij.example"
    if isinstance(f, models.IntegerField):
        return (value or 0) + 1 if f.name != "forward_no_answer_seconds" else 30
    if isinstance(f, models.DateTimeField):
        return (value or datetime(2026, 1, 1).astimezone()) + timedelta(hours=1)
    if isinstance(f, models.DateField):
        return (value or date(2026, 1, 1)) + timedelta(days=1)
    if isinstance(f, models.TimeField):
        return time(7, 15) if value != time(7, 15) else time(7, 45)
    if isinstance(f, models.CharField) and not f.is_relation:
        if f.name == "number":
            return "+31205559876"
        if f.name.endswith("number") or f.name in ("extension",):
            return None
        return ((value or "") + " nieuw")[: f.max_length]
    return None


def _owned_by(kind, organisation):
    model = kind.model
    names = {f.name for f in model._meta.concrete_fields}
    if model is Organisation:
        return model._base_manager.filter(pk=organisation.pk)
    if "organisation" in names:
        return model._base_manager.filter(organisation=organisation)
    if kind.parent_field:
        return model._base_manager.filter(**{f"{kind.parent_field}__organisation": organisation})
    return model._base_manager.filter(memberships__organisation=organisation)


@pytest.mark.parametrize("key", KINDS)
def test_it_shows_a_change_of_every_kind_as_a_readable_line(key, demo):
    kind = kinds()[key]
    if True:
        # An object with history already (a row written before history began has no "before").
        obj = next((o for o in _owned_by(kind, demo).order_by("pk") if o.history.exists()), None)
        if obj is None:
            pytest.skip(f"the demo has no {key}")
        record = None
        for f in kind.model._meta.concrete_fields:
            if _visible(f) and not f.is_relation and f.name != "email":
                new = _changed(getattr(obj, f.attname), f)
                if new is None:
                    continue
                old = getattr(obj, f.attname)
                try:
                    with recording(organisation=demo, by=None, summary="Test change") as record:
                        setattr(obj, f.attname, new)
                        obj.save()
                    break
                except IntegrityError:  # taken by a sibling (an IVR key): try the next field
                    setattr(obj, f.attname, old)
                    record = None
        if record is None:
            pytest.fail(f"{key}: no field to change")
        try:
            with translation.override("nl"):
                record = ChangeRecord.objects.with_scopes_disabled().select_related("by").get(pk=record.pk)
                (entry,) = build_entries([record], demo)
                lines = [line for group in entry.groups for line in group.lines]
                labels = [group.label for group in entry.groups]
                expected = str(capfirst(f.verbose_name))
        finally:
            setattr(obj, f.attname, old)
            obj.save()
        assert entry.who == "Systeem"
        assert any(f"{expected}: " in line for line in lines), (key, lines)
        assert all(" object (" not in label and label for label in labels), labels
        assert not any(f.name in line for line in lines if "_" in f.name), lines


def test_it_shows_hunt_group_members_on_their_group(org, admin):
    from pbx.models import HuntGroup
    from pbx.services import hunt_groups, users

    jan = users.pbx_user_create(
        organisation=org, by=admin, first_name="Jan", last_name="de Vries", extension="201"
    )
    group = hunt_groups.hunt_group_create(organisation=org, by=admin, name="Verkoop", extension="301")
    hunt_groups.hunt_group_set_members(group=group, by=admin, members=[jan.entry_id])
    changes = list(
        ChangeRecord.objects.filter(organisation=org).select_related("by").order_by("-at", "-pk")[:1]
    )

    with translation.override("nl"):
        (entry,) = build_entries(changes, org)

    (group_lines,) = entry.groups
    assert group_lines.kind.model is HuntGroup
    assert "Verkoop" in group_lines.label
    assert any("toegevoegd: Jan de Vries" in line for line in group_lines.lines), group_lines.lines
