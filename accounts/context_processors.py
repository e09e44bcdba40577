from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (key, label, url name, path prefixes that belong to the tab, product or None)
TABS = [
    ("telephony", _("Phone"), "telephony:index", ("/telefoon/",), "telephony"),
    ("pbx", _("PBX"), "pbx:index", ("/telefooncentrale/",), "pbx"),
    ("mobile", _("Mobile"), "mobile:index", ("/mobiel/",), "mobile"),
    ("settings", _("Settings"), "organisation_settings", ("/instellingen/",), None),
    ("members", _("Users"), "members", ("/gebruikers/",), None),
    ("profile", _("My details"), "profile", ("/mijn-gegevens/", "/account/"), None),
]


def portal(request: HttpRequest) -> dict[str, Any]:
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    if organisation is None:
        return {"can_edit": False}
    tabs = []
    for key, label, url_name, prefixes, product in TABS:
        if product and not organisation.has_product(product):
            continue
        tabs.append(
            {
                "key": key,
                "label": label,
                "url": reverse(url_name),
                "active": request.path.startswith(prefixes),
            }
        )
    return {
        "tabs": tabs,
        "organisation": organisation,
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "can_edit": bool(membership and membership.is_admin),
    }
