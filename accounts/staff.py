"""Operator staff reach every organisation through the Django admin: never with a password alone.

Staff log in through the portal's own login (rate limited, and allauth.mfa asks for the code
of the authenticator app). A staff account without an authenticator is sent to set one up
before any admin page opens.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

AdminView = Callable[..., Any]


def needs_two_factor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff and not is_mfa_enabled(user))


def two_factor_required(admin_view: Callable[..., AdminView]) -> Callable[..., AdminView]:
    """Wraps AdminSite.admin_view, through which every admin page is routed."""

    @wraps(admin_view)
    def wrap(view: AdminView, cacheable: bool = False) -> AdminView:
        inner = admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if needs_two_factor(request.user):
                messages.warning(
                    request,
                    _(
                        "Operator accounts need two-factor login: set up an authenticator app "
                        "first, then open the operator pages again."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            return inner(request, *args, **kwargs)

        return guarded

    return wrap
