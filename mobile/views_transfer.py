"""CSV export of the mobile subscriptions and import of their limits and blocking (issue 15).

The pages are core.views_transfer's; mobile/transfer.py says what a row holds. Export is GET
(read-only members may export); import POSTs (TenantMiddleware refuses read-only members).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.tenancy import PortalRequest, product_required
from core.views_transfer import export_view, import_view
from mobile.transfer import SubscriptionImporter


@require_GET
@product_required("mobile")
def subscriptions_export(request: PortalRequest) -> HttpResponse:
    return export_view(request, SubscriptionImporter, _("subscriptions"))


@require_http_methods(["GET", "POST"])
@product_required("mobile")
def subscriptions_import(request: PortalRequest) -> HttpResponse:
    return import_view(
        request,
        importer=SubscriptionImporter,
        template="mobile/transfer/import.html",
        done_url=reverse("mobile:index"),
        context={
            "title": _("Import limits and blocking"),
            "back_url": reverse("mobile:index"),
            "back_label": _("Mobile"),
            "export_url": reverse("mobile:subscriptions_export"),
            "key_help": _(
                "Rows are matched on the number. Only the user name, limits, alerts and blocking are imported; "
                "type and status are for information. Subscriptions that are not in the file are left alone."
            ),
        },
    )
