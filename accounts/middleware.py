"""Session limits and the account's language (tenancy is core.tenancy)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "_portal_login_at"
SESSION_ACTIVE_AT = "_portal_active_at"
# Requests sent by the page itself (status polling) carry this header; they do not count as
# activity, so an unattended open tab still ends after the idle limit.
BACKGROUND_HEADER = "HTTP_X_PORTAL_BACKGROUND"

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
