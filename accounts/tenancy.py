"""View decorators that enforce the tenant and role rules of DESIGN.md."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails

from .models import Membership, Organisation, User


class PortalRequest(HttpRequest):
    """A request that went through TenantMiddleware; views behind organisation_required use it."""

    user: User
    organisation: Organisation
    membership: Membership
    memberships: list[Membership]
    htmx: HtmxDetails


View = TypeVar("View", bound=Callable[..., HttpResponse])


def organisation_required(view: View) -> View:
    """Logged in and a member of an organisation; staff without one go to the admin."""

    @wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.organisation is None:
            if request.user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def product_required(product: str) -> Callable[[View], View]:
    """The organisation has the product; otherwise the tab does not exist for it (404)."""

    def decorator(view: View) -> View:
        @organisation_required
        @wraps(view)
        def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.organisation.has_product(product):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def admin_required(view: View) -> View:
    """Only a Beheerder may run this view at all (reads included)."""

    @organisation_required
    @wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def personal(view: View) -> View:
    """Marks a view that changes only the visitor's own account or session.

    A read-only member may use it; every other write of a tenant app is refused (403)
    by TenantMiddleware.
    """
    view.personal = True  # type: ignore[attr-defined]
    return view
