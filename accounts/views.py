"""Instellingen, Gebruikers, Mijn gegevens, switching organisation and language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tenancy import SESSION_ORGANISATION, PortalRequest, organisation_required, personal
from core.versioning import StaleEdit

from . import services
from .forms import AcceptInvitationForm, InviteForm, OrganisationSettingsForm, ProfileForm, RoleForm
from .models import Membership, PhoneNumber, Role, User
from .numbers import number_usage

TAB_ORDER = [("pbx", "pbx:index"), ("telephony", "telephony:index"), ("mobile", "mobile:index")]


@require_GET
@organisation_required
def home(request: PortalRequest) -> HttpResponse:
    """The landing page is the first product tab the organisation has."""
    for product, url_name in TAB_ORDER:
        if request.organisation.has_product(product):
            return redirect(url_name)
    return redirect("organisation_settings")


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@personal
@require_POST
@organisation_required
def switch_organisation(request: PortalRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    membership = next((m for m in request.memberships if str(m.organisation_id) == wanted), None)
    if membership is None:
        return render(request, "404.html", status=404)
    request.session[SESSION_ORGANISATION] = membership.organisation_id
    messages.success(request, _("You are now working for %(name)s.") % {"name": membership.organisation.name})
    return redirect("home")


def remember_language(response: HttpResponse, language: str) -> None:
    """The language cookie: the choice also holds on the login page, before an account is known."""
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 86400, samesite="Lax", httponly=True
    )


@personal
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switches the interface language; for a logged-in account it is remembered."""
    from django.conf import settings

    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, reverse("home")))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        user = request.user
        if isinstance(user, User) and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        remember_language(response, language)
    return response


@require_http_methods(["GET", "POST"])
@organisation_required
def organisation_settings(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                by=request.user,
                expected_version=form.expected_version,
                **{name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
            )
        except StaleEdit as exc:
            current = exc.current
            form.refuse_stale(exc, stored={name: getattr(current, name) for name in services.SETTINGS_FIELDS})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisation_settings")
    numbers = list(PhoneNumber.objects.filter(organisation=organisation))
    usage = number_usage(organisation)
    rows = [(n, usage.get(n.pk)) for n in numbers]
    context = {
        "form": form,
        "numbers": rows,
        "free_count": sum(1 for _n, used in rows if used is None),
    }
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "accounts/organisation_settings.html", context, status=status)


def _get_membership(request: PortalRequest, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(organisation=request.organisation).select_related("user"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@organisation_required
def members(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                organisation=organisation,
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": membership.user.email}
            )
            return redirect("members")
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("-is_active", "user__first_name", "user__last_name", "user__email")
    )
    context = {"member_rows": memberships, "form": form, "roles": Role.choices}
    return render(request, "accounts/members.html", context, status=400 if form.errors else 200)


@require_POST
@organisation_required
def member_role(request: PortalRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    form = RoleForm(request.POST, instance=Membership(role=membership.role))
    if not form.is_valid():
        messages.error(request, _("Choose a role: Administrator or Read only."))
        return redirect("members")
    try:
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.display_name, "role": membership.get_role_display()},
        )
    return redirect("members")


@require_POST
@organisation_required
def member_deactivate(request: PortalRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    try:
        services.membership_deactivate(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s no longer has access.") % {"name": membership.user.display_name}
        )
    return redirect("members")


@require_POST
@organisation_required
def member_reactivate(request: PortalRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    services.membership_reactivate(membership=membership, by=request.user)
    messages.success(request, _("%(name)s has access again.") % {"name": membership.user.display_name})
    return redirect("members")


@personal
@require_http_methods(["GET", "POST"])
@organisation_required
def profile(request: PortalRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        response = redirect("profile")
        remember_language(response, user.language)
        messages.success(request, _("Changes saved."))
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    user = services.invitation_user(token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password has been set."))
        return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invited": user})
