from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from core.models import PbxSync
from pbx.sync.messages import error_text

register = template.Library()


@register.inclusion_tag("pbx/_sync_status_line.html", takes_context=True)
def sync_status(context: Any) -> dict[str, Any]:
    """The status line of R9.1: applied, pending (since when) or failed (why, next try)."""
    request = context["request"]
    organisation = getattr(request, "organisation", None)
    sync = PbxSync.objects.filter(organisation=organisation).first() if organisation else None
    reason = ""
    if sync is None or sync.in_sync:
        state = "applied"
    elif sync.last_error:
        state = "failed"
        # Worded now, in the viewer's language; a row from before error codes keeps its text.
        reason = (
            error_text(sync.last_error_code, sync.last_error_params)
            if sync.last_error_code
            else sync.last_error
        )
    else:
        state = "pending"
    return {
        "state": state,
        "reason": reason,
        "sync": sync,
        "now": timezone.now(),
        "request": request,
        "can_edit": context.get("can_edit", False),
        "csrf_token": context.get("csrf_token"),
    }
