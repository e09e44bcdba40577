"""Per-request tenancy, session limits and the account's language."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from core.tenancy import ORGANISATION_FIELD, ORGANISATION_HEADER, acts_on_tenant

SESSION_LOGIN_AT = "_portal_login_at"
SESSION_ACTIVE_AT = "_portal_active_at"
SESSION_ORGANISATION = "_portal_organisation_id"
# Requests sent by the page itself (status polling) carry this header; they do not count as
# activity, so an unattended open tab still ends after the idle limit.
BACKGROUND_HEADER = "HTTP_X_PORTAL_BACKGROUND"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLimitMiddleware:
    """Ends a session after SESSION_COOKIE_AGE idle and SESSION_MAX_LIFETIME in total."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(SESSION_LOGIN_AT, now)
            active_at = session.get(SESSION_ACTIVE_AT, now)
            if (
                now - login_at > settings.SESSION_MAX_LIFETIME
                or now - active_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(settings.LOGIN_URL)
            if not request.META.get(BACKGROUND_HEADER):
                session[SESSION_ACTIVE_AT] = now
        return self.get_response(request)


class LanguageMiddleware:
    """Dutch unless the account (or, before login, the language cookie) says otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the
    portal is Dutch by default, whatever the browser was installed with.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        languages = dict(settings.LANGUAGES)
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user is not None and user.is_authenticated else None
        if language not in languages:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def current_membership(user: Any, session: Any) -> tuple[list[Any], Any]:
    """The account's active memberships and the one it works in now (the session's choice)."""
    from .models import Membership

    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "organisation_id")
        )
    if not memberships:
        return [], None
    wanted = session.get(SESSION_ORGANISATION)
    return memberships, next((m for m in memberships if m.organisation_id == wanted), memberships[0])


class TenantMiddleware:
    """Resolves the current organisation once and runs the request inside its scope.

    Domain models use django-scopes' ScopedManager, so a query that is not bound to the
    organisation raises instead of leaking another tenant's data.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships, current = current_membership(user, request.session)
            if current is not None:
                request.memberships = memberships  # type: ignore[attr-defined]
                request.membership = current  # type: ignore[attr-defined]
                request.organisation = current.organisation  # type: ignore[attr-defined]
        if self._staff_in_admin(request):
            # Operator staff work across organisations in the Django admin.
            with scopes_disabled():
                return self.get_response(request)
        if request.organisation is not None:  # type: ignore[attr-defined]
            with scope(organisation=request.organisation):  # type: ignore[attr-defined]
                return self.get_response(request)
        with scope():  # no organisation: every scoped query raises
            return self.get_response(request)

    @staticmethod
    def _staff_in_admin(request: HttpRequest) -> bool:
        user = request.user
        return user.is_authenticated and user.is_staff and request.path.startswith("/admin/")

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        """Every write to a view that acts on the organisation, whatever app it lives in.

        Deny by default: a read-only member may write only to views marked `@personal`
        and to allauth's (own login, password, two-factor), never to a view someone forgot
        to list.
        """
        if request.method in SAFE_METHODS or not acts_on_tenant(view_func) or self._staff_in_admin(request):
            return None
        refused = self._other_organisation(request)
        if refused is not None:
            return refused
        membership = getattr(request, "membership", None)
        if membership is None or membership.is_admin:
            return None
        raise PermissionDenied(_("Your account may only view this organisation's settings."))

    @staticmethod
    def _other_organisation(request: HttpRequest) -> HttpResponse | None:
        """A form not made for the current organisation is not saved.

        The current organisation lives in the session, so switching in one browser tab
        changes it for every tab; a page still open for the old organisation must not
        save its form into the new one. Every form carries the organisation it was made
        for (`{% form_guard %}`: a hidden field, or the header htmx sends); a write
        without that claim is refused too, so a form that forgot it fails closed.
        """
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return None
        claimed = request.POST.get(ORGANISATION_FIELD) or request.headers.get(ORGANISATION_HEADER)
        if claimed == str(organisation.pk):
            return None
        if not claimed:
            return render(request, "400_organisation.html", {"current": organisation}, status=400)
        names = {str(m.organisation_id): m.organisation.name for m in getattr(request, "memberships", [])}
        context = {"form_organisation": names.get(claimed), "current": organisation}
        return render(request, "409_organisation.html", context, status=409)
