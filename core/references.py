"""Where an object is used ("in use, cannot be deleted, used by …"), for every kind of object.

Walks every relation that protects the object from deletion (on_delete=PROTECT), so a feature
that starts referring to schedules, users or groups shows up here without changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models import ForeignObjectRel


def usages(objects: Iterable[models.Model]) -> dict[int, list[str]]:
    """{pk: ["Nachtschakeling", ...]}; one query per protecting relation, whatever the number of objects."""
    objects = list(objects)
    found: dict[int, list[str]] = defaultdict(list)
    if not objects:
        return found
    model = type(objects[0])
    # include_hidden: destinations refer with related_name="+" (several per model).
    relations = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if isinstance(f, ForeignObjectRel)
        and (f.one_to_many or f.one_to_one)
        and f.on_delete is models.PROTECT
    ]
    for relation in relations:
        related = relation.related_model
        assert related is not None and not isinstance(related, str)
        field = relation.field.name
        manager = related._default_manager
        queryset = manager.with_scopes_disabled() if hasattr(manager, "with_scopes_disabled") else manager
        # A model names what its usage_label reads (USAGE_RELATED), so labels cost no query each.
        related_fields = getattr(related, "USAGE_RELATED", ())
        for obj in queryset.filter(**{f"{field}__in": objects}).select_related(*related_fields):
            found[getattr(obj, f"{field}_id")].append(usage_label(obj))
    return found


def usage_label(obj: models.Model) -> str:
    label = getattr(obj, "usage_label", None)
    if callable(label):
        return str(label())
    return f"{obj._meta.verbose_name}: {obj}".capitalize()
