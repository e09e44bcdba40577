"""Tenancy: the organisation a request works for, the views that act on it, and their guards.

TenantMiddleware resolves the current organisation once per request and runs the view in
its django-scopes scope; it refuses every write of a read-only member to a view that acts on
the organisation (deny by default: `acts_on_tenant`) and every write whose form does not say
it was made for the current organisation. The decorators below check membership and product.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Organisation, User

SESSION_ORGANISATION = "_portal_organisation_id"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Every form of a tenant page says which organisation it was made for: this hidden field,
# or on htmx requests this header (set once on <body>).
ORGANISATION_FIELD = "_organisation"
ORGANISATION_HEADER = "X-Portal-Organisation"
# Views that act on the visitor's own account or session, not on an organisation: allauth's
# (login, logout, password, e-mail, two-factor) and the operator's Django admin.
NOT_TENANT_MODULES = ("allauth.", "django.contrib.admin.")


def acts_on_tenant(view_func: Any) -> bool:
    """Deny by default: every view acts on the current organisation unless marked otherwise.

    A new app is covered without anyone adding it to a list; a view that changes only the
    visitor's own account is marked with `@personal`.
    """
    if getattr(view_func, "personal", False):
        return False
    module = getattr(view_func, "__module__", "") or ""
    return not module.startswith(NOT_TENANT_MODULES)


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
    by TenantMiddleware; it needs no organisation claim.
    """
    view.personal = True  # type: ignore[attr-defined]
    return view


Handler = Callable[[HttpRequest], HttpResponse]


def current_membership(user: User, session: Any) -> tuple[list[Membership], Membership | None]:
    """The account's active memberships and the one it works in now (the session's choice)."""
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
