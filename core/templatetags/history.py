"""`{% object_history obj %}`: the "Geschiedenis" section of an object page (issue 14).

The latest changes of the object (its child rows and parts included), with "Terugzetten" for
Beheerders, and a link to all of them on the organisation's history page. A fixed number of
queries, whatever the length of the history.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.db.models import Model, QuerySet

from core.history_lines import _touching, build_entries, kind_of, kinds
from core.models import ChangeRecord

register = template.Library()
SHOWN = 5


@register.inclusion_tag("history/_object.html", takes_context=True)
def object_history(context: template.Context, obj: Model | str | None) -> dict[str, Any]:
    """obj: an object, or a model label ("telephony.callbarring"): the organisation's one object
    of a singleton kind, or the latest changes of every object of that kind."""
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    shown: dict[str, Any] = {
        "request": request,
        "organisation": organisation,
        "can_edit": context.get("can_edit", False),
        "csrf_token": context.get("csrf_token"),
        "entries": [],
        "link": "",
    }
    if organisation is None or obj is None:
        return shown
    if isinstance(obj, str):
        kind = kinds().get(obj)
        if kind is None:
            raise template.TemplateSyntaxError(f"object_history: no model with history named {obj!r}")
        if kind.singleton:
            obj = kind.model._base_manager.filter(organisation=organisation).first()
            if obj is None:
                return shown
        else:
            records = ChangeRecord.objects.with_scopes_disabled().filter(
                organisation=organisation, pk__in=_touching(kind, organisation)
            )
            shown["entries"] = build_entries(_latest(records), organisation, of_kind=kind)
            shown["link"] = "?" + urlencode({"kind": kind.key})
            return shown
    kind = kind_of(type(obj))
    if obj.pk is None or kind is None:
        return shown
    records = ChangeRecord.objects.with_scopes_disabled().filter(
        organisation=organisation, pk__in=_touching(kind, organisation, object_id=obj.pk)
    )
    shown["entries"] = build_entries(_latest(records), organisation, only=(kind, obj.pk))
    shown["link"] = "?" + urlencode({"object": f"{kind.key}:{obj.pk}"})
    return shown


def _latest(records: QuerySet[ChangeRecord]) -> list[ChangeRecord]:
    return list(records.select_related("by").order_by("-at", "-pk")[:SHOWN])
