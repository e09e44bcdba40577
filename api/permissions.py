"""Who may do what in the API: the same rules as the portal's pages.

The view has resolved the membership the request acts as (a token's, or the session's current
one); a read-only member may read and nothing else, an organisation without the product has
no such endpoints (404, as its tab does not exist).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


class MemberPermission(BasePermission):
    message = _("Your account may only view this organisation's settings.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        membership = getattr(view, "membership", None)
        if membership is None:
            raise exceptions.PermissionDenied(_("Your account is not a member of an organisation."))
        product = getattr(view, "product", None)
        if product and not membership.organisation.has_product(product):
            raise exceptions.NotFound()
        if request.method in SAFE_METHODS:
            return True
        return bool(membership.is_admin)
