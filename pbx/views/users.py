"""Telefooncentrale "Gebruikers": the PBX users (R5), not the portal's accounts (accounts.views)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import format_phone_number
from core import uploads
from core.references import usages
from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit
from pbx.domain.destination import DestinationKind
from pbx.forms.users import AppPasswordForm, GreetingForm, PbxUserCreateForm, PbxUserForm
from pbx.models import NightModeFollow, PbxUser
from pbx.services import night_mode as night_services
from pbx.services import users as services
from pbx.services.directory import destination_label
from pbx.views.shared import refuse_stale_with_destinations, show_service_errors

PAGE_SIZE = 25


class UserSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=60)


def _get_user(request: PortalRequest, pk: int) -> PbxUser:
    return get_object_or_404(services.pbx_users(organisation=request.organisation), pk=pk)


def _search(users: QuerySet[PbxUser], text: str) -> QuerySet[PbxUser]:
    """A name, an extension or a number in any way people write it (020 555 1000, +31 20…)."""
    condition = Q()
    for word in text.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    found = condition
    digits = re.sub(r"[^0-9]", "", text)
    if digits and re.fullmatch(r"[0-9\s()+\-.]+", text, re.ASCII):
        found |= Q(entry__extension__startswith=digits)
        national = (
            digits[2:] if digits.startswith("00") else "31" + digits[1:] if digits.startswith("0") else digits
        )
        found |= Q(entry__phone_number__number__contains=national)
    return users.filter(found)


def _short_target(user: PbxUser, prefix: str) -> str:
    kind = getattr(user, f"{prefix}_kind")
    if kind == DestinationKind.ENTRY:
        entry = getattr(user, f"{prefix}_entry")
        return str(entry.name) if entry is not None else ""
    if kind == DestinationKind.VOICEMAIL:
        return _("Company voicemail")
    return format_phone_number(getattr(user, f"{prefix}_number"))


def forwarding_summary(user: PbxUser) -> str:
    """ "Altijd → 06 12345678", "Bij geen gehoor na 20 s → Verkoop": the forwards in a few words."""
    if user.forward_always_kind != DestinationKind.NONE:
        return _("Always → %(to)s") % {"to": _short_target(user, "forward_always")}
    parts = []
    if user.forward_busy_kind != DestinationKind.NONE:
        parts.append(_("On busy → %(to)s") % {"to": _short_target(user, "forward_busy")})
    if user.forward_no_answer_kind != DestinationKind.NONE:
        parts.append(
            _("On no answer after %(seconds)s s → %(to)s")
            % {"seconds": user.forward_no_answer_seconds, "to": _short_target(user, "forward_no_answer")}
        )
    if user.forward_unreachable_kind != DestinationKind.NONE:
        parts.append(_("Unreachable → %(to)s") % {"to": _short_target(user, "forward_unreachable")})
    return "; ".join(parts)


@require_GET
@product_required("pbx")
def user_list(request: PortalRequest) -> HttpResponse:
    search = UserSearchForm(request.GET or None)
    users = services.pbx_users(organisation=request.organisation)
    query = ""
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
        if query:
            users = _search(users, query)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(user, forwarding_summary(user)) for user in page.object_list]
    context = {"search": search, "query": query, "page": page, "rows": rows}
    if request.htmx and request.htmx.target == "user-results":
        return render(request, "pbx/users/list.html#results", context)
    return render(request, "pbx/users/list.html", context)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def user_create(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    form = PbxUserCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.pbx_user_create(
                organisation=organisation,
                by=request.user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                extension=form.cleaned_data["extension"],
                phone_number=form.cleaned_data["phone_number"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.full_name})
            return redirect("pbx:user_edit", pk=user.pk)
    status = 400 if form.errors else 200
    return render(request, "pbx/users/create.html", {"form": form}, status=status)


def night_mode_line(user: PbxUser, night_active: bool, night_destination: str) -> str:
    """What the user's night-mode choice means for this user right now."""
    if user.night_mode == NightModeFollow.ON:
        return _(
            "Always on: calls for this user always go to the company's night destination (%(to)s), "
            "whatever the company setting is."
        ) % {"to": night_destination}
    if user.night_mode == NightModeFollow.OFF:
        return _("Off: this user is always called as usual, also while the company's night mode is active.")
    if night_active:
        return _(
            "Follows the company setting: night mode is active now, so calls for this user go to %(to)s."
        ) % {"to": night_destination}
    return _("Follows the company setting: night mode is not active now, so this user is called as usual.")


def _edit_context(
    request: PortalRequest, user: PbxUser, form: PbxUserForm, **extra: object
) -> dict[str, object]:
    night = night_services.night_mode_get(organisation=request.organisation)
    state = night_services.night_mode_state(night)
    if night.destination_kind == DestinationKind.VOICEMAIL:
        night_destination = _("the company voicemail (999)")
    else:
        night_destination = destination_label(
            night.destination_kind, night.destination_entry, night.destination_number
        )
    context: dict[str, object] = {
        "pbx_user": user,
        "form": form,
        "greeting_form": GreetingForm(),
        "night_line": night_mode_line(user, state.active, night_destination),
    }
    context.update(extra)
    return context


def _refuse_stale(form: PbxUserForm, exc: StaleEdit, current: PbxUser) -> None:
    refuse_stale_with_destinations(form, exc, PbxUserForm.initial_of(current))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def user_edit(request: PortalRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    if request.method == "POST":
        form = PbxUserForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.pbx_user_update(
                    user=user, by=request.user, values=form.values(), expected_version=form.expected_version
                )
            except StaleEdit as exc:
                _refuse_stale(form, exc, _get_user(request, pk))
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("pbx:user_edit", pk=user.pk)
    else:
        form = PbxUserForm(user=user)
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "pbx/users/edit.html", _edit_context(request, user, form), status=status)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def user_password(request: PortalRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    form = AppPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pbx_user_set_app_password(
                user=user,
                by=request.user,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password_again"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("The password of the app and Outlook login has been changed."))
            return redirect("pbx:user_edit", pk=user.pk)
    status = 400 if form.errors else 200
    return render(request, "pbx/users/password.html", {"pbx_user": user, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def user_greeting(request: PortalRequest, pk: int) -> HttpResponse:
    """GET: the greeting's audio for the page's <audio> element; POST: upload a new one."""
    user = _get_user(request, pk)
    if request.method == "GET":
        if user.greeting is None:
            raise Http404
        # A streamed file, which the tenant decorators' HttpResponse typing does not name.
        return uploads.serve(user.greeting.path, filename=user.greeting.name, content_type="audio/wav")  # type: ignore[return-value]
    greeting_form = GreetingForm(request.POST, request.FILES)
    if greeting_form.is_valid():
        try:
            services.pbx_user_set_greeting(
                user=user, by=request.user, upload=greeting_form.cleaned_data["file"]
            )
        except ValidationError as exc:
            greeting_form.add_error("file", exc)
        else:
            messages.success(request, _("Greeting uploaded."))
            return redirect("pbx:user_edit", pk=user.pk)
    context = _edit_context(request, user, PbxUserForm(user=user), greeting_form=greeting_form)
    return render(request, "pbx/users/edit.html", context, status=400)


@require_POST
@product_required("pbx")
def user_greeting_remove(request: PortalRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    services.pbx_user_remove_greeting(user=user, by=request.user)
    messages.success(request, _("Greeting removed. Callers hear the standard greeting."))
    return redirect("pbx:user_edit", pk=user.pk)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def user_delete(request: PortalRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    error = ""
    if request.method == "POST":
        name = user.full_name
        try:
            services.pbx_user_delete(user=user, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("User %(name)s deleted.") % {"name": name})
            return redirect("pbx:users")
    used = usages([user.entry]).get(user.entry.pk, [])
    status = 400 if error else 200
    context = {"pbx_user": user, "error": error, "used": used}
    return render(request, "pbx/users/delete.html", context, status=status)
