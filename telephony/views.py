"""Telefoon → Algemene instellingen: organisation-wide call barring (R2.1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.tenancy import PortalRequest, product_required

from . import services
from .forms import CallBarringForm


@require_http_methods(["GET", "POST"])
@product_required("telephony")
def index(request: PortalRequest) -> HttpResponse:
    barring = services.call_barring_get(organisation=request.organisation)
    form = CallBarringForm(request.POST or None, instance=barring)
    if request.method == "POST" and form.is_valid():
        _barring, changed = services.call_barring_update(
            organisation=request.organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Changes saved.") if changed else _("Nothing changed."))
        return redirect("telephony:index")
    return render(request, "telephony/index.html", {"form": form})
