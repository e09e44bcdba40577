"""The live PBX sync status line (R9.1) and "Nu opnieuw proberen"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.views import safe_next
from core.models import PbxSync
from core.revision import queue_push
from core.tenancy import PortalRequest, organisation_required


@require_GET
@organisation_required
def sync_status(request: PortalRequest) -> HttpResponse:
    return render(request, "pbx/_sync_status.html")


@require_POST
@organisation_required
def sync_retry(request: PortalRequest) -> HttpResponse:
    PbxSync.objects.filter(organisation=request.organisation).update(next_attempt_at=None)
    queue_push(request.organisation.pk)
    messages.info(request, _("We are trying again now."))
    if request.htmx:
        return render(request, "pbx/_sync_status.html")
    return redirect(safe_next(request, reverse("pbx:index")))
