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

SESSION_LOGIN_AT = "_portal_login_at"
SESSION_ACTIVE_AT = "_portal_active_at"
SESSION_ORGANISATION = "_portal_organisation_id"
# Requests sent by the page itself (status polling) carry this header; they do not count as
# activity, so an unattended open tab still ends after the idle limit.
BACKGROUND_HEADER = "HTTP_X_PORTAL_BACKGROUND"
# Apps whose views act on the current organisation; a read-only member may not write there.
TENANT_APPS = {"accounts", "telephony", "pbx", "mobile", "schedules"}
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


class TenantMiddleware:
    """Resolves the current organisation once and runs the request inside its scope.

    Domain models use django-scopes' ScopedManager, so a query that is not bound to the
    organisation raises instead of leaking another tenant's data.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .models import Membership

        request.organisation = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            with scopes_disabled():
                memberships = list(
                    Membership.objects.filter(user=user, is_active=True)
                    .select_related("organisation")
                    .order_by("organisation__name", "organisation_id")
                )
            if memberships:
                wanted = request.session.get(SESSION_ORGANISATION)
                current = next((m for m in memberships if m.organisation_id == wanted), memberships[0])
                request.memberships = memberships  # type: ignore[attr-defined]
                request.membership = current  # type: ignore[attr-defined]
                request.organisation = current.organisation  # type: ignore[attr-defined]
        if user.is_authenticated and user.is_staff and request.path.startswith("/admin/"):
            # Operator staff work across organisations in the Django admin.
            with scopes_disabled():
                return self.get_response(request)
        if request.organisation is not None:  # type: ignore[attr-defined]
            with scope(organisation=request.organisation):  # type: ignore[attr-defined]
                return self.get_response(request)
        with scope():  # no organisation: every scoped query raises
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method in SAFE_METHODS:
            return None
        mismatch = self._other_organisation(request, view_func)
        if mismatch is not None:
            return mismatch
        membership = getattr(request, "membership", None)
        if membership is None or membership.is_admin:
            return None
        module = getattr(view_func, "__module__", "") or ""
        if module.split(".")[0] in TENANT_APPS and not getattr(view_func, "personal", False):
            raise PermissionDenied(_("Your account may only view this organisation's settings."))
        return None

    @staticmethod
    def _other_organisation(request: HttpRequest, view_func: Any) -> HttpResponse | None:
        """A form made for another organisation than the current one is not saved.

        The current organisation lives in the session, so switching in one browser tab
        changes it for every tab; a page still open for the old organisation must not
        save its form into the new one. Forms carry the organisation they were made for
        (a hidden field, or a header on htmx requests).
        """
        organisation = getattr(request, "organisation", None)
        module = (getattr(view_func, "__module__", "") or "").split(".")[0]
        if organisation is None or module not in TENANT_APPS or getattr(view_func, "personal", False):
            return None
        claimed = request.POST.get("_organisation") or request.headers.get("X-Portal-Organisation")
        if not claimed or claimed == str(organisation.pk):
            return None
        names = {str(m.organisation_id): m.organisation.name for m in getattr(request, "memberships", [])}
        context = {"form_organisation": names.get(claimed), "current": organisation}
        return render(request, "409_organisation.html", context, status=409)
