"""Telefooncentrale "Keuzemenu's": the IVR menus (R7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import uploads
from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit
from pbx.domain.destination import DestinationKind
from pbx.domain.ivr import KEYPAD, Playing
from pbx.forms.ivr import IvrMenuCreateForm, IvrMenuForm
from pbx.forms.users import GreetingForm
from pbx.models import AfterHours, IvrMenu, IvrPart, NightModeFollow
from pbx.services import ivr as services
from pbx.services import night_mode as night_services
from pbx.services.directory import destination_label
from pbx.views.shared import refuse_stale_with_destinations, show_service_errors
from schedules.presentation import describe, moment


@dataclass(frozen=True)
class KeypadCell:
    key: str
    target: str  # "" when the key is off
    announce: bool


def _get_menu(request: PortalRequest, pk: int) -> IvrMenu:
    menus = services.with_keys(services.ivr_menus(organisation=request.organisation))
    return get_object_or_404(menus, pk=pk)


def _short(kind: str, entry: object, number: str) -> str:
    if kind == DestinationKind.ENTRY and entry is not None:
        return str(getattr(entry, "name", ""))
    if kind == DestinationKind.VOICEMAIL:
        return _("Voicemail 999")
    return destination_label(kind, None, number) if kind != DestinationKind.NONE else ""


def keypad(menu: IvrMenu, part: str) -> list[list[KeypadCell]]:
    """The stored keys of one part as a phone's keypad: four rows of three (reads prefetched keys)."""
    stored = {key.key: key for key in menu.keys.all() if key.part == part}
    cells = []
    for key in KEYPAD:
        row = stored.get(key)
        if row is None:
            cells.append(KeypadCell(key, "", False))
        else:
            target = _short(row.destination_kind, row.destination_entry, row.destination_number)
            cells.append(KeypadCell(key, target, row.mode == "announce"))
    return [cells[i : i + 3] for i in range(0, len(cells), 3)]


@require_GET
@product_required("pbx")
def ivr_list(request: PortalRequest) -> HttpResponse:
    menus = services.ivr_menus(organisation=request.organisation).prefetch_related("time_schedule__ranges")
    rows = []
    for menu in menus.order_by("entry__name", "pk"):
        reception = menu.business_reception_kind != DestinationKind.NONE
        rows.append((menu, describe(menu.time_schedule.engine_ranges()), reception))
    return render(request, "pbx/ivr/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def ivr_create(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    form = IvrMenuCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            menu = services.ivr_menu_create(
                organisation=organisation,
                by=request.user,
                name=form.cleaned_data["name"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                extension=form.cleaned_data["extension"],
                phone_number=form.cleaned_data["phone_number"],
                time_schedule=form.cleaned_data["time_schedule"],
                holiday_schedule=form.cleaned_data["holiday_schedule"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("IVR menu %(name)s created.") % {"name": menu.entry.name})
            return redirect("pbx:ivr_edit", pk=menu.pk)
    status = 400 if form.errors else 200
    return render(request, "pbx/ivr/create.html", {"form": form}, status=status)


def _night(request: PortalRequest) -> tuple[bool, object, str]:
    """The company night mode now: (active, until, where its calls go)."""
    night = night_services.night_mode_get(organisation=request.organisation)
    state = night_services.night_mode_state(night)
    to = destination_label(night.destination_kind, night.destination_entry, night.destination_number)
    return state.active, state.until, to


def now_line(menu: IvrMenu, night_active: bool, night_until: object, night_to: str) -> str:
    """ "Nu: menu onder werktijd, tot vandaag 17:30": which menu plays now and until when."""
    at = timezone.now()
    now = services.menu_now(menu, night_active=night_active, night_until=night_until, at=at)  # type: ignore[arg-type]
    tz = menu.organisation.time_zone
    if now.playing == Playing.NIGHT:
        own = menu.night_destination_kind != DestinationKind.NONE
        to = (
            destination_label(
                menu.night_destination_kind, menu.night_destination_entry, menu.night_destination_number
            )
            if own
            else night_to
        )
        text = _("Now: night mode, calls go to %(to)s") % {"to": to}
    elif now.playing == Playing.BUSINESS:
        text = _("Now: the business-hours menu")
    elif now.playing == Playing.AFTER_MENU:
        text = _("Now: the after-hours menu")
    else:
        to = destination_label(
            menu.after_destination_kind, menu.after_destination_entry, menu.after_destination_number
        )
        text = _("Now: after hours, calls go straight to %(to)s") % {"to": to}
    if now.until is None:
        return text + "."
    return _("%(now)s, until %(until)s.") % {"now": text, "until": moment(now.until, at, tz)}


def _night_line(menu: IvrMenu, night_active: bool, night_to: str) -> str:
    own = menu.night_destination_kind != DestinationKind.NONE
    to = (
        destination_label(
            menu.night_destination_kind, menu.night_destination_entry, menu.night_destination_number
        )
        if own
        else night_to
    )
    if menu.night_mode == NightModeFollow.ON:
        return _("Always on: every call to this menu goes to %(to)s, whatever the company setting is.") % {
            "to": to
        }
    if menu.night_mode == NightModeFollow.OFF:
        return _("Off: the menu plays as usual, also while the company's night mode is active.")
    if night_active:
        return _("Follows the company setting: night mode is active now, so calls go to %(to)s.") % {"to": to}
    return _("Follows the company setting: night mode is not active now, so the menu plays as usual.")


def _edit_context(
    request: PortalRequest, menu: IvrMenu, form: IvrMenuForm, **extra: object
) -> dict[str, object]:
    night_active, night_until, night_to = _night(request)
    context: dict[str, object] = {
        "menu": menu,
        "form": form,
        "greeting_form": GreetingForm(),
        "greeting_part": "",
        "warnings": services.menu_warnings(menu),
        "now_line": now_line(menu, night_active, night_until, night_to),
        "night_line": _night_line(menu, night_active, night_to),
        "after_never": services.after_hours_never(menu),
        "after_is_menu": menu.after_hours == AfterHours.MENU,
        "business_keypad": keypad(menu, IvrPart.BUSINESS),
        "after_keypad": keypad(menu, IvrPart.AFTER),
    }
    context.update(extra)
    return context


def _refuse_stale(form: IvrMenuForm, exc: StaleEdit, current: IvrMenu) -> None:
    refuse_stale_with_destinations(form, exc, IvrMenuForm.initial_of(current))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def ivr_edit(request: PortalRequest, pk: int) -> HttpResponse:
    menu = _get_menu(request, pk)
    if request.method == "POST":
        form = IvrMenuForm(request.POST, menu=menu)
        if form.is_valid():
            try:
                services.ivr_menu_update(
                    menu=menu,
                    by=request.user,
                    values=form.values(),
                    keys=form.keys(),
                    expected_version=form.expected_version,
                )
            except StaleEdit as exc:
                _refuse_stale(form, exc, _get_menu(request, pk))
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("pbx:ivr_edit", pk=menu.pk)
    else:
        form = IvrMenuForm(menu=menu)
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "pbx/ivr/edit.html", _edit_context(request, menu, form), status=status)


def _greeting(request: PortalRequest, pk: int, part: str) -> HttpResponse:
    """GET: the greeting's audio for the page's <audio> element; POST: upload a new one."""
    menu = _get_menu(request, pk)
    field = services.GREETING_FIELDS[IvrPart(part)]
    if request.method == "GET":
        greeting = getattr(menu, field)
        if greeting is None:
            raise Http404
        # A streamed file, which the tenant decorators' HttpResponse typing does not name.
        return uploads.serve(greeting.path, filename=greeting.name, content_type="audio/wav")  # type: ignore[return-value]
    greeting_form = GreetingForm(request.POST, request.FILES)
    if greeting_form.is_valid():
        try:
            services.ivr_menu_set_greeting(
                menu=menu, by=request.user, part=part, upload=greeting_form.cleaned_data["file"]
            )
        except ValidationError as exc:
            greeting_form.add_error("file", exc)
        else:
            messages.success(request, _("Greeting uploaded."))
            return redirect("pbx:ivr_edit", pk=menu.pk)
    context = _edit_context(
        request, menu, IvrMenuForm(menu=menu), greeting_form=greeting_form, greeting_part=part
    )
    return render(request, "pbx/ivr/edit.html", context, status=400)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def ivr_greeting_business(request: PortalRequest, pk: int) -> HttpResponse:
    return _greeting(request, pk, IvrPart.BUSINESS)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def ivr_greeting_after(request: PortalRequest, pk: int) -> HttpResponse:
    return _greeting(request, pk, IvrPart.AFTER)


def _remove_greeting(request: PortalRequest, pk: int, part: str) -> HttpResponse:
    menu = _get_menu(request, pk)
    services.ivr_menu_remove_greeting(menu=menu, by=request.user, part=part)
    messages.success(request, _("Greeting removed. Callers hear no choices until a new one is uploaded."))
    return redirect("pbx:ivr_edit", pk=menu.pk)


@require_POST
@product_required("pbx")
def ivr_greeting_business_remove(request: PortalRequest, pk: int) -> HttpResponse:
    return _remove_greeting(request, pk, IvrPart.BUSINESS)


@require_POST
@product_required("pbx")
def ivr_greeting_after_remove(request: PortalRequest, pk: int) -> HttpResponse:
    return _remove_greeting(request, pk, IvrPart.AFTER)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def ivr_delete(request: PortalRequest, pk: int) -> HttpResponse:
    menu = _get_menu(request, pk)
    error = ""
    if request.method == "POST":
        name = menu.entry.name
        try:
            services.ivr_menu_delete(menu=menu, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("IVR menu %(name)s deleted.") % {"name": name})
            return redirect("pbx:ivr_menus")
    used = services.ivr_menu_usages(menu)
    status = 400 if error else 200
    return render(request, "pbx/ivr/delete.html", {"menu": menu, "error": error, "used": used}, status=status)
