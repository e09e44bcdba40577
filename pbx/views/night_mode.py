"""Telefooncentrale: the overview and the company night mode (R3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit
from pbx.forms.destination import DestinationValue
from pbx.forms.night_mode import NightModeForm
from pbx.models import NightMode, NightModeSetting
from pbx.services import night_mode as services
from pbx.texts import night_mode_sentence


def _night_initial(night: NightMode) -> dict[str, object]:
    return {
        "setting": night.setting,
        "time_schedule": night.time_schedule_id,
        "holiday_schedule": night.holiday_schedule_id,
        "destination": DestinationValue.of(night, "destination"),
    }


def _night_context(request: PortalRequest) -> dict[str, object]:
    night = services.night_mode_get(organisation=request.organisation)
    state = services.night_mode_state(night)
    return {"night": night, "night_state": state, "night_sentence": night_mode_sentence(night, state)}


@require_GET
@product_required("pbx")
def index(request: PortalRequest) -> HttpResponse:
    return render(request, "pbx/index.html", _night_context(request))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def night_mode(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    night = services.night_mode_get(organisation=organisation)
    if request.method == "POST":
        form = NightModeForm(request.POST, organisation=organisation)
        if form.is_valid():
            destination = form.cleaned_data["destination"]
            try:
                services.night_mode_update(
                    organisation=organisation,
                    by=request.user,
                    setting=form.cleaned_data["setting"],
                    time_schedule=form.cleaned_data["time_schedule"],
                    holiday_schedule=form.cleaned_data["holiday_schedule"],
                    destination_kind=destination.kind,
                    destination_entry=destination.entry,
                    destination_number=destination.number,
                    expected_version=form.expected_version,
                )
            except StaleEdit as exc:
                form.refuse_stale(exc, stored=_night_initial(exc.current))  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("pbx:night_mode")
    else:
        form = NightModeForm(organisation=organisation, initial=_night_initial(night), version=night.version)
    context = {"form": form, **_night_context(request), "auto": NightModeSetting.AUTO}
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "pbx/night_mode.html", context, status=status)


@require_POST
@product_required("pbx")
def night_mode_override(request: PortalRequest) -> HttpResponse:
    action = request.POST.get("action")
    active = {"on": True, "off": False, "end": None}.get(action or "", "invalid")
    if active == "invalid":
        messages.error(request, _("Choose to switch night mode on, off, or to end the manual switch."))
        return redirect("pbx:night_mode")
    try:
        services.night_mode_override(organisation=request.organisation, by=request.user, active=active)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Night mode follows the schedule again.") if active is None else _("Changes saved.")
        )
    return redirect("pbx:index" if request.POST.get("next") == "index" else "pbx:night_mode")
