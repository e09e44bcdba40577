"""Telefoon → Algemene instellingen: organisation-wide call barring (R2.1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit

from . import services
from .forms import CallBarringForm
from .models import CallBarring


@require_http_methods(["GET", "POST"])
@product_required("telephony")
def index(request: PortalRequest) -> HttpResponse:
    barring = services.call_barring_get(organisation=request.organisation)
    form = CallBarringForm(request.POST or None, instance=barring)
    if request.method == "POST" and form.is_valid():
        blocked = {name: form.cleaned_data[name] for name in CallBarring.FIELDS}
        try:
            _barring, changed = services.call_barring_update(
                organisation=request.organisation,
                by=request.user,
                expected_version=form.expected_version,
                **blocked,
            )
        except StaleEdit as exc:
            form.refuse_stale(exc, stored=exc.current.as_dict())  # type: ignore[attr-defined]
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing changed."))
            return redirect("telephony:index")
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "telephony/index.html", {"form": form}, status=status)
