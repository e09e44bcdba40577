"""`{% object_history obj %}`: the "Geschiedenis" section of an object page (issue 14).

The section costs the page no query: it loads the latest changes of the object (its child
rows and parts included, "Terugzetten" for Beheerders) from history:object with htmx, and
links to all of them on the organisation's history page, which also works without JavaScript.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.db.models import Model

from core.history_lines import kind_of, kinds

register = template.Library()


@register.inclusion_tag("history/_object.html")
def object_history(obj: Model | str | None) -> dict[str, Any]:
    """obj: an object, or a model label ("telephony.callbarring"): the organisation's one object
    of a singleton kind, or the latest changes of every object of that kind."""
    if isinstance(obj, str):
        if obj not in kinds():
            raise template.TemplateSyntaxError(f"object_history: no model with history named {obj!r}")
        return {"query": "?" + urlencode({"kind": obj})}
    kind = kind_of(type(obj)) if obj is not None else None
    if obj is None or obj.pk is None or kind is None:
        return {"query": ""}
    return {"query": "?" + urlencode({"object": f"{kind.key}:{obj.pk}"})}
