"""Tenancy: which organisation a request works for, and which views act on it."""

from __future__ import annotations

from typing import Any

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
